import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb, type Database } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { loadReferenceData } from '../../src/importers/reference.importer.js';

/**
 * A fresh, migrated database with the reference data loaded and nothing else: in-memory PGlite, or with a
 * PostgreSQL URL a new database of its own (`<prefix>_<random>`) that `drop` removes. Used by tests and benchmarks.
 */
export async function createScratchDatabase(
  url = process.env.DATABASE_URL,
  prefix = 'oda_test',
): Promise<{ database: Database; drop: () => Promise<void> }> {
  if (!url) {
    const database = await createDb({});
    await runMigrations(database);
    await loadReferenceData(database.db);
    return { database, drop: () => database.close() };
  }
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  const database = await createDb({ databaseUrl: u.toString(), poolMax: 4 });
  const drop = async () => {
    await database.close();
    const a = new pg.Client({ connectionString: url });
    await a.connect();
    await a.query(`drop database if exists ${name} with (force)`);
    await a.end();
  };
  try {
    await runMigrations(database);
    await loadReferenceData(database.db);
  } catch (e) {
    await drop();
    throw e;
  }
  return { database, drop };
}
