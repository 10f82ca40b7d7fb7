import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { queryRows } from '../../db/query.js';
import { countries, instruments, ratifications, recommendations, themeInstrument, themeUnmapped } from '../../db/schema.js';
import { summariseRatification, type RatificationStatus } from '../../importers/obligations.importer.js';

/*
 * How a recommendation reaches an instrument (DOMAIN.md, "The mechanisms"):
 * - a Treaty Body recommendation speaks to the treaty its body reviews (instruments.recommendation_body:
 *   CESCR → ICESCR, CRC-OP-AC → CRC-OP-AC, SPT → OPCAT…), whatever its themes;
 * - a UPR or Special Procedures recommendation reaches every instrument one of its themes maps to in the
 *   crosswalk (theme_instrument). Themes are matched by name in both vocabularies; the loader checks that a
 *   name both vocabularies use maps the same way in each.
 * The two SQL pieces below are the only definition of that rule: the recommendation filter, the per-country
 * counts and obligationsForRecommendations (in memory) all follow it.
 */

/** TB recommendations whose body reviews the instrument `code` (an SQL expression yielding an instrument code). */
function fromBodySql(code: SQL): SQL {
  const r = recommendations;
  return sql`(${r.mechanism} = 'TB' and ${r.body} in (select xi.recommendation_body from instruments xi where xi.code = ${code}))`;
}

/** UPR and SP recommendations with a theme that the crosswalk maps to the instrument `code`. */
function viaThemesSql(code: SQL): SQL {
  const r = recommendations;
  return sql`(${r.mechanism} <> 'TB' and ${r.themes} && array(select xt.theme from theme_instrument xt where xt.instrument = ${code}))`;
}

/**
 * The condition "this recommendation speaks to `instrument`" on the recommendations table, for
 * recommendationWhere: its TB body reviews it, or (UPR / SP) one of its themes maps to it. Uses the
 * themes GIN index. An unknown instrument matches nothing.
 */
export function instrumentFilterSql(instrument: string): SQL {
  const code = sql`${instrument}`;
  return sql`(${fromBodySql(code)} or ${viaThemesSql(code)})`;
}

export async function instrumentExists(db: Db, code: string): Promise<boolean> {
  const rows = await db.select({ code: instruments.code }).from(instruments).where(eq(instruments.code, code)).limit(1);
  return rows.length > 0;
}

export interface RecommendationObligation {
  instrument: string;
  articles: string[];
}

const articleOrder = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/**
 * The instruments (and articles) each recommendation speaks to, for a page of recommendations: two small
 * queries whatever the page size. Every id given is in the map (an empty list when nothing maps).
 */
export async function obligationsForRecommendations(
  db: Db,
  recs: { id: string; mechanism: string; body: string; themes: string[] }[],
): Promise<Map<string, RecommendationObligation[]>> {
  const out = new Map<string, RecommendationObligation[]>();
  if (!recs.length) return out;
  const insts = await db
    .select({ code: instruments.code, position: instruments.position, recommendationBody: instruments.recommendationBody })
    .from(instruments);
  const position = new Map(insts.map((i) => [i.code, i.position]));
  const byBody = new Map(insts.filter((i) => i.recommendationBody).map((i) => [i.recommendationBody!, i.code]));
  const themes = [...new Set(recs.filter((r) => r.mechanism !== 'TB').flatMap((r) => r.themes))];
  const byTheme = new Map<string, { instrument: string; articles: string[] }[]>();
  if (themes.length) {
    const rows = await db
      .select({ theme: themeInstrument.theme, instrument: themeInstrument.instrument, articles: themeInstrument.articles })
      .from(themeInstrument)
      .where(inArray(themeInstrument.theme, themes));
    for (const r of rows) byTheme.set(r.theme, [...(byTheme.get(r.theme) ?? []), r]);
  }
  for (const rec of recs) {
    const merged = new Map<string, Set<string>>();
    if (rec.mechanism === 'TB') {
      const code = byBody.get(rec.body);
      if (code) merged.set(code, new Set());
    } else {
      for (const theme of rec.themes) {
        for (const m of byTheme.get(theme) ?? []) {
          const arts = merged.get(m.instrument) ?? new Set<string>();
          for (const a of m.articles) arts.add(a);
          merged.set(m.instrument, arts);
        }
      }
    }
    out.set(
      rec.id,
      [...merged]
        .sort(([a], [b]) => (position.get(a) ?? 999) - (position.get(b) ?? 999))
        .map(([instrument, arts]) => ({ instrument, articles: [...arts].sort(articleOrder) })),
    );
  }
  return out;
}

const instrumentColumns = {
  code: instruments.code,
  shortName: instruments.shortName,
  name: instruments.name,
  kind: instruments.kind,
  parent: instruments.parent,
  body: instruments.body,
  bodyName: instruments.bodyName,
  recommendationBody: instruments.recommendationBody,
  adoptedOn: instruments.adoptedOn,
};

