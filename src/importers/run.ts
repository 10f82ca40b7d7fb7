import { createHash, randomUUID } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { eq, TransactionRollbackError } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { importProblems, importRuns } from '../db/schema.js';
import { AppError, payloadTooLarge } from '../lib/errors.js';

export const IMPORT_MODES = ['atomic', 'skip-invalid'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];
export type RunStatus = 'succeeded' | 'partial' | 'rejected' | 'failed';

export interface Problem {
  severity: 'error' | 'warning';
  /** 1-based line of the source file where the record (or the fault) starts. */
  line?: number;
  /** The record's identifier (iati-identifier, annotation id, content id…). */
  recordId?: string;
  field?: string;
  message: string;
}

export interface Counts {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Records older than the stored version (IATI last-updated-datetime): reported and ignored. */
  stale: number;
  rejected: number;
  warnings: number;
  [extra: string]: number;
}

export interface RunReport {
  id: string;
  kind: string;
  fileName: string;
  sha256: string | null;
  bytes: number | null;
  mode: ImportMode;
  dryRun: boolean;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  counts: Counts;
  problems: Problem[];
  message: string | null;
}

/** A record the parser understood, or could not (problems with severity error). */
export interface Parsed<R> {
  line?: number;
  recordId?: string;
  record?: R;
  problems: Problem[];
}

/** What a batch write did to each record. */
export type Outcome = 'inserted' | 'updated' | 'unchanged' | 'stale';

export interface ImportContext {
  runId: string;
  options: ImportOptions;
  /** Records a warning or error not tied to one parsed record (e.g. a duplicate seen at write time). */
  report(problem: Problem): void;
  /** Adds to a named counter of the run (e.g. `matched` for cross-source matches). */
  count(name: string, by?: number): void;
}

export interface Importer<R> {
  kind: string;
  /** Streams records out of the source. Throws FatalImportError when the file as a whole cannot be read. */
  parse(input: Readable, ctx: ImportContext): AsyncIterable<Parsed<R>>;
  /** Writes one batch inside the caller's transaction; returns one outcome per record, in order. */
  writeBatch(tx: Db, records: Parsed<R>[], ctx: ImportContext): Promise<Outcome[]>;
  batchSize?: number;
}

export interface ImportOptions {
  fileName: string;
  mode: ImportMode;
  dryRun: boolean;
  actor?: string | null;
  /** Stop reading (413) beyond this many bytes. */
  maxBytes?: number;
  /** Importer-specific options (encoding…), recorded on the run. */
  extra?: Record<string, unknown>;
  onProgress?: (read: number) => void;
}

/** The file as a whole cannot be understood (not XML, IATI 1.x, DOCTYPE…): nothing is written. */
export class FatalImportError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Problems kept on a run; beyond this the rest are counted, not stored, so a broken file cannot fill the disk. */
const MAX_STORED_PROBLEMS = 50_000;

/** Counts and hashes the bytes that pass, and stops the stream past the size limit. */
export function meter(maxBytes = Number.POSITIVE_INFINITY) {
  const hash = createHash('sha256');
  let bytes = 0;
  let digest: string | undefined;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      // After the digest is taken (the importer stopped early), late bytes are neither hashed nor passed on.
      if (digest !== undefined) return cb();
      bytes += chunk.length;
      if (bytes > maxBytes) {
        cb(payloadTooLarge(`The file exceeds the import size limit of ${maxBytes} bytes.`));
        return;
      }
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  return {
    stream,
    get bytes() {
      return bytes;
    },
    /** The SHA-256 of the bytes read so far; taking it ends the metering. */
    digest: () => (digest ??= hash.digest('hex')),
  };
}

class AbortAtomic extends Error {}

/**
 * A copy of a problem whose strings own their memory. Parsers hand out slices of the decoded chunk; a kept slice
 * keeps its whole chunk alive (V8 sliced strings), so a run's problem list would otherwise hold the file.
 */
function detached(p: Problem): Problem {
  return JSON.parse(JSON.stringify(p)) as Problem;
}

