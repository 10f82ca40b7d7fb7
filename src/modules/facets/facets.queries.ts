import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { queryRows } from '../../db/query.js';
import { instruments } from '../../db/schema.js';
import { instrumentFilterSql } from '../obligations/obligations.queries.js';
import { recommendationWhere, soleCountedFacet, type RecommendationFilters } from '../recommendations/recommendations.queries.js';

type Count = { value: string; count: number };
const order = (a: Count, b: Count) => b.count - a.count || a.value.localeCompare(b.value, 'en', { numeric: true });

/**
 * Counts per facet over the recommendations that the filters select (recommendationWhere, the list's own WHERE),
 * so that each count equals the list's `total` with that facet's filter added. Array facets count a
 * recommendation once per distinct value it carries; instruments follow instrumentFilterSql, the one rule.
 */
export async function facetCounts(db: Db, f: RecommendationFilters) {
  if (soleCountedFacet(f)?.facet === 'all') return unfilteredFacetCounts(db);
  const where = recommendationWhere(f) ?? sql`true`;
  const scalar = (col: SQL) =>
    queryRows<{ value: string; count: number }>(
      db,
      sql`select ${col}::text as value, count(*)::int as count from recommendations
          where ${where} and ${col} is not null group by 1`,
    );
  const array = (col: SQL) =>
    queryRows<{ value: string; count: number }>(
      db,
      sql`select v as value, count(*)::int as count
          from recommendations, unnest(${col}) as u(v)
          where ${where} group by 1`,
    );
  const codes = (await db.select({ code: instruments.code }).from(instruments)).map((i) => i.code);
  const [[total], mechanism, body, cycle, response, theme, affectedPerson, sdg, instrumentRow] = await Promise.all([
    queryRows<{ n: number }>(db, sql`select count(*)::int as n from recommendations where ${where}`),
    scalar(sql`mechanism`),
    scalar(sql`body`),
    scalar(sql`cycle`),
    scalar(sql`response`),
    array(sql`themes`),
    array(sql`affected_persons`),
    array(sql`sdg_goals`),
    codes.length
      ? queryRows<Record<string, number>>(
          db,
          sql`select ${sql.join(
            codes.map((c, i) => sql`count(*) filter (where ${instrumentFilterSql(c)})::int as ${sql.identifier(`i${i}`)}`),
            sql`, `,
          )} from recommendations where ${where}`,
        )
      : Promise.resolve([] as Record<string, number>[]),
  ]);
  const instrument = codes.map((value, i) => ({ value, count: Number(instrumentRow?.[0]?.[`i${i}`] ?? 0) })).filter((c) => c.count > 0);
  return {
    total: total?.n ?? 0,
    mechanism: mechanism.sort(order),
    body: body.sort(order),
    cycle: cycle.sort(order),
    response: response.sort(order),
    theme: theme.sort(order),
    affectedPerson: affectedPerson.sort(order),
    sdg: sdg.sort(order),
    instrument: instrument.sort(order),
  };
}

/**
 * The counts with no filter at all, over the whole index: every one is a row of recommendation_facet_counts
 * (kept exact by triggers), one small read instead of a pass over every recommendation per facet.
 */
async function unfilteredFacetCounts(db: Db) {
  const rows = await queryRows<{ facet: string; value: string; n: number }>(
    db,
    sql`select facet, value, n::int as n from recommendation_facet_counts
        where n > 0 and facet in ('all', 'mechanism', 'body', 'cycle', 'response', 'theme', 'affectedPerson', 'sdgGoal', 'instrument')`,
  );
  const of = (facet: string) => rows.filter((r) => r.facet === facet).map((r) => ({ value: r.value, count: Number(r.n) })).sort(order);
  return {
    total: Number(rows.find((r) => r.facet === 'all')?.n ?? 0),
    mechanism: of('mechanism'),
    body: of('body'),
    cycle: of('cycle'),
    response: of('response'),
    theme: of('theme'),
    affectedPerson: of('affectedPerson'),
    sdg: of('sdgGoal'),
    instrument: of('instrument'),
  };
}
