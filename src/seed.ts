import { sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from './db/client.js';
import { queryRows } from './db/query.js';
import { importFile } from './importers/index.js';
import { loadReferenceData } from './importers/reference.importer.js';
import { fromRoot } from './lib/paths.js';

/** The bundled sample dataset (data/sample, see data/SOURCES.md), in import order. */
export const SAMPLE_FILES = [
  { kind: 'upr-info', path: 'data/sample/upr-info_recommendations_sample.csv' },
  { kind: 'iati', path: 'data/sample/iati/dportal-covid19-2021_recipient-KE.xml' },
  { kind: 'iati', path: 'data/sample/iati/dportal-covid19-2021_recipient-UG.xml' },
  { kind: 'iati', path: 'data/sample/iati/dportal-covid19-2021_recipient-NP.xml' },
  { kind: 'iati', path: 'data/sample/iati/dportal-covid19-2021_recipient-BD.xml' },
  { kind: 'iati', path: 'data/sample/iati/dportal-covid19-2021_recipient-CO.xml' },
] as const;

type Log = Pick<FastifyBaseLogger, 'info' | 'warn'>;

/** Loads the reference tables (idempotent) and, on an empty database, the sample dataset. */
export async function prepareData(db: Db, opts: { seedSample: boolean; log?: Log }) {
  const ref = await loadReferenceData(db);
  opts.log?.info(ref, 'reference data ready');
  if (!opts.seedSample) return;
  const [row] = await queryRows<{ n: string }>(
    db,
    sql`select (select count(*) from recommendations) + (select count(*) from activities) as n`,
  );
  if (Number(row?.n ?? 0) > 0) return;
  await seedSample(db, opts.log);
}

export async function seedSample(db: Db, log?: Log) {
  for (const f of SAMPLE_FILES) {
    const report = await importFile(db, f.kind, fromRoot(f.path), { mode: 'skip-invalid', dryRun: false });
    log?.info({ file: f.path, status: report.status, counts: report.counts }, 'sample data imported');
  }
}
