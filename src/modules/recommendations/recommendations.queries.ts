import { and, arrayContains, asc, count, desc, eq, getTableColumns, gt, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { queryRows } from '../../db/query.js';
import { recommendations, recommendationSources } from '../../db/schema.js';
import { decodeCursor, paginate } from '../../lib/cursor.js';
import { liveLinks } from '../links/links.queries.js';
import { instrumentFilterSql, obligationsForRecommendations } from '../obligations/obligations.queries.js';

export interface RecommendationFilters {
  country?: string[];
  mechanism?: string;
  body?: string;
  cycle?: number;
  session?: number;
  response?: string;
  theme?: string;
  recommendingState?: string;
  instrument?: string;
  affectedPerson?: string;
  /** A goal ("16") or a target ("16.3"). */
  sdg?: string;
  documentSymbol?: string;
  annotationType?: string;
  publishedFrom?: string;
  publishedTo?: string;
  q?: string;
}

/** The WHERE clause of every recommendation query, shared by lists, facets and coverage. */
export function recommendationWhere(f: RecommendationFilters): SQL | undefined {
  const r = recommendations;
  const conds: (SQL | undefined)[] = [
    f.country?.length ? inArray(r.country, f.country) : undefined,
    f.mechanism ? eq(r.mechanism, f.mechanism) : undefined,
    f.body ? eq(r.body, f.body) : undefined,
    f.cycle !== undefined ? eq(r.cycle, f.cycle) : undefined,
    f.session !== undefined ? eq(r.session, f.session) : undefined,
    f.response ? eq(r.response, f.response) : undefined,
    f.theme ? arrayContains(r.themes, [f.theme]) : undefined,
    f.recommendingState ? arrayContains(r.recommendingStates, [f.recommendingState]) : undefined,
    f.instrument ? instrumentFilterSql(f.instrument) : undefined,
    f.affectedPerson ? arrayContains(r.affectedPersons, [f.affectedPerson]) : undefined,
    f.sdg ? arrayContains(f.sdg.includes('.') ? r.sdgTargets : r.sdgGoals, [f.sdg]) : undefined,
    f.documentSymbol ? eq(r.documentSymbol, f.documentSymbol) : undefined,
    f.annotationType ? eq(r.annotationType, f.annotationType) : undefined,
    f.publishedFrom ? gte(r.publishedOn, f.publishedFrom) : undefined,
    f.publishedTo ? lte(r.publishedOn, f.publishedTo) : undefined,
    f.q ? sql`${r.search} @@ websearch_to_tsquery('english', ${f.q})` : undefined,
  ];
  return and(...conds.filter(Boolean));
}

// Every column but the tsvector, which only the database needs.
const { search: _search, ...columns } = getTableColumns(recommendations);
type Row = Omit<typeof recommendations.$inferSelect, 'search'>;

async function withSources(db: Db, rows: Row[]) {
  if (!rows.length) return [];
  const srcs = await db
    .select({
      recommendationId: recommendationSources.recommendationId,
      importer: recommendationSources.importer,
      importRunId: recommendationSources.importRunId,
    })
    .from(recommendationSources)
    .where(inArray(recommendationSources.recommendationId, rows.map((r) => r.id)))
    .orderBy(asc(recommendationSources.recommendationId), desc(recommendationSources.updatedAt));
  const byId = new Map<string, { importer: string; importRunId: string | null }[]>();
  for (const s of srcs) {
    const list = byId.get(s.recommendationId) ?? [];
    list.push({ importer: s.importer, importRunId: s.importRunId });
    byId.set(s.recommendationId, list);
  }
  const obligations = await obligationsForRecommendations(db, rows);
  return rows.map((r) => {
    const sources = byId.get(r.id) ?? [];
    return {
      id: r.id,
      country: r.country,
      mechanism: r.mechanism as 'UPR' | 'TB' | 'SP',
      body: r.body,
      session: r.session,
      cycle: r.cycle,
      response: r.response,
      actionCategory: r.actionCategory,
      recommendingStates: r.recommendingStates,
      recommendingStateNames: r.recommendingStateNames,
      themes: r.themes,
      affectedPersons: r.affectedPersons,
      sdgGoals: r.sdgGoals,
      sdgTargets: r.sdgTargets,
      documentSymbol: r.documentSymbol,
      paragraph: r.paragraph,
      annotationType: r.annotationType,
      publishedOn: r.publishedOn,
      regions: r.regions,
      documentId: r.documentId,
      text: r.text,
      textHtml: r.textHtml,
      source: sources[0] ?? null,
      sources,
      obligations: obligations.get(r.id) ?? [],
    };
  });
}

/** The facets whose counts recommendation_facet_counts keeps (src/db/custom/recommendation-facet-counts.sql). */
export type CountedFacet =
  | 'all'
  | 'mechanism'
  | 'body'
  | 'cycle'
  | 'response'
  | 'theme'
  | 'affectedPerson'
  | 'sdgGoal'
  | 'sdgTarget'
  | 'recommendingState'
  | 'instrument';

/**
 * When `f` filters on one counted facet and on nothing else (or on nothing: 'all'), that facet and value: the
 * list's total is then a row of recommendation_facet_counts, kept exact by triggers, instead of a count over a GIN
 * index (which visits every matching heap page) or over the whole table.
 */
export function soleCountedFacet(f: RecommendationFilters): { facet: CountedFacet; value: string } | undefined {
  const given = (Object.keys(f) as (keyof RecommendationFilters)[]).filter((k) => {
    const v = f[k];
    return v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0);
  });
  if (given.length === 0) return { facet: 'all', value: '' };
  if (given.length !== 1) return undefined;
  const key = given[0]!;
  if (key === 'sdg') return { facet: f.sdg!.includes('.') ? 'sdgTarget' : 'sdgGoal', value: f.sdg! };
  const facet = COUNTED_FILTERS[key];
  return facet && { facet, value: String(f[key]) };
}

