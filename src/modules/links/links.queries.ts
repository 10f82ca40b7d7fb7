import { and, arrayContains, asc, count, desc, eq, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/client.js';
import { readInChunks } from '../../db/query.js';
import { activities, linkHistory, links, recommendations } from '../../db/schema.js';
import { decodeCursor, isoTimestamp, paginate } from '../../lib/cursor.js';
import {
  badRequest,
  conflict,
  notFound,
  preconditionFailed,
  unprocessable,
  type ProblemFieldError,
} from '../../lib/errors.js';
import type { Link, LinkPatch, LinkStatus, LinkSummary } from './links.schemas.js';

type LinkRow = typeof links.$inferSelect;
type HistoryAction = 'create' | 'update' | 'retire' | 'import';

/** Who makes a change: the key's name and the request, recorded on the link and in its history. */
export interface Actor {
  name: string;
  requestId: string | null;
}

/** What it takes to create a link; the suggestions module passes method, confidence, evidence and suggestionId. */
export interface LinkInput {
  activityId: string;
  recommendationId: string;
  weight: number;
  rationale: string;
  evidenceUrl?: string | null;
  status?: LinkStatus;
  method: string;
  confidence?: number | null;
  evidence?: unknown;
  suggestionId?: string | null;
}

export interface LinkFilters {
  country?: string[];
  activity?: string;
  recommendation?: string;
  status?: LinkStatus[];
  method?: string;
  createdBy?: string;
  mechanism?: string;
  theme?: string;
}

// ---------------------------------------------------------------- shapes

export function toLink(r: LinkRow): Link {
  return {
    id: r.id,
    activity: r.activityId,
    recommendation: r.recommendationId,
    country: r.country,
    weight: Number(r.weight),
    status: r.status as LinkStatus,
    method: r.method,
    confidence: r.confidence === null ? null : Number(r.confidence),
    rationale: r.rationale,
    evidenceUrl: r.evidenceUrl,
    evidence: r.evidence ?? null,
    suggestionId: r.suggestionId,
    createdBy: r.createdBy,
    createdAt: isoTimestamp(r.createdAt)!,
    updatedBy: r.updatedBy,
    updatedAt: isoTimestamp(r.updatedAt)!,
    version: r.version,
  };
}

/** The link as recorded in its history: every field but the id, plus retirement. */
function snapshot(r: LinkRow): Record<string, unknown> {
  const { id: _id, ...fields } = toLink(r);
  return { ...fields, retiredAt: isoTimestamp(r.retiredAt), retiredBy: r.retiredBy };
}

const summaryColumns = {
  id: links.id,
  activity: links.activityId,
  recommendation: links.recommendationId,
  country: links.country,
  weight: links.weight,
  status: links.status,
  method: links.method,
  confidence: links.confidence,
  rationale: links.rationale,
  createdBy: links.createdBy,
  updatedAt: links.updatedAt,
  version: links.version,
};

/** The live links of one activity or one recommendation, oldest first (for their detail endpoints). */
export async function liveLinks(db: Db, of: { activityId: string } | { recommendationId: string }): Promise<LinkSummary[]> {
  const which = 'activityId' in of ? eq(links.activityId, of.activityId) : eq(links.recommendationId, of.recommendationId);
  const rows = await db
    .select(summaryColumns)
    .from(links)
    .where(and(which, isNull(links.retiredAt)))
    .orderBy(asc(links.createdAt), asc(links.id));
  return rows.map((r) => ({
    ...r,
    weight: Number(r.weight),
    status: r.status as LinkStatus,
    confidence: r.confidence === null ? null : Number(r.confidence),
    updatedAt: isoTimestamp(r.updatedAt)!,
  }));
}

// ---------------------------------------------------------------- reads

/** The WHERE clause of link lists and exports: live links only. */
function linkWhere(db: Db, f: LinkFilters): SQL | undefined {
  const l = links;
  const recConds = [
    f.mechanism ? eq(recommendations.mechanism, f.mechanism) : undefined,
    f.theme ? arrayContains(recommendations.themes, [f.theme]) : undefined,
  ].filter(Boolean);
  return and(
    isNull(l.retiredAt),
    f.country?.length ? inArray(l.country, f.country) : undefined,
    f.activity ? eq(l.activityId, f.activity) : undefined,
    f.recommendation ? eq(l.recommendationId, f.recommendation) : undefined,
    f.status?.length ? inArray(l.status, f.status) : undefined,
    // A combined method ("sdg-match+text") counts for each of its parts.
    f.method ? or(eq(l.method, f.method), sql`${f.method} = any(string_to_array(${l.method}, '+'))`) : undefined,
    f.createdBy ? eq(l.createdBy, f.createdBy) : undefined,
    recConds.length
      ? inArray(l.recommendationId, db.select({ id: recommendations.id }).from(recommendations).where(and(...recConds)))
      : undefined,
  );
}

/** Newest first, keyset-paginated on (createdAt, id). */
async function linkPage(db: Db, where: SQL | undefined, limit: number, after: unknown[] | undefined) {
  const keyset = after
    ? or(lt(links.createdAt, String(after[0])), and(eq(links.createdAt, String(after[0])), lt(links.id, String(after[1]))))
    : undefined;
  const rows = await db
    .select()
    .from(links)
    .where(and(where, keyset))
    .orderBy(desc(links.createdAt), desc(links.id))
    .limit(limit + 1);
  return paginate(rows, limit, (r) => [r.createdAt, r.id]);
}

export async function listLinks(db: Db, f: LinkFilters, page: { limit: number; cursor?: string }) {
  const where = linkWhere(db, f);
  const { items, nextCursor } = await linkPage(db, where, page.limit, decodeCursor(page.cursor, 2));
  const [{ n } = { n: 0 }] = await db.select({ n: count() }).from(links).where(where);
  return { items: items.map(toLink), nextCursor, total: Number(n) };
}

/** Every matching link, page by page, for the CSV export. */
export async function* exportLinks(db: Db, f: LinkFilters, pageSize = 1000): AsyncGenerator<Link> {
  const where = linkWhere(db, f);
  let after: unknown[] | undefined;
  for (;;) {
    const { items, nextCursor } = await linkPage(db, where, pageSize, after);
    for (const r of items) yield toLink(r);
    if (!nextCursor) return;
    const last = items[items.length - 1]!;
    after = [last.createdAt, last.id];
  }
}

/** A live link; undefined when unknown or retired. */
export async function getLink(db: Db, id: string): Promise<Link | undefined> {
  const [row] = await db
    .select()
    .from(links)
    .where(and(eq(links.id, id), isNull(links.retiredAt)))
    .limit(1);
  return row ? toLink(row) : undefined;
}

const BOOKKEEPING = new Set(['version', 'updatedBy', 'updatedAt']);

/** Fields whose value differs between two snapshots (bookkeeping left out). */
function changedFields(before: Record<string, unknown> | null, after: Record<string, unknown> | null) {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  return [...keys].filter(
    (k) => !BOOKKEEPING.has(k) && k !== 'importedFrom' && JSON.stringify(before?.[k] ?? null) !== JSON.stringify(after?.[k] ?? null),
  );
}

/** Every change to a link, oldest first; retired links keep theirs. Undefined when no such link ever existed. */
export async function getLinkHistory(db: Db, id: string) {
  const [link] = await db.select({ id: links.id, retiredAt: links.retiredAt }).from(links).where(eq(links.id, id)).limit(1);
  if (!link) return undefined;
  const rows = await db.select().from(linkHistory).where(eq(linkHistory.linkId, id)).orderBy(asc(linkHistory.id));
  return {
    linkId: id,
    retired: link.retiredAt !== null,
    items: rows.map((h) => ({
      seq: Number(h.id),
      action: h.action as HistoryAction,
      actor: h.actor,
      at: isoTimestamp(h.at)!,
      requestId: h.requestId,
      changed: changedFields(h.before ?? null, h.after ?? null),
      before: h.before ?? null,
      after: h.after ?? null,
    })),
  };
}

// ---------------------------------------------------------------- writes

async function appendHistory(
  db: Db,
  entries: { linkId: string; action: HistoryAction; before: Record<string, unknown> | null; after: Record<string, unknown> | null }[],
  actor: Actor,
) {
  for (let i = 0; i < entries.length; i += 500) {
    await db
      .insert(linkHistory)
      .values(entries.slice(i, i + 500).map((e) => ({ ...e, actor: actor.name, requestId: actor.requestId })));
  }
}

function checkWeight(weight: number, where: ProblemFieldError['in'] = 'body') {
  if (!(typeof weight === 'number' && weight > 0 && weight <= 1)) {
    throw badRequest(`weight must be greater than 0 and at most 1; got ${weight}.`, [
      { in: where, path: 'weight', message: 'must be greater than 0 and at most 1' },
    ]);
  }
}

/** What is wrong with a pair, as field problems: a missing activity or recommendation, or a country the activity does not work in. */
function pairProblems(
  activityId: string,
  recommendationId: string,
  activity: { countryCodes: string[] } | undefined,
  recommendation: { country: string } | undefined,
): { path: 'activity' | 'recommendation'; message: string }[] {
  const problems: { path: 'activity' | 'recommendation'; message: string }[] = [];
  if (!activity) problems.push({ path: 'activity', message: `no activity with iati-identifier "${activityId}"` });
  if (!recommendation) problems.push({ path: 'recommendation', message: `no recommendation with id "${recommendationId}"` });
  if (activity && recommendation && !activity.countryCodes.includes(recommendation.country)) {
    const where = activity.countryCodes.length ? activity.countryCodes.join(', ') : 'none recorded';
    problems.push({
      path: 'activity',
      message:
        `the activity does not work in ${recommendation.country}, the recommendation's country ` +
        `(recipient countries of the activity and its transactions: ${where})`,
    });
  }
  return problems;
}

async function activityCountries(db: Db, ids: string[]) {
  const rows = await readInChunks(ids, (part) =>
    db
      .select({ id: activities.iatiIdentifier, countryCodes: activities.countryCodes })
      .from(activities)
      .where(inArray(activities.iatiIdentifier, part)),
  );
  return new Map(rows.map((r) => [r.id, { countryCodes: r.countryCodes }]));
}

async function recommendationCountries(db: Db, ids: string[]) {
  const rows = await readInChunks(ids, (part) =>
    db.select({ id: recommendations.id, country: recommendations.country }).from(recommendations).where(inArray(recommendations.id, part)),
  );
  return new Map(rows.map((r) => [r.id, { country: r.country }]));
}

async function liveLinkOf(db: Db, activityId: string, recommendationId: string) {
  const [row] = await db
    .select({ id: links.id })
    .from(links)
    .where(and(eq(links.activityId, activityId), eq(links.recommendationId, recommendationId), isNull(links.retiredAt)))
    .limit(1);
  return row?.id;
}

/**
 * Creates a link and its first history row, atomically (a savepoint when `db` is already a transaction).
 * Throws 422 when the activity or recommendation does not exist or the activity does not work in the
 * recommendation's country, 409 (with `linkId`) when the pair already has a live link, 400 for a weight out of range.
 */
export async function createLink(db: Db, input: LinkInput, actor: Actor): Promise<Link> {
  checkWeight(input.weight);
  return db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const [acts, recs] = await Promise.all([
      activityCountries(tx, [input.activityId]),
      recommendationCountries(tx, [input.recommendationId]),
    ]);
    const problems = pairProblems(input.activityId, input.recommendationId, acts.get(input.activityId), recs.get(input.recommendationId));
    if (problems.length) {
      throw unprocessable(`The link cannot be made: ${problems.map((p) => p.message).join('; ')}.`, {
        errors: problems.map((p) => ({ in: 'body', ...p })),
      });
    }
    const [row] = await tx
      .insert(links)
      .values(linkValues(input, recs.get(input.recommendationId)!.country, actor))
      // The partial unique index links_live_pair: a second live link for the pair inserts nothing, without aborting the transaction.
      .onConflictDoNothing({ target: [links.activityId, links.recommendationId], where: sql`retired_at is null` })
      .returning();
    if (!row) {
      const existing = await liveLinkOf(tx, input.activityId, input.recommendationId);
      throw conflict(
        `Activity "${input.activityId}" and recommendation "${input.recommendationId}" already have a live link (${existing}); change it with PATCH /v1/links/${existing}.`,
        { linkId: existing },
      );
    }
    await appendHistory(tx, [{ linkId: row.id, action: 'create', before: null, after: snapshot(row) }], actor);
    return toLink(row);
  });
}