/** Errors listed in a rejection's errors[]; the run itself keeps them all (GET /v1/imports/{id}). */
const MAX_ERRORS_IN_REJECTION = 200;

/** A rejected run as a typed 422 error naming every bad line, record and field, with the run report attached. */
export function rejectionError(report: RunReport, what = 'The file') {
  const problems = report.problems.filter((p) => p.severity === 'error');
  const errors = problems.slice(0, MAX_ERRORS_IN_REJECTION).map((p) => ({
    in: 'file',
    path: [p.line ? `line ${p.line}` : null, p.recordId ? `record ${p.recordId}` : null, p.field].filter(Boolean).join(': ') || 'file',
    message: p.message,
  }));
  const detail =
    report.message && problems.length <= 1
      ? `${what} was rejected and nothing was written: ${report.message}`
      : `${what} was rejected and nothing was written: ${problems.length} problem(s). See errors[] and GET /v1/imports/${report.id}.`;
  return new AppError(422, 'import-rejected', 'Import rejected', detail, {
    errors,
    importRun: { ...report, problems: undefined, actor: null },
  });
}

/**
 * Runs one import of one file. `atomic`: one transaction; any invalid record rolls the whole file back
 * while parsing goes on to list every problem. `skip-invalid`: a transaction per batch of valid records.
 * `dryRun`: the same writes in a transaction that is always rolled back, so the counts are exact.
 */
