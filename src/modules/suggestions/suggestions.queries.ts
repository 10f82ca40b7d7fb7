import { and, arrayContains, desc, eq, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/client.js';
import { queryRows } from '../../db/query.js';
import { activities, recommendations, suggestionRuns, suggestions } from '../../db/schema.js';
import { decodeCursor, isoTimestamp, paginate } from '../../lib/cursor.js';
import { conflict, notFound } from '../../lib/errors.js';
import { suggest, METHODS, type EngineActivity, type EngineParams, type EngineRecommendation, type Method } from '../../suggest/engine.js';
import { createLink, type Actor } from '../links/links.queries.js';
import type { SuggestionStatus } from './suggestions.schemas.js';

// ---------------------------------------------------------------- loading a country

/** One country's activities and recommendations as the engine reads them: two set-based queries. */
export async function loadCountry(
  db: Db,
  country: string,
): Promise<{ activities: EngineActivity[]; recommendations: EngineRecommendation[]; country: { code: string; names: string[] } }> {
  const acts = await queryRows<{
    id: string;
    titles: { lang: string | null; text: string }[];
    descriptions: { lang: string | null; text: string }[];
    sector_codes: string[];
    dac3: string[];
    sdg_targets: string[];
    sdg_goals: string[];
    country_codes: string[];
  }>(
    db,
    sql`select a.iati_identifier as id, a.titles, a.descriptions, a.sector_codes, a.sdg_targets, a.sdg_goals, a.country_codes,
          array(select distinct s.code from activity_sectors s where s.activity_id = a.iati_identifier and s.vocabulary = '2') as dac3
        from activities a
        where a.country_codes @> array[${country}]::text[]
        order by a.iati_identifier`,
  );
  // The country's names, its ISO name first (the one the evidence shows), then its aliases, longest first (rule 8: a
  // multi-country activity that never names the country is scored lower). Aliases are stored normalised in lower
  // case; the match ignores case, so one spelling of each is kept.
  const nameRows = await queryRows<{ name: string }>(
    db,
    sql`select name from (select name, 0 as k from countries where code = ${country}
                          union all select alias, 1 from country_aliases where code = ${country}) n
        where length(trim(name)) > 2 order by k, length(name) desc`,
  );
  const byKey = new Map<string, string>();
  for (const { name } of nameRows) if (!byKey.has(name.toLowerCase())) byKey.set(name.toLowerCase(), name);
  const names = [...byKey.values()];
  const recs = await db
    .select({
      id: recommendations.id,
      text: recommendations.text,
      themes: recommendations.themes,
      sdgTargets: recommendations.sdgTargets,
      sdgGoals: recommendations.sdgGoals,
    })
    .from(recommendations)
    .where(eq(recommendations.country, country))
    .orderBy(recommendations.id);
  return {
    activities: acts.map((a) => ({
      id: a.id,
      narratives: [
        ...(a.titles ?? []).map((t) => ({ kind: 'title' as const, lang: t.lang, text: t.text })),
        ...(a.descriptions ?? []).map((d) => ({ kind: 'description' as const, lang: d.lang, text: d.text })),
      ],
      dacCodes: [...a.sector_codes, ...(a.dac3 ?? []).filter((c) => /^\d{3}$/.test(c))],
      sdgTargets: a.sdg_targets,
      sdgGoals: a.sdg_goals,
      countries: a.country_codes,
    })),
    recommendations: recs,
    country: { code: country, names },
  };
}

// ---------------------------------------------------------------- runs

export interface RunOptions {
  country: string;
  methods?: Method[];
  includeRejected?: boolean;
  params?: Partial<EngineParams>;
  actor: string | null;
}

export interface RunReport {
  id: string;
  country: string;
  methods: Method[];
  includeRejected: boolean;
  pairsConsidered: number;
  pairsScored: number;
  suggestionsStored: number;
  openReplaced: number;
  seconds: number;
  timings: { loadSeconds: number; scoreSeconds: number; storeSeconds: number };
  startedAt: string;
  finishedAt: string;
  actor: string | null;
}

const STORE_CHUNK = 5_000;

/**
 * Computes and stores a country's suggestions in one transaction: the country's open suggestions are replaced,
 * accepted and rejected ones kept; a rejected pair is proposed again only with includeRejected, and a pair that
 * already has a live link never is. Runs for the same country queue on an advisory lock.
 */
export async function runSuggestions(db: Db, opts: RunOptions): Promise<RunReport> {
  const methods = opts.methods?.length ? [...new Set(opts.methods)] : [...METHODS];
  const includeRejected = opts.includeRejected ?? false;
  const id = randomUUID();
  const started = new Date();
  const t0 = performance.now();
  return db.transaction(async (t) => {
    const tx = t as unknown as Db;
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${'suggestions:' + opts.country}))`);
    const data = await loadCountry(tx, opts.country);
    const t1 = performance.now();
    const result = suggest(data.activities, data.recommendations, { methods, params: opts.params, country: data.country });
    const t2 = performance.now();

    await tx.insert(suggestionRuns).values({
      id,
      country: opts.country,
      methods,
      params: { includeRejected, ...(opts.params ?? {}) },
      actor: opts.actor,
      startedAt: started.toISOString(),
    });
    const deleted = await queryRows<{ n: number }>(
      tx,
      sql`with d as (delete from suggestions where country = ${opts.country} and status = 'open' returning 1) select count(*)::int as n from d`,
    );
    let stored = 0;
    for (let i = 0; i < result.pairs.length; i += STORE_CHUNK) {
      const chunk = result.pairs.slice(i, i + STORE_CHUNK).map((p) => ({
        id: randomUUID(),
        activity_id: p.activityId,
        recommendation_id: p.recommendationId,
        score: p.score,
        methods: p.methods,
        evidence: p.evidence,
      }));
      const onConflict = includeRejected
        ? sql`on conflict (activity_id, recommendation_id) do update set
              status = 'open', score = excluded.score, methods = excluded.methods, evidence = excluded.evidence,
              run_id = excluded.run_id, updated_at = now()
            where suggestions.status = 'rejected'`
        : sql`on conflict (activity_id, recommendation_id) do nothing`;
      const [row] = await queryRows<{ n: number }>(
        tx,
        sql`with ins as (
              insert into suggestions (id, activity_id, recommendation_id, country, score, methods, evidence, status, run_id)
              select x.id, x.activity_id, x.recommendation_id, ${opts.country}, x.score, x.methods, x.evidence, 'open', ${id}
              from json_to_recordset(${JSON.stringify(chunk)}::json)
                as x(id text, activity_id text, recommendation_id text, score numeric, methods text[], evidence jsonb)
              where not exists (
                select 1 from links l
                where l.activity_id = x.activity_id and l.recommendation_id = x.recommendation_id and l.retired_at is null)
              ${onConflict}
              returning 1)
            select count(*)::int as n from ins`,
      );
      stored += Number(row?.n ?? 0);
    }
    const t3 = performance.now();
    const finished = new Date();
    const seconds = (t3 - t0) / 1000;
    await tx
      .update(suggestionRuns)
      .set({
        finishedAt: finished.toISOString(),
        pairsConsidered: result.pairsConsidered,
        suggestionsStored: stored,
        seconds: Math.round(seconds * 1000) / 1000,
      })
      .where(eq(suggestionRuns.id, id));
    const r3 = (x: number) => Math.round(x * 1000) / 1000;
    return {
      id,
      country: opts.country,
      methods,
      includeRejected,
      pairsConsidered: result.pairsConsidered,
      pairsScored: result.pairsScored,
      suggestionsStored: stored,
      openReplaced: Number(deleted[0]?.n ?? 0),
      seconds: r3(seconds),
      timings: { loadSeconds: r3((t1 - t0) / 1000), scoreSeconds: r3((t2 - t1) / 1000), storeSeconds: r3((t3 - t2) / 1000) },
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      actor: opts.actor,
    };
  });
}

// ---------------------------------------------------------------- reading

export interface SuggestionFilters {
  country?: string[];
  activity?: string;
  recommendation?: string;
  method?: Method;
  minScore?: number;
  status?: SuggestionStatus[];
}

const s = suggestions;

function suggestionWhere(f: SuggestionFilters): SQL | undefined {
  return and(
    f.country?.length ? inArray(s.country, f.country) : undefined,
    f.activity ? eq(s.activityId, f.activity) : undefined,
    f.recommendation ? eq(s.recommendationId, f.recommendation) : undefined,
    f.method ? arrayContains(s.methods, [f.method]) : undefined,
    f.minScore !== undefined ? gte(s.score, f.minScore) : undefined,
    f.status?.length ? inArray(s.status, f.status) : undefined,
  );
}

const selection = {
  id: s.id,
  country: s.country,
  score: s.score,
  methods: s.methods,
  evidence: s.evidence,
  status: s.status,
  runId: s.runId,
  decidedBy: s.decidedBy,
  decidedAt: s.decidedAt,
  decisionReason: s.decisionReason,
  linkId: s.linkId,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
  activityId: s.activityId,
  activityTitle: activities.title,
  reportingOrg: activities.reportingOrgName,
  recommendationId: s.recommendationId,
  recommendationText: recommendations.text,
  recommendationThemes: recommendations.themes,
  recommendationMechanism: recommendations.mechanism,
  recommendationResponse: recommendations.response,
};

type Row = Awaited<ReturnType<typeof joined>>[number];

function toSuggestion(r: Row) {
  return {
    id: r.id,
    country: r.country,
    activity: { id: r.activityId, title: r.activityTitle, reportingOrg: r.reportingOrg },
    recommendation: {
      id: r.recommendationId,
      text: r.recommendationText ?? '',
      themes: r.recommendationThemes ?? [],
      mechanism: r.recommendationMechanism ?? '',
      response: r.recommendationResponse,
    },
    score: Number(r.score),
    methods: r.methods as Method[],
    evidence: r.evidence,
    status: r.status as SuggestionStatus,
    runId: r.runId,
    decidedBy: r.decidedBy,
    decidedAt: isoTimestamp(r.decidedAt),
    decisionReason: r.decisionReason,
    linkId: r.linkId,
    createdAt: isoTimestamp(r.createdAt)!,
    updatedAt: isoTimestamp(r.updatedAt)!,
  };
}

function joined(db: Db) {
  return db
    .select(selection)
    .from(s)
    .innerJoin(activities, eq(activities.iatiIdentifier, s.activityId))
    .innerJoin(recommendations, eq(recommendations.id, s.recommendationId));
}

/** Suggestions by score, highest first; keyset-paginated on (score, id). */
export async function listSuggestions(db: Db, f: SuggestionFilters, page: { limit: number; cursor?: string }) {
  const where = suggestionWhere(f);
  const after = decodeCursor(page.cursor, 2);
  const keyset = after
    ? or(lt(s.score, Number(after[0])), and(eq(s.score, Number(after[0])), sql`${s.id} > ${String(after[1])}`))
    : undefined;
  const rows = (await joined(db)
    .where(and(where, keyset))
    .orderBy(desc(s.score), s.id)
    .limit(page.limit + 1));
  const [{ n } = { n: 0 }] = await db.select({ n: sql<number>`count(*)::int` }).from(s).where(where);
  const { items, nextCursor } = paginate(rows, page.limit, (r) => [Number(r.score), r.id]);
  return { items: items.map(toSuggestion), nextCursor, total: Number(n) };
}

export async function getSuggestion(db: Db, id: string) {
  const [row] = (await joined(db).where(eq(s.id, id)).limit(1));
  return row ? toSuggestion(row) : undefined;
}

export async function getRun(db: Db, id: string) {
  const [row] = await db.select().from(suggestionRuns).where(eq(suggestionRuns.id, id)).limit(1);
  return row;
}

// ---------------------------------------------------------------- decisions

/** Locks an open suggestion for a decision; 404 when there is none, 409 when it was decided already. */
async function lockOpen(tx: Db, id: string) {
  const [row] = await tx.select().from(s).where(eq(s.id, id)).for('update');
  if (!row) throw notFound(`No suggestion with id "${id}".`);
  if (row.status !== 'open') {
    throw conflict(`Suggestion "${id}" was ${row.status} already${row.decidedBy ? ` by ${row.decidedBy}` : ''}.`, {
      suggestionStatus: row.status,
      linkId: row.linkId,
    });
  }
  return row;
}

/** The rationale written on a link accepted without one: the suggestion's evidence, method by method. */
function defaultRationale(evidence: Record<string, unknown>): string {
  const lines = METHODS.flatMap((m) => {
    const e = evidence[m] as { summary?: string } | undefined;
    return e?.summary ? [`${m}: ${e.summary}`] : [];
  });
  return `Accepted from a machine suggestion. ${lines.join('. ')}`.trim();
}

/**
 * Accepts a suggestion: a link whose method and evidence come from the suggestion (methods joined by '+', the score
 * as confidence), and the suggestion marked accepted with the link's id. One transaction.
 */
export async function acceptSuggestion(db: Db, id: string, body: { weight?: number; rationale?: string }, actor: Actor) {
  return db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const row = await lockOpen(tx, id);
    const link = await createLink(
      tx,
      {
        activityId: row.activityId,
        recommendationId: row.recommendationId,
        weight: body.weight ?? 1,
        rationale: body.rationale ?? defaultRationale(row.evidence),
        method: row.methods.join('+'),
        confidence: Number(row.score),
        evidence: { ...row.evidence, score: Number(row.score), runId: row.runId },
        suggestionId: row.id,
      },
      actor,
    );
    await tx
      .update(s)
      .set({ status: 'accepted', decidedBy: actor.name, decidedAt: sql`now()`, decisionReason: body.rationale ?? null, linkId: link.id, updatedAt: sql`now()` })
      .where(eq(s.id, id));
    return { suggestion: (await getSuggestion(tx, id))!, link };
  });
}

/** Rejects a suggestion: the pair is not proposed again by later runs unless they ask (includeRejected). */
export async function rejectSuggestion(db: Db, id: string, reason: string, actor: Actor) {
  return db.transaction(async (t) => {
    const tx = t as unknown as Db;
    await lockOpen(tx, id);
    await tx
      .update(s)
      .set({ status: 'rejected', decidedBy: actor.name, decidedAt: sql`now()`, decisionReason: reason, updatedAt: sql`now()` })
      .where(eq(s.id, id));
    return (await getSuggestion(tx, id))!;
  });
}
