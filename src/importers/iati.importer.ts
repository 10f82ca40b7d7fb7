/**
 * IATI activity XML importer (versions 2.01–2.03): streams <iati-activity> elements out of a file with saxes
 * and upserts them by iati-identifier, newest last-updated-datetime winning. See iati/parse.ts for the
 * reading rules and iati/write.ts for the version comparison and the bulk writes.
 */
import type { Importer } from './run.js';
import { parseIati } from './iati/parse.js';
import type { IatiActivity } from './iati/types.js';
import { writeIatiBatch } from './iati/write.js';

export type { IatiActivity, IatiBudget, IatiTransaction } from './iati/types.js';

export interface IatiImporterOptions {
  /** Activities per write batch (default 300): a few hundred keeps statements few and memory flat. */
  batchSize?: number;
}

export function iatiImporter(opts: IatiImporterOptions = {}): Importer<IatiActivity> {
  return {
    kind: 'iati',
    batchSize: opts.batchSize ?? 300,
    parse: (input, ctx) => parseIati(input, ctx),
    writeBatch: (tx, records, ctx) => writeIatiBatch(tx, records, ctx),
  };
}
