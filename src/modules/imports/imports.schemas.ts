import { z } from 'zod';
import { booleanQuery, PageQuery, pageOf } from '../../lib/schemas.js';
import { IMPORT_MODES } from '../../importers/run.js';

export const ImportProblem = z
  .object({
    severity: z.enum(['error', 'warning']),
    line: z.number().int().nullable().describe('1-based line in the file where the record starts.'),
    recordId: z.string().nullable().describe('The record: iati-identifier, recommendation id…'),
    field: z.string().nullable(),
    message: z.string(),
  })
  .meta({ id: 'ImportProblem' });

export const ImportRun = z
  .object({
    id: z.string(),
    kind: z.string().describe('upr-info, iati…'),
    fileName: z.string(),
    sha256: z.string().nullable(),
    bytes: z.number().int().nullable(),
    mode: z.enum(IMPORT_MODES),
    dryRun: z.boolean(),
    status: z
      .enum(['running', 'succeeded', 'partial', 'rejected', 'failed'])
      .describe('succeeded; partial (skip-invalid left records out); rejected (nothing written); failed (internal fault).'),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    counts: z
      .record(z.string(), z.number())
      .describe('read, inserted, updated, unchanged, stale (older than stored), rejected, warnings, and importer-specific counts.'),
    actor: z.string().nullable().describe('The API key name or CLI user that ran it.'),
    message: z.string().nullable(),
  })
  .meta({ id: 'ImportRun' });

export const ImportRunWithProblems = ImportRun.extend({
  problems: z.array(ImportProblem),
}).meta({ id: 'ImportRunReport' });

export const ImportQuery = z.object({
  mode: z.enum(IMPORT_MODES).default('atomic').describe('atomic: any invalid record rejects the whole file; skip-invalid: valid records are kept.'),
  dryRun: booleanQuery.default(false).describe('Validate and count without writing.'),
});
export const UprInfoImportQuery = ImportQuery.extend({
  encoding: z
    .enum(['utf-8', 'macroman', 'windows-1252'])
    .optional()
    .describe('The CSV encoding; detected when absent (UTF-8, else Mac Roman for CR line endings, else Windows-1252).'),
});

export const FileBody = z.unknown().meta({ type: 'string', format: 'binary', description: 'The file, streamed as the request body.' });

export const ImportListQuery = z.object({
  kind: z.string().max(50).optional().describe('Only runs of this importer.'),
  status: z.enum(['running', 'succeeded', 'partial', 'rejected', 'failed']).optional(),
  ...PageQuery,
});
export const ImportRunPage = pageOf(ImportRun, 'ImportRunPage');
export const ImportRunParams = z.object({ id: z.string().uuid().describe('Import run id.') });