function linkValues(input: LinkInput, country: string, actor: Actor) {
  return {
    id: randomUUID(),
    activityId: input.activityId,
    recommendationId: input.recommendationId,
    country,
    weight: input.weight,
    status: input.status ?? 'accepted',
    method: input.method,
    confidence: input.confidence ?? null,
    rationale: input.rationale,
    evidenceUrl: input.evidenceUrl ?? null,
    evidence: input.evidence ?? null,
    suggestionId: input.suggestionId ?? null,
    createdBy: actor.name,
    updatedBy: actor.name,
  };
}

/** Locks the live link for a change and checks the version the client holds (null: unconditional). */
async function lockForChange(tx: Db, id: string, expectedVersion: number | null) {
  const [row] = await tx
    .select()
    .from(links)
    .where(and(eq(links.id, id), isNull(links.retiredAt)))
    .for('update');
  if (!row) throw notFound(`No live link with id "${id}".`);
  if (expectedVersion !== null && row.version !== expectedVersion) {
    throw preconditionFailed(
      `The link has changed: it is at version ${row.version}, the If-Match tag names version ${expectedVersion < 0 ? 'of another link' : expectedVersion}. ` +
        'GET it again (for its current ETag) and re-apply the change.',
    );
  }
  return row;
}

/** Changes weight, rationale, evidenceUrl or status; a change bumps the version and appends history. A no-op changes nothing. */
export async function updateLink(db: Db, id: string, expectedVersion: number, patch: LinkPatch, actor: Actor): Promise<Link> {
  if (patch.weight !== undefined) checkWeight(patch.weight);
  return db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const row = await lockForChange(tx, id, expectedVersion);
    const set: Partial<Pick<LinkRow, 'weight' | 'rationale' | 'evidenceUrl' | 'status'>> = {};
    if (patch.weight !== undefined && patch.weight !== Number(row.weight)) set.weight = patch.weight;
    if (patch.rationale !== undefined && patch.rationale !== row.rationale) set.rationale = patch.rationale;
    if (patch.evidenceUrl !== undefined && patch.evidenceUrl !== row.evidenceUrl) set.evidenceUrl = patch.evidenceUrl;
    if (patch.status !== undefined && patch.status !== row.status) set.status = patch.status;
    if (!Object.keys(set).length) return toLink(row);
    const [updated] = await tx
      .update(links)
      .set({ ...set, version: sql`${links.version} + 1`, updatedBy: actor.name, updatedAt: sql`now()` })
      .where(eq(links.id, id))
      .returning();
    await appendHistory(tx, [{ linkId: id, action: 'update', before: snapshot(row), after: snapshot(updated!) }], actor);
    return toLink(updated!);
  });
}

