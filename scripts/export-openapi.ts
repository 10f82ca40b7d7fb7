// npm run openapi: writes the OpenAPI document the app serves to openapi/openapi.json.
// `npm run openapi -- --check` compares instead, and exits 1 when the committed file has drifted.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createDb } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { fromRoot } from '../src/lib/paths.js';

export const OPENAPI_PATH = fromRoot('openapi/openapi.json');

/** The document as the app describes itself, built on a throwaway in-memory PGlite. */
export async function renderOpenapi(): Promise<string> {
  const database = await createDb({});
  try {
    await runMigrations(database);
    const app = await buildApp({ config: loadConfig({}), database });
    try {
      await app.ready();
      return JSON.stringify(app.swagger(), null, 2) + '\n';
    } finally {
      await app.close();
    }
  } finally {
    await database.close();
  }
}

async function main(): Promise<number> {
  const check = process.argv.includes('--check');
  const rendered = await renderOpenapi();
  if (check) {
    const committed = await readFile(OPENAPI_PATH, 'utf8').catch(() => null);
    if (committed === rendered) {
      console.log(`${OPENAPI_PATH} is up to date.`);
      return 0;
    }
    console.error(
      committed === null
        ? `${OPENAPI_PATH} is missing: run \`npm run openapi\` and commit it.`
        : `${OPENAPI_PATH} differs from the document the app serves: run \`npm run openapi\` and commit the result.`,
    );
    return 1;
  }
  await mkdir(dirname(OPENAPI_PATH), { recursive: true });
  await writeFile(OPENAPI_PATH, rendered);
  console.log(`Wrote ${OPENAPI_PATH}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error('OpenAPI export failed:', err);
    process.exit(1);
  },
);