export async function listInstruments(db: Db) {
  const rows = await db.select(instrumentColumns).from(instruments).orderBy(asc(instruments.position));
  return { items: rows.map((r) => ({ ...r, kind: r.kind as 'core' | 'protocol' })) };
}

interface CountRow extends Record<string, unknown> {
  code: string;
  from_body: string;
  via_themes: string;
}

/** Every instrument with the State's status under each source and the recommendations that speak to it; undefined for an unknown country. */
export async function getCountryObligations(db: Db, iso2: string) {
  const [country] = await db.select({ code: countries.code, name: countries.name }).from(countries).where(eq(countries.code, iso2));
  if (!country) return undefined;

  const insts = await db.select(instrumentColumns).from(instruments).orderBy(asc(instruments.position));
  const code = sql.raw('oi.code');
  const counts = await queryRows<CountRow>(
    db,
    sql`select oi.code,
          (select count(*) from ${recommendations} where ${recommendations.country} = ${iso2} and ${fromBodySql(code)}) as from_body,
          (select count(*) from ${recommendations} where ${recommendations.country} = ${iso2} and ${viaThemesSql(code)}) as via_themes
        from instruments oi`,
  );
  const countOf = new Map(counts.map((c) => [c.code, c]));
  const rats = await db
    .select()
    .from(ratifications)
    .where(eq(ratifications.country, iso2))
    .orderBy(asc(ratifications.instrument), sql`${ratifications.sourceAsOf} desc`, asc(ratifications.source));
  const ratsOf = new Map<string, (typeof rats)[number][]>();
  for (const r of rats) ratsOf.set(r.instrument, [...(ratsOf.get(r.instrument) ?? []), r]);

  const items = insts.map((i) => {
    const rows = ratsOf.get(i.code) ?? [];
    const summary = summariseRatification(rows);
    const c = countOf.get(i.code);
    return {
      instrument: i.code,
      name: i.name,
      shortName: i.shortName,
      kind: i.kind as 'core' | 'protocol',
      parent: i.parent,
      body: i.body,
      bodyName: i.bodyName,
      status: summary.status,
      date: summary.date,
      year: summary.year,
      statusSource: summary.statusSource,
      disagreement: summary.disagreement,
      disagreements: summary.disagreements,
      sources: rows.map((r) => ({
        source: r.source,
        asOf: r.sourceAsOf,
        status: r.status as RatificationStatus,
        date: r.date,
        year: r.year,
        signedOn: r.signedOn,
        note: r.note,
      })),
      recommendations: { fromBody: Number(c?.from_body ?? 0), viaThemes: Number(c?.via_themes ?? 0) },
    };
  });
  return { country: country.code, name: country.name, items };
}

export async function listCrosswalk(db: Db, f: { vocabulary?: string; instrument?: string; theme?: string }) {
  const items = await db
    .select({
      vocabulary: themeInstrument.vocabulary,
      theme: themeInstrument.theme,
      instrument: themeInstrument.instrument,
      articles: themeInstrument.articles,
      reason: themeInstrument.reason,
    })
    .from(themeInstrument)
    .innerJoin(instruments, eq(instruments.code, themeInstrument.instrument))
    .where(
      and(
        f.vocabulary ? eq(themeInstrument.vocabulary, f.vocabulary) : undefined,
        f.instrument ? eq(themeInstrument.instrument, f.instrument) : undefined,
        f.theme ? eq(themeInstrument.theme, f.theme) : undefined,
      ),
    )
    .orderBy(asc(themeInstrument.vocabulary), asc(themeInstrument.theme), asc(instruments.position));
  const unmapped = await db
    .select()
    .from(themeUnmapped)
    .where(
      and(
        f.vocabulary ? eq(themeUnmapped.vocabulary, f.vocabulary) : undefined,
        f.theme ? eq(themeUnmapped.theme, f.theme) : undefined,
      ),
    )
    .orderBy(asc(themeUnmapped.vocabulary), asc(themeUnmapped.theme));
  const unclassified = await queryRows<{ theme: string }>(
    db,
    sql`select distinct t.theme from recommendations, unnest(recommendations.themes) as t(theme)
        where not exists (select 1 from theme_instrument ti where ti.theme = t.theme)
          and not exists (select 1 from theme_unmapped tu where tu.theme = t.theme)
        order by t.theme`,
  );
  type V = 'upr-info' | 'uhri';
  return {
    items: items.map((r) => ({ ...r, vocabulary: r.vocabulary as V })),
    unmapped: unmapped.map((r) => ({ ...r, vocabulary: r.vocabulary as V })),
    unclassified: unclassified.map((r) => r.theme),
  };
}
