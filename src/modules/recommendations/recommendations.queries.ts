import { and, arrayContains, asc, count, desc, eq, getTableColumns, gt, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
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

export async function listRecommendations(db: Db, f: RecommendationFilters, page: { limit: number; cursor?: string }) {
  const where = recommendationWhere(f);
  const after = decodeCursor(page.cursor, 1);
  const rows = await db
    .select(columns)
    .from(recommendations)
    .where(and(where, after ? gt(recommendations.id, String(after[0])) : undefined))
    .orderBy(asc(recommendations.id))
    .limit(page.limit + 1);
  const [{ n } = { n: 0 }] = await db.select({ n: count() }).from(recommendations).where(where);
  const { items, nextCursor } = paginate(rows, page.limit, (r) => [r.id]);
  return { items: await withSources(db, items), nextCursor, total: Number(n) };
}

export async function getRecommendation(db: Db, id: string) {
  const rows = await db.select(columns).from(recommendations).where(eq(recommendations.id, id)).limit(1);
  const [item] = await withSources(db, rows);
  return item && { ...item, links: await liveLinks(db, { recommendationId: id }) };
}
