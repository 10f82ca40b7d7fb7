import type { Test } from 'tap';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import { createKey, type Role } from '../../src/modules/keys/keys.queries.js';
import { createScratchDatabase } from './scratch-database.js';

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
  const { database, drop } = await createScratchDatabase();
  t.teardown(drop);
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
