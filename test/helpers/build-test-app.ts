import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Test } from 'tap';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDb, type Database } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { loadReferenceData } from '../../src/importers/reference.importer.js';
import { createKey, type Role } from '../../src/modules/keys/keys.queries.js';

export interface TestContext {
  app: App;
  database: Database;
  /** Bearer headers for a fresh key of each role. */
  auth: Record<Role, { authorization: string }>;
}

/**
 * A migrated database of its own for one test file: in-memory PGlite, or with DATABASE_URL a fresh
 * PostgreSQL database created for the file and dropped at the end. Reference data loaded; no sample data.
 */
export async function createTestDatabase(t: Test): Promise<Database> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const database = await createDb({});
    t.teardown(() => database.close());
    await runMigrations(database);
    await loadReferenceData(database.db);
    return database;
  }
  const name = `oda_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  const database = await createDb({ databaseUrl: u.toString(), poolMax: 4 });
  t.teardown(async () => {
    await database.close();
    const a = new pg.Client({ connectionString: url });
    await a.connect();
    await a.query(`drop database if exists ${name} with (force)`);
    await a.end();
  });
  await runMigrations(database);
  await loadReferenceData(database.db);
  return database;
}

export async function buildTestApp(t: Test, env: Record<string, string> = {}): Promise<TestContext> {
  const database = await createTestDatabase(t);
  const config = loadConfig({ NODE_ENV: 'test', RATE_LIMIT_MAX: '0', ...env });
  const app = await buildApp({ config, database });
  t.teardown(() => app.close());
  await app.ready();
  const auth = {} as TestContext['auth'];
  for (const role of ['reader', 'editor', 'admin'] as const) {
    const k = await createKey(database.db, `test-${role}`, role);
    auth[role] = { authorization: `Bearer ${k.key}` };
  }
  return { app, database, auth };
}
