// npm run db:migrate: applies the committed migrations (advisory-locked on PostgreSQL) and loads the
// reference data. In the container image it runs as `node dist/scripts/migrate.js`.
import { ConfigError, loadConfig } from '../src/config.js';
import { createDb, type Database } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { loadReferenceData } from '../src/importers/reference.importer.js';

const USAGE = `Usage: npm run db:migrate
Applies the migrations in migrations/ to the database named by DATABASE_URL (or the embedded
PGlite in PGLITE_DIR when DATABASE_URL is unset), then loads the reference data.`;

/** Describes where the database is without printing a password. */
function describeTarget(url: string | undefined, pgliteDir: string): string {
  if (!url) return `PGlite at ${pgliteDir}`;
  try {
    const u = new URL(url);
    return `PostgreSQL at ${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}

async function main(): Promise<number> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const config = loadConfig();
  const target = describeTarget(config.DATABASE_URL, config.PGLITE_DIR);
  let database: Database | undefined;
  try {
    database = await createDb({ databaseUrl: config.DATABASE_URL, pgliteDir: config.PGLITE_DIR, poolMax: 2 });
    try {
      await database.ping();
    } catch (err) {
      console.error(`Cannot reach the database (${target}): ${(err as Error).message}`);
      return 1;
    }
    await runMigrations(database);
    const ref = await loadReferenceData(database.db);
    console.log(`Migrated ${target}; reference data: ${JSON.stringify(ref)}`);
    return 0;
  } finally {
    await database?.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof ConfigError) console.error(err.message);
    else console.error('Migration failed:', err);
    process.exit(1);
  },
);