export async function runImport<R>(db: Db, importer: Importer<R>, input: Readable, options: ImportOptions): Promise<RunReport> {
  const id = randomUUID();
  const startedAt = new Date().toISOString();
  const counts: Counts = { read: 0, inserted: 0, updated: 0, unchanged: 0, stale: 0, rejected: 0, warnings: 0 };
  const problems: Problem[] = [];
  let problemsDropped = 0;
  const addProblem = (p: Problem) => {
    if (p.severity === 'warning') counts.warnings++;
    if (problems.length < MAX_STORED_PROBLEMS) problems.push(detached(p));
    else problemsDropped++;
  };
  const ctx: ImportContext = {
    runId: id,
    options,
    report: addProblem,
    count: (name, by = 1) => {
      counts[name] = (counts[name] ?? 0) + by;
    },
  };

  await db.insert(importRuns).values({
    id,
    kind: importer.kind,
    fileName: options.fileName,
    mode: options.mode,
    dryRun: options.dryRun,
    status: 'running',
    startedAt,
    counts,
    options: options.extra ?? {},
    actor: options.actor ?? null,
  });

  const m = meter(options.maxBytes);
  input.on('error', (e) => m.stream.destroy(e));
  const source = input.pipe(m.stream);
  const batchSize = importer.batchSize ?? 500;
  let status: RunStatus = 'succeeded';
  let message: string | null = null;
  let failure: unknown;
  let errorsSeen = 0;

  const apply = (outcomes: Outcome[]) => {
    for (const o of outcomes) counts[o]++;
  };

  /** Parses everything; hands batches of valid records to `flush` (unless writing was given up). */
  /**
   * Parses everything; hands batches of valid records to `flush` (unless writing was given up). One batch is
   * written while the next is parsed, so the parser's CPU and the database's overlap; batches are still written
   * one after another, in file order, so a batch sees everything written before it.
   */
  async function consume(flush: (batch: Parsed<R>[]) => Promise<void>) {
    let batch: Parsed<R>[] = [];
    let inflight: Promise<void> | undefined;
    let writeError: { error: unknown } | undefined;
    const start = async (b: Parsed<R>[]) => {
      if (inflight) await inflight;
      if (writeError) throw writeError.error;
      // Keep the rejection here, so that it is rethrown at the next batch or at the end, never left unhandled.
      inflight = flush(b).catch((error: unknown) => {
        writeError = { error };
      });
    };
    try {
      for await (const parsed of importer.parse(source, ctx)) {
        counts.read++;
        if (counts.read % 1000 === 0) options.onProgress?.(counts.read);
        const errors = parsed.problems.filter((p) => p.severity === 'error');
        for (const p of parsed.problems) addProblem({ line: parsed.line, recordId: parsed.recordId, ...p });
        if (errors.length || !parsed.record) {
          counts.rejected++;
          errorsSeen++;
          continue;
        }
        if (options.mode === 'atomic' && errorsSeen > 0) continue; // the file will be rolled back: validate only
        batch.push(parsed);
        // The first batch is smaller, so that writing starts early and overlaps the parsing of the rest even in a
        // file of a single batch's worth of records.
        if (batch.length >= (inflight ? batchSize : Math.ceil(batchSize / 3))) {
          await start(batch);
          batch = [];
        }
      }
      if (batch.length && !(options.mode === 'atomic' && errorsSeen > 0)) await start(batch);
    } finally {
      // Never leave a write running past this point, whether parsing ended or failed.
      if (inflight) await inflight;
    }
    if (writeError) throw writeError.error;
    options.onProgress?.(counts.read);
  }

  try {
    if (options.mode === 'atomic' || options.dryRun) {
      await db
        .transaction(async (tx) => {
          await consume(async (batch) => apply(await importer.writeBatch(tx as unknown as Db, batch, ctx)));
          if (options.dryRun || errorsSeen > 0) throw new AbortAtomic();
        })
        .catch((e) => {
          if (!(e instanceof AbortAtomic) && !(e instanceof TransactionRollbackError)) throw e;
        });
    } else {
      await consume(async (batch) => {
        await db.transaction(async (tx) => apply(await importer.writeBatch(tx as unknown as Db, batch, ctx)));
      });
    }
    if (errorsSeen > 0) status = options.mode === 'atomic' ? 'rejected' : 'partial';
  } catch (e) {
    if (e instanceof FatalImportError) {
      status = 'rejected';
      message = e.message;
      addProblem({ severity: 'error', line: e.line, field: e.field, message: e.message });
    } else if (e instanceof AppError && e.status < 500) {
      status = 'rejected';
      message = e.message;
      addProblem({ severity: 'error', message: e.message });
      failure = e;
    } else {
      status = 'failed';
      message = 'The import failed on an internal error; nothing of this batch was written.';
      failure = e;
    }
  }

  if (status === 'rejected' && options.mode === 'atomic') {
    // Nothing was kept: say so in the counts, so that a report never suggests rows were written.
    counts.rejected = counts.read;
    counts.inserted = counts.updated = counts.unchanged = counts.stale = 0;
  }
  if (problemsDropped) counts.problemsNotStored = problemsDropped;
  if (options.dryRun) message ??= 'Dry run: nothing was written; the counts say what an import would do.';

  const finishedAt = new Date().toISOString();
  const sha256 = m.digest();
  // Stop reading whatever the importer left unread (a refused file): nothing more is needed from it.
  input.unpipe(m.stream);
  m.stream.destroy();
  if (!input.readableEnded) input.resume();
  await db.transaction(async (tx) => {
    await tx
      .update(importRuns)
      .set({ status, finishedAt, counts, sha256, bytes: m.bytes, message })
      .where(eqRun(id));
    for (let i = 0; i < problems.length; i += 1000) {
      await tx.insert(importProblems).values(
        problems.slice(i, i + 1000).map((p, j) => ({
          runId: id,
          seq: i + j + 1,
          severity: p.severity,
          line: p.line ?? null,
          recordId: p.recordId ?? null,
          field: p.field ?? null,
          message: p.message,
        })),
      );
    }
  });

  if (failure && !(failure instanceof AppError && failure.status < 500)) throw failure;
  if (failure instanceof AppError && failure.status === 413) throw failure;
  return {
    id,
    kind: importer.kind,
    fileName: options.fileName,
    sha256,
    bytes: m.bytes,
    mode: options.mode,
    dryRun: options.dryRun,
    status,
    startedAt,
    finishedAt,
    counts,
    problems,
    message,
  };
}

const eqRun = (id: string) => eq(importRuns.id, id);