/** Retires a live link: it leaves every query, its pair is free for a new link, and its history stays. */
export async function retireLink(db: Db, id: string, expectedVersion: number | null, actor: Actor): Promise<void> {
  await db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const row = await lockForChange(tx, id, expectedVersion);
    const [retired] = await tx
      .update(links)
      .set({
        retiredAt: sql`now()`,
        retiredBy: actor.name,
        version: sql`${links.version} + 1`,
        updatedBy: actor.name,
        updatedAt: sql`now()`,
      })
      .where(eq(links.id, id))
      .returning();
    await appendHistory(tx, [{ linkId: id, action: 'retire', before: snapshot(row), after: snapshot(retired!) }], actor);
  });
}

// ---------------------------------------------------------------- import

/** One row of an import batch, already typed, with where it came from for problems. */
export interface ImportItem {
  /** `line 12` (CSV) or `items[3]` (JSON). */
  at: string;
  /** Where the batch came in: `file` (CSV) or `body` (JSON). */
  in: 'file' | 'body';
  input: LinkInput;
  /** The country the row states, checked against the recommendation's. */
  country?: string | null;
  /** The source link's identity, kept in the import's history row. */
  importedFrom?: { id?: string | null; createdBy?: string | null; createdAt?: string | null };
}

const fieldPath = (item: ImportItem, field: string) => (item.in === 'file' ? `${item.at}: ${field}` : `${item.at}.${field}`);