/** The single-valued filters whose facet (same name) is counted; `sdg` splits into goal and target above. */
const COUNTED_FILTERS: Partial<Record<keyof RecommendationFilters, CountedFacet>> = {
  mechanism: 'mechanism',
  body: 'body',
  cycle: 'cycle',
  response: 'response',
  theme: 'theme',
  affectedPerson: 'affectedPerson',
  recommendingState: 'recommendingState',
  instrument: 'instrument',
};

/** The exact number of recommendations matching `f` (whose WHERE clause is `where`). */
async function countRecommendations(db: Db, f: RecommendationFilters, where: SQL | undefined): Promise<number> {
  const sole = soleCountedFacet(f);
  if (sole) {
    const [row] = await queryRows<{ n: number | string }>(
      db,
      sql`select n from recommendation_facet_counts where facet = ${sole.facet} and value = ${sole.value}`,
    );
    return Number(row?.n ?? 0);
  }
  const [{ n } = { n: 0 }] = await db.select({ n: count() }).from(recommendations).where(where);
  return Number(n);
}

export async function listRecommendations(db: Db, f: RecommendationFilters, page: { limit: number; cursor?: string }) {
  const where = recommendationWhere(f);
  const after = decodeCursor(page.cursor, 1);
  const rows = await db
    .select(columns)
    .from(recommendations)
    .where(and(where, after ? gt(recommendations.id, String(after[0])) : undefined))
    .orderBy(asc(recommendations.id))
    .limit(page.limit + 1);
  const { items, nextCursor } = paginate(rows, page.limit, (r) => [r.id]);
  return { items: await withSources(db, items), nextCursor, total: await countRecommendations(db, f, where) };
}

export async function getRecommendation(db: Db, id: string) {
  const rows = await db.select(columns).from(recommendations).where(eq(recommendations.id, id)).limit(1);
  const [item] = await withSources(db, rows);
  return item && { ...item, links: await liveLinks(db, { recommendationId: id }) };
}
