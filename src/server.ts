import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createDb } from './db/client.js';
import { memoryFacts, sharedBuffersAdvice } from './db/memory.js';
import { runMigrations } from './db/migrate.js';
import { prepareData } from './seed.js';

async function main() {
  const config = loadConfig();
  const database = await createDb({
    databaseUrl: config.DATABASE_URL,
    pgliteDir: config.PGLITE_DIR,
    poolMax: config.DATABASE_POOL_MAX,
  });
  const logger = { level: config.LOG_LEVEL };

  // PGlite is private to this process: migrate it always. A shared PostgreSQL is migrated by
  // `npm run db:migrate` (or here when MIGRATE_ON_START=true), under an advisory lock.
  if (database.engine === 'pglite' || config.MIGRATE_ON_START) await runMigrations(database);

  const app = await buildApp({ config, database, logger });
  await prepareData(database.db, { seedSample: config.SEED_ON_START && database.engine === 'pglite', log: app.log });
  const facts = await memoryFacts(database).catch(() => undefined);
  const advice = facts && sharedBuffersAdvice(facts);
  if (advice) app.log.warn(facts, advice);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    try {
      await app.close();
      await database.close();
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const address = await app.listen({ host: config.HOST, port: config.PORT });
  const shown = address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
  app.log.info(`oda-rights-map on ${database.engine}: API ${shown}/v1, docs ${shown}/docs`);
  if (process.stdout.isTTY) console.log(`\n  oda-rights-map is up.  Docs: ${shown}/docs   API: ${shown}/v1/recommendations?country=KE\n`);
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
  } else {
    console.error('Failed to start:', err);
  }
  process.exit(1);
});