/** Problems in batch order: by the first number of their path (the line, or the item index). */
const rowOrder = (e: ProblemFieldError) => Number(/\d+/.exec(e.path)?.[0] ?? 0);

/**
 * Creates every link of a batch in one transaction, or none: all problems (unknown activity or recommendation,
 * wrong country, a pair repeated in the batch or already linked), with those found while reading the batch
 * (`readErrors`), are thrown as one 422.
 */
export async function importLinks(db: Db, items: ImportItem[], actor: Actor, readErrors: ProblemFieldError[] = []): Promise<Link[]> {
  return db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const [acts, recs] = await Promise.all([
      activityCountries(tx, [...new Set(items.map((i) => i.input.activityId))]),
      recommendationCountries(tx, [...new Set(items.map((i) => i.input.recommendationId))]),
    ]);
    const liveRows = await readInChunks([...acts.keys()], (part) =>
      tx
        .select({ id: links.id, a: links.activityId, r: links.recommendationId })
        .from(links)
        .where(and(inArray(links.activityId, part), isNull(links.retiredAt))),
    );
    const live = new Map(liveRows.map((r) => [`${r.a}\u0000${r.r}`, r.id]));

    const errors: ProblemFieldError[] = [...readErrors];
    const firstAt = new Map<string, string>();
    for (const item of items) {
      const { activityId, recommendationId } = item.input;
      const rec = recs.get(recommendationId);
      for (const p of pairProblems(activityId, recommendationId, acts.get(activityId), rec)) {
        errors.push({ in: item.in, path: fieldPath(item, p.path), message: p.message });
      }
      if (rec && item.country && item.country !== rec.country) {
        errors.push({
          in: item.in,
          path: fieldPath(item, 'country'),
          message: `the recommendation's country is ${rec.country}, not ${item.country}`,
        });
      }
      const pair = `${activityId}\u0000${recommendationId}`;
      if (firstAt.has(pair)) {
        errors.push({ in: item.in, path: fieldPath(item, 'recommendation'), message: `repeats the pair of ${firstAt.get(pair)}` });
      } else firstAt.set(pair, item.at);
      if (live.has(pair)) {
        errors.push({
          in: item.in,
          path: fieldPath(item, 'recommendation'),
          message: `the pair already has a live link (${live.get(pair)})`,
        });
      }
    }
    if (errors.length) throw importRejected(errors.sort((x, y) => rowOrder(x) - rowOrder(y)));

    const values = items.map((i) => linkValues(i.input, recs.get(i.input.recommendationId)!.country, actor));
    const created = new Map<string, LinkRow>();
    for (let i = 0; i < values.length; i += 500) {
      for (const row of await tx.insert(links).values(values.slice(i, i + 500)).returning()) created.set(row.id, row);
    }
    const rows = values.map((v) => created.get(v.id)!);
    await appendHistory(
      tx,
      rows.map((row, i) => {
        const from = items[i]!.importedFrom;
        const importedFrom = from && (from.id || from.createdBy || from.createdAt) ? from : undefined;
        return { linkId: row.id, action: 'import' as const, before: null, after: { ...snapshot(row), ...(importedFrom ? { importedFrom } : {}) } };
      }),
      actor,
    );
    return rows.map(toLink);
  });
}

/** Problems shown in a rejection; the count in the detail covers them all. */
const MAX_ERRORS_IN_PROBLEM = 200;

export function importRejected(errors: ProblemFieldError[]) {
  return unprocessable(
    `The batch was rejected and nothing was written: ${errors.length} problem(s)` +
      (errors.length > MAX_ERRORS_IN_PROBLEM ? `, the first ${MAX_ERRORS_IN_PROBLEM} listed.` : '.') +
      (errors.length === 1 ? ` ${errors[0]!.path}: ${errors[0]!.message}.` : ''),
    { errors: errors.slice(0, MAX_ERRORS_IN_PROBLEM) },
  );
}
