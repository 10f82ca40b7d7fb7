import t from 'tap';
import { sql } from 'drizzle-orm';
import { runMigrations } from '../../src/db/migrate.js';
import { queryRows } from '../../src/db/query.js';
import { createTestDatabase } from '../helpers/build-test-app.js';

t.test('migrations are idempotent and serialised by the advisory lock', async (t) => {
  const database = await createTestDatabase(t); // migrated once already
  // Several instances starting together: each migrates; the lock makes them take turns, and all succeed.
  await Promise.all([runMigrations(database), runMigrations(database), runMigrations(database)]);
  const [row] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  const { readFileSync } = await import('node:fs');
  const { fromRoot } = await import('../../src/lib/paths.js');
  const journal = JSON.parse(readFileSync(fromRoot('migrations/meta/_journal.json'), 'utf8')) as { entries: unknown[] };
  t.equal(row!.n, journal.entries.length, 'each migration recorded once');
  // The append-only guard is in place on both engines.
  await t.rejects(database.db.execute(sql`truncate link_history`), 'link_history refuses TRUNCATE');
});
