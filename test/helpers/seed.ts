import type { Database } from '../../src/db/client.js';
import { importFile } from '../../src/importers/index.js';
import { fromRoot } from '../../src/lib/paths.js';

export const SAMPLE_UPR = fromRoot('data/sample/upr-info_recommendations_sample.csv');
export const sampleIati = (country: string) => fromRoot(`data/sample/iati/dportal-covid19-2021_recipient-${country}.xml`);

/** The bundled sample recommendations (5 States) and the Kenya IATI file. */
export async function seedKenya(database: Database) {
  const upr = await importFile(database.db, 'upr-info', SAMPLE_UPR, { mode: 'atomic', dryRun: false });
  const iati = await importFile(database.db, 'iati', sampleIati('KE'), { mode: 'skip-invalid', dryRun: false });
  return { upr, iati };
}
