import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import type { Db } from '../db/client.js';
import { iatiImporter } from './iati.importer.js';
import { runImport, type Importer, type ImportMode, type RunReport } from './run.js';
import { uhriImporter, type UhriFormat } from './uhri.importer.js';
import { uprInfoImporter, type UprInfoOptions } from './upr-info.importer.js';

export const IMPORT_KINDS = ['upr-info', 'iati', 'uhri'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export interface FileImportOptions {
  mode: ImportMode;
  dryRun: boolean;
  actor?: string | null;
  maxBytes?: number;
  /** upr-info: the file's encoding (utf-8, macroman, windows-1252); detected when absent. */
  encoding?: UprInfoOptions['encoding'];
  /** uhri: the declared format (json or xlsx); told from the file's first bytes when absent. */
  format?: UhriFormat;
  onProgress?: (read: number) => void;
}

export function importerFor(kind: ImportKind, opts: FileImportOptions): Importer<unknown> {
  switch (kind) {
    case 'upr-info':
      return uprInfoImporter({ encoding: opts.encoding }) as Importer<unknown>;
    case 'iati':
      return iatiImporter() as Importer<unknown>;
    case 'uhri':
      return uhriImporter({ format: opts.format }) as Importer<unknown>;
  }
}

export async function importStream(
  db: Db,
  kind: ImportKind,
  input: Readable,
  fileName: string,
  opts: FileImportOptions,
): Promise<RunReport> {
  return runImport(db, importerFor(kind, opts), input, {
    fileName,
    mode: opts.mode,
    dryRun: opts.dryRun,
    actor: opts.actor,
    maxBytes: opts.maxBytes,
    onProgress: opts.onProgress,
    extra: { ...(opts.encoding ? { encoding: opts.encoding } : {}), ...(opts.format ? { format: opts.format } : {}) },
  });
}

export async function importFile(db: Db, kind: string, path: string, opts: FileImportOptions): Promise<RunReport> {
  if (!(IMPORT_KINDS as readonly string[]).includes(kind)) throw new Error(`unknown import kind ${kind}`);
  return importStream(db, kind as ImportKind, createReadStream(path), basename(path), opts);
}
