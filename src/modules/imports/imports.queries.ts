import { and, asc, count, desc, eq, lt, or, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { importProblems, importRuns } from '../../db/schema.js';
import { decodeCursor, isoTimestamp, paginate } from '../../lib/cursor.js';

const runColumns = {
  id: importRuns.id,
  kind: importRuns.kind,
  fileName: importRuns.fileName,
  sha256: importRuns.sha256,
  bytes: importRuns.bytes,
  mode: importRuns.mode,
  dryRun: importRuns.dryRun,
  status: importRuns.status,
  startedAt: importRuns.startedAt,
  finishedAt: importRuns.finishedAt,
  counts: importRuns.counts,
  actor: importRuns.actor,
  message: importRuns.message,
};

type RunRow = { mode: string; status: string; startedAt: string; finishedAt: string | null } & Record<string, unknown>;
const shape = <T extends RunRow>(r: T) => ({
  ...r,
  startedAt: isoTimestamp(r.startedAt)!,
  finishedAt: isoTimestamp(r.finishedAt),
  mode: r.mode as 'atomic' | 'skip-invalid',
  status: r.status as 'running' | 'succeeded' | 'partial' | 'rejected' | 'failed',
});

/** Newest first. */
export async function listRuns(db: Db, f: { kind?: string; status?: string }, page: { limit: number; cursor?: string }) {
  const where = and(f.kind ? eq(importRuns.kind, f.kind) : undefined, f.status ? eq(importRuns.status, f.status) : undefined);
  const after = decodeCursor(page.cursor, 2) as [string, string] | undefined;
  const keyset: SQL | undefined = after
    ? or(lt(importRuns.startedAt, after[0]), and(eq(importRuns.startedAt, after[0]), lt(importRuns.id, after[1])))
    : undefined;
  const rows = await db
    .select(runColumns)
    .from(importRuns)
    .where(and(where, keyset))
    .orderBy(desc(importRuns.startedAt), desc(importRuns.id))
    .limit(page.limit + 1);
  const [{ n } = { n: 0 }] = await db.select({ n: count() }).from(importRuns).where(where);
  const { items, nextCursor } = paginate(rows, page.limit, (r) => [r.startedAt, r.id]);
  return { items: items.map(shape), nextCursor, total: Number(n) };
}

export async function getRun(db: Db, id: string) {
  const [run] = await db.select(runColumns).from(importRuns).where(eq(importRuns.id, id)).limit(1);
  if (!run) return undefined;
  const problems = await db
    .select({
      severity: importProblems.severity,
      line: importProblems.line,
      recordId: importProblems.recordId,
      field: importProblems.field,
      message: importProblems.message,
    })
    .from(importProblems)
    .where(eq(importProblems.runId, id))
    .orderBy(asc(importProblems.seq));
  return { ...shape(run), problems: problems.map((p) => ({ ...p, severity: p.severity as 'error' | 'warning' })) };
}
