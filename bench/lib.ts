import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb, type Database } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { loadReferenceData } from '../src/importers/reference.importer.js';

/** A fresh, migrated database for one benchmark: in-memory PGlite, or a new PostgreSQL database dropped afterwards. */
export async function freshDatabase(url = process.env.DATABASE_URL): Promise<{ database: Database; drop: () => Promise<void> }> {
  if (!url) {
    const database = await createDb({});
    await runMigrations(database);
    await loadReferenceData(database.db);
    return { database, drop: () => database.close() };
  }
  const name = `oda_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  const database = await createDb({ databaseUrl: u.toString(), poolMax: 4 });
  await runMigrations(database);
  await loadReferenceData(database.db);
  return {
    database,
    drop: async () => {
      await database.close();
      const a = new pg.Client({ connectionString: url });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

export const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
/** Peak resident set size of this process so far, in MB (ru_maxrss is in KB on Linux). */
export const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
