/**
 * The coverage method written as SQL: one statement per answer, built from the CTE pipeline below (DOMAIN.md,
 * "Coverage: the method"; README "Coverage"). The service answers with the in-process engine
 * (coverage.engine.ts over coverage.facts.ts); this formulation is its reference: the tests hold the engine's
 * answers to these statements' on real and random data, and `npm run bench:coverage` runs them as the floor
 * (what the database alone takes to compute each answer). It was the service's engine until 28 November 2026.
 *
 *   rec    the recommendations in scope (country + recommendation filters)
 *   cl     the counted links: live links of the asked statuses, plus (links=suggested) open suggestions
 *          at or above minScore as links of weight 1; only links of activities passing the activity filters
 *   act0   the activities looked at (linked ones; for donor answers every activity in the country)
 *   bk     the activities' buckets of coverage_tx_buckets: each transaction of the basis × the country's share
 *          (coverage_tx_shares: 1 when the transaction names the country, 0 when it names another, else the
 *          activity's rescaled percentage), summed per (activity, country, currency, rate year)
 *   conv   the buckets a period holds whole, plus the rows dated in the period of the buckets it cuts
 *   convd  those amounts converted through US dollars with the rate of the year; no rate → converted is null
 *          and the amount stays in its currency (unconverted)
 *   am/amu an activity's money in a country (converted), and what could not be converted, per currency
 *   attr   each counted link's factor: weight ÷ max(1, Σ weights of the activity's counted links in the
 *          country), so one activity's attributed money never exceeds its money in the country
 *
 * Reach (activities, donors) is counted, never split. Weights are normalised over all counted links of the
 * activity in the country, whatever the recommendation filters, so filtering never moves money between
 * recommendations.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { queryRows } from '../../db/query.js';
import { decodeCursor, encodeCursor } from '../../lib/cursor.js';
import {
  actFilter,
  alignmentAnswer,
  BASIS_TYPES,
  cents,
  donorsAnswer,
  matrixAnswer,
  provenance,
  recFilter,
  statusesOf,
  summaryAnswer,
  unconvertedOf,
  type CoverageParams,
  type CoverageSort,
  type DonorRaw,
  type Figures,
  type RawProvenance,
  type Unconverted,
} from './coverage.queries.js';
import type { Dimension } from './coverage.schemas.js';

type Scope =
  /** Activities linked to recommendations of the country (coverage answers). */
  | { kind: 'linked'; country: string }
  /** Every activity in the country, linked or not (donor answers). */
  | { kind: 'country'; country: string }
  /** Every activity of one donor, in every country (alignment). */
  | { kind: 'donor'; donor: string };




const hasPeriod = (p: CoverageParams) => p.from !== undefined || p.to !== undefined;

/** The CTE pipeline (see the top of this file); every answer selects from it. */
function pipeline(p: CoverageParams, scope: Scope): SQL {
  const statuses = statusesOf(p);
  const suggested = statuses.includes('suggested');
  const minScore = p.minScore ?? 0;
  const types = BASIS_TYPES[p.basis];
  const T = p.currency;
  const linkStatus = sql`l.status in (${sql.join(statuses.map((s) => sql`${s}`), sql`, `)})`;
  const suggestedLinkScore = p.minScore === undefined ? sql`true` : sql`(l.status <> 'suggested' or l.confidence >= ${minScore})`;

  const liveLinks = (where: SQL) => sql`
    select l.activity_id, l.recommendation_id, l.country, l.weight::numeric as weight
    from links l where ${where} and l.retired_at is null and ${linkStatus} and ${suggestedLinkScore}`;
  const openSuggestions = (where: SQL) =>
    suggested
      ? sql`
    union all
    select s.activity_id, s.recommendation_id, s.country, 1::numeric
    from suggestions s where ${where} and s.status = 'open' and s.score >= ${minScore}
      and not exists (select 1 from links l2 where l2.activity_id = s.activity_id and l2.recommendation_id = s.recommendation_id and l2.retired_at is null)`
      : sql``;

  const overlaps = hasPeriod(p)
    ? sql`(coalesce(activities.actual_start, activities.planned_start) is not null or coalesce(activities.actual_end, activities.planned_end) is not null)
        and ${p.to ? sql`coalesce(coalesce(activities.actual_start, activities.planned_start) <= ${p.to}::date, true)` : sql`true`}
        and ${p.from ? sql`coalesce(coalesce(activities.actual_end, activities.planned_end) >= ${p.from}::date, true)` : sql`true`}`
    : sql`true`;
  const actCols = sql`activities.iati_identifier as id, activities.reporting_org_ref as donor, activities.import_run_id, (${overlaps}) as overlaps`;

  let head: SQL;
  if (scope.kind === 'donor') {
    head = sql`
    act0 as materialized (select ${actCols} from activities where activities.reporting_org_ref = ${scope.donor} and ${actFilter(p)}),
    cl as materialized (
      ${liveLinks(sql`l.activity_id in (select id from act0)`)}
      ${openSuggestions(sql`s.activity_id in (select id from act0)`)}
    ),
    rec as materialized (
      -- The alignment needs only the ids (and import runs for the provenance): an index-only read.
      select recommendations.id, recommendations.import_run_id
      from recommendations where recommendations.id in (select recommendation_id from cl) and ${recFilter(p)}
    ),`;
  } else {
    const C = scope.country;
    const actWhere =
      scope.kind === 'linked'
        ? sql`activities.iati_identifier in (select activity_id from cl0)`
        : sql`activities.iati_identifier in (
            select x.iati_identifier from activities x where x.country_codes @> array[${C}]::text[] union select activity_id from cl0)`;
    head = sql`
    cl0 as materialized (
      ${liveLinks(sql`l.country = ${C}`)}
      ${openSuggestions(sql`s.country = ${C}`)}
    ),
    act0 as materialized (select ${actCols} from activities where ${actWhere} and ${actFilter(p)}),
    ${
      p.donor === undefined && p.sector === undefined
        ? // No activity filter: every link's and suggestion's activity exists (foreign keys), so act0 drops none.
          sql`cl as not materialized (select * from cl0),`
        : sql`cl as materialized (select * from cl0 where activity_id in (select id from act0)),`
    }
    rec as materialized (
      select recommendations.id, recommendations.country, recommendations.mechanism, recommendations.body, recommendations.cycle,
        recommendations.response, recommendations.themes, recommendations.affected_persons, recommendations.sdg_goals,
        recommendations.import_run_id, recommendations.text, recommendations.session, recommendations.published_on,
        recommendations.document_symbol
      from recommendations where recommendations.country = ${C} and ${recFilter(p)}
    ),`;
  }
  // The period over coverage_tx_buckets: a bucket whose rows all lie in the period is taken whole (every bucket
  // when no period is asked); one with no row in it is skipped; only the buckets the period cuts are re-read row
  // by row from coverage_tx_shares. Numeric sums are exact, so this is the very sum of the rows in the period.
  const whole = hasPeriod(p)
    ? sql`b.undated = 0${p.from ? sql` and b.first_date >= ${p.from}::date` : sql``}${p.to ? sql` and b.last_date <= ${p.to}::date` : sql``}`
    : sql`true`;
  const cut = sql`not (${whole}) and b.first_date is not null${p.from ? sql` and b.last_date >= ${p.from}::date` : sql``}${p.to ? sql` and b.first_date <= ${p.to}::date` : sql``}`;
  const bucketsOf = sql`select b.activity_id, b.country, b.currency, b.year, b.amount, ${whole} as whole, ${cut} as cut
      from coverage_tx_buckets b`;
  const period = sql.join(
    [
      sql`s.type in (${sql.join(types.map((x) => sql`${x}`), sql`, `)})`,
      p.from ? sql`s.date >= ${p.from}::date` : undefined,
      p.to ? sql`s.date <= ${p.to}::date` : undefined,
    ].filter((x): x is SQL => x !== undefined),
    sql` and `,
  );
  return sql`with
    ${head}
    ${
      scope.kind === 'donor'
        ? sql`bk as (${bucketsOf} where b.basis = ${p.basis} and b.activity_id in (select id from act0)),`
        : // The country's buckets of the basis are one index-only range read (materialised, so that the planner
          // cannot turn it into one probe per activity), joined to the activities looked at by hash.
          sql`bk as materialized (${bucketsOf} where b.country = ${scope.country} and b.basis = ${p.basis}
        and (${hasPeriod(p) ? sql`(${whole}) or (${cut})` : sql`true`})),`
    }
    conv as (
      select b.activity_id, b.country, b.currency, b.year, b.amount from bk b where b.whole and b.activity_id in (select id from act0)
      ${
        hasPeriod(p)
          ? sql`union all
      select s.activity_id, s.country, s.currency, s.year, sum(s.amount)
      from bk b join coverage_tx_shares s
        on s.country = b.country and s.activity_id = b.activity_id and s.currency = b.currency and s.year = b.year
      where b.cut and b.activity_id in (select id from act0) and ${period}
      group by 1, 2, 3, 4`
          : sql``
      }
    ),
    -- The rates, materialised: joined by hash, never probed once per amount.
    rt as materialized (select currency, year, units_per_usd from exchange_rates),
    convd as materialized (
      select c.*, fr.u as from_rate, tr.u as to_rate,
        case when c.currency = ${T} then c.amount when fr.u is not null and tr.u is not null then c.amount / fr.u * tr.u end as converted
      from conv c
      left join rt fe on fe.currency = c.currency and fe.year = c.year
      ${T === 'USD' ? sql`` : sql`left join rt te on te.currency = ${T}::text and te.year = c.year`}
      cross join lateral (select case when c.currency = 'USD' then 1::numeric else fe.units_per_usd end as u) fr
      cross join lateral (select ${T === 'USD' ? sql`1::numeric` : sql`te.units_per_usd`} as u) tr
    ),
    -- The (currency, year) pairs of the amounts, whether converted or not: what the provenance lists.
    cy as materialized (
      select currency, year, bool_or(converted is not null) as used, bool_or(converted is null) as missing from convd group by 1, 2
    ),
    am as materialized (
      select activity_id, country, coalesce(sum(converted), 0) as money, bool_or(amount <> 0) as has_money from convd group by 1, 2
    ),
    amu as (select activity_id, country, currency, sum(amount) as amount from convd where converted is null group by 1, 2, 3),
    -- Σ weights over all the activity's counted links in the country: with a period an activity counts or not as a
    -- whole (its dates overlap or it has money in the period), so this is the sum over its counted links.
    lw as (select activity_id, country, sum(weight) as w from cl group by 1, 2),
    attr as materialized (
      select cl.recommendation_id, cl.activity_id, cl.country, a.donor, cl.weight / greatest(lw.w, 1) as f
      from cl join lw using (activity_id, country) join act0 a on a.id = cl.activity_id
      ${hasPeriod(p) ? sql`left join am on am.activity_id = cl.activity_id and am.country = cl.country` : sql``}
      where cl.recommendation_id in (select id from rec)
        ${hasPeriod(p) ? sql`and (a.overlaps or coalesce(am.has_money, false))` : sql``}
    ),
    attrm as materialized (
      select attr.*, attr.f * coalesce(am.money, 0) as money from attr left join am using (activity_id, country)
    ),
    attru as materialized (
      select attr.recommendation_id, attr.activity_id, attr.country, attr.donor, amu.currency, attr.f * amu.amount as amount
      from attr join amu using (activity_id, country)
    )`;
}

/**
 * Runs one coverage statement in its own transaction with settings for it alone (SET LOCAL): work_mem high
 * enough that its sorts and hash aggregates (tens of thousands of rows at L) stay in memory instead of spilling;
 * no JIT: the planner's cost of these statements is far above jit_above_cost, and compiling their
 * expressions took ~3 s, more than running them; and no merge joins: the CTEs' row counts are unknown to the
 * planner (it assumes 200 distinct keys), so it chose to sort tens of thousands of rows on text keys for merge
 * joins where hash joins cost 10-25 % less at L (README, "Coverage", "Design").
 */
async function coverageRows<T extends Record<string, unknown>>(db: Db, query: SQL): Promise<T[]> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('work_mem', '64MB', true), set_config('jit', 'off', true), set_config('enable_mergejoin', 'off', true)`);
    return queryRows<T>(tx as unknown as Db, query);
  });
}

/** What every answer says it was computed from: rates used and missing, and the import runs behind the data. */
const provenanceSql = (p: CoverageParams) => sql`
  'rates', coalesce((
    select json_agg(json_build_object('currency', e.currency, 'year', e.year, 'rate', e.units_per_usd, 'source', e.source,
      'origin', e.origin, 'importRunId', e.import_run_id) order by e.currency, e.year)
    from exchange_rates e
    where (e.currency, e.year) in (
      select currency, year from cy where used and currency not in (${p.currency}, 'USD')
      union select ${p.currency}::text, year from cy where used and currency <> ${p.currency} and ${p.currency} <> 'USD')
  ), '[]'::json),
  'missing', coalesce((
    select json_agg(json_build_object('currency', currency, 'year', year) order by currency, year)
    from cy where missing
  ), '[]'::json),
  'runs', coalesce((
    select json_agg(json_build_object('id', ir.id, 'kind', ir.kind, 'file', ir.file_name, 'sha256', ir.sha256, 'finishedAt', ir.finished_at) order by ir.started_at, ir.id)
    from import_runs ir
    where ir.id in (
      select import_run_id from rec union select import_run_id from act0
      union select e.import_run_id from exchange_rates e where (e.currency, e.year) in (select currency, year from cy where used))
  ), '[]'::json)`;

// ---------------------------------------------------------------- shaping






// ---------------------------------------------------------------- dimensions

/** A text[] of the recommendation's keys in a dimension (array[null] when it has none, so it still counts). */
function keyArray(d: Exclude<Dimension, 'donor'>): SQL {
  const orNone = (arr: SQL) => sql`(case when cardinality(${arr}) > 0 then ${arr} else array[null]::text[] end)`;
  switch (d) {
    case 'mechanism':
      return sql`array[rec.mechanism]`;
    case 'body':
      return sql`array[rec.body]`;
    case 'cycle':
      return sql`array[rec.cycle::text]`;
    case 'response':
      return sql`array[rec.response]`;
    case 'theme':
      return orNone(sql`rec.themes`);
    case 'affectedPerson':
      return orNone(sql`rec.affected_persons`);
    case 'sdgGoal':
      return orNone(sql`rec.sdg_goals`);
    case 'instrument':
      // The obligations module's rule (obligations.queries.ts): a TB recommendation speaks to the treaty its
      // body reviews; UPR and SP recommendations to every instrument their themes map to.
      return orNone(sql`(case when rec.mechanism = 'TB'
        then array(select xi.code from instruments xi where xi.recommendation_body = rec.body)
        else array(select distinct xt.instrument from theme_instrument xt where xt.theme = any(rec.themes)) end)`);
  }
}



// ---------------------------------------------------------------- aggregation over dimensions

interface FigRow {
  k0?: string | null;
  k1?: string | null;
  recs: number | string;
  covered: number | string;
  activities: number | string;
  donors: number | string;
  money: number | string;
}

/**
 * Figures per combination of keys of `dims` (0: the totals, 1: groups, 2: a matrix), in one statement.
 * A donor key comes from the link's activity; every other key from the recommendation, which counts in each
 * of its keys (a recommendation with two themes is in both theme groups).
 */
async function aggregate(db: Db, p: CoverageParams, dims: Dimension[]) {
  const donorAt = dims.indexOf('donor');
  const col = (i: number) => sql.raw(`k${i}`);
  // Key column of dimension i in `keyed` (rec dims) or in the link facts (donor).
  const recKeyCols = dims.map((d, i) => (d === 'donor' ? undefined : i)).filter((i): i is number => i !== undefined);
  const keyedCols = recKeyCols.map((i) => sql`, ${col(i)}.k as ${col(i)}`);
  const laterals = recKeyCols.map((i) => sql` cross join lateral unnest(${keyArray(dims[i] as Exclude<Dimension, 'donor'>)}) as ${col(i)}(k)`);
  const keyed = sql`keyed as materialized (select rec.id${sql.join(keyedCols, sql``)} from rec${sql.join(laterals, sql``)})`;
  const sel = dims.map((_d, i) => (i === donorAt ? sql`m.donor as ${col(i)}` : sql`keyed.${col(i)}`));
  const selU = dims.map((_d, i) => (i === donorAt ? sql`u.donor as ${col(i)}` : sql`keyed.${col(i)}`));
  const groupBy = dims.length ? sql`group by ${sql.join(dims.map((_d, i) => sql`${sql.raw(String(i + 1))}`), sql`, `)}` : sql``;
  const lead = (cols: SQL[]) => (cols.length ? sql`${sql.join(cols, sql`, `)}, ` : sql``);
  const recGroup = recKeyCols.length ? sql`group by ${sql.join(recKeyCols.map((i) => sql`keyed.${col(i)}`), sql`, `)}` : sql``;

  const query = sql`${pipeline(p, { kind: 'linked', country: p.country! })},
    ${keyed}
    select json_build_object(
      'figs', ${dims.length === 0 ? sql`'[]'::json` : sql`coalesce((
        select json_agg(f) from (
          select ${lead(sel)}
            count(distinct keyed.id) as recs,
            count(distinct keyed.id) filter (where m.activity_id is not null) as covered,
            count(distinct m.activity_id) as activities,
            count(distinct m.donor) as donors,
            coalesce(sum(m.money), 0) as money
          from keyed ${donorAt >= 0 ? sql`join` : sql`left join`} attrm m on m.recommendation_id = keyed.id
          ${groupBy}) f), '[]'::json)`},
      'recs', coalesce((
        select json_agg(r) from (
          select ${lead(recKeyCols.map((i) => sql`keyed.${col(i)}`))} count(distinct keyed.id) as recs from keyed ${recGroup}) r), '[]'::json),
      'unc', ${
        dims.length === 0
          ? sql`'[]'::json`
          : sql`coalesce((
        select json_agg(u) from (
          select ${lead(selU)} u.currency, sum(u.amount) as amount
          from keyed join attru u on u.recommendation_id = keyed.id
          group by ${sql.join([...dims.map((_d, i) => sql`${sql.raw(String(i + 1))}`), sql.raw(String(dims.length + 1))], sql`, `)}) u), '[]'::json)`
      },
      -- Distinct counts by hashing (count(distinct) would sort each of them).
      'totals', json_build_object('recs', (select count(*) from rec),
          'covered', (select count(*) from (select distinct recommendation_id from attrm) x),
          'activities', (select count(*) from (select distinct activity_id from attrm) x),
          'donors', (select count(*) from (select distinct donor from attrm where donor is not null) x),
          'money', (select coalesce(sum(money), 0) from attrm)),
      'totalUnc', coalesce((select json_agg(u) from (select currency, sum(amount) as amount from attru group by currency) u), '[]'::json),
      ${provenanceSql(p)}
    ) as answer`;
  type Answer = {
    figs: FigRow[];
    recs: FigRow[];
    unc: (Record<string, string | null> & { currency: string; amount: string })[];
    totals: FigRow;
    totalUnc: { currency: string; amount: string }[];
  } & RawProvenance;
  const [row] = await coverageRows<{ answer: Answer }>(db, query);
  const a = row!.answer;
  const keyOf = (r: Record<string, unknown>, idx: number[]) => JSON.stringify(idx.map((i) => r[`k${i}`] ?? null));
  const allIdx = dims.map((_d, i) => i);
  const recsBy = new Map(a.recs.map((r) => [keyOf(r as unknown as Record<string, unknown>, recKeyCols), Number(r.recs)]));
  const uncBy = new Map<string, Unconverted[]>();
  for (const u of a.unc) {
    const k = keyOf(u, allIdx);
    uncBy.set(k, [...(uncBy.get(k) ?? []), { currency: u.currency, amount: Number(u.amount) }]);
  }
  const totalRecs = recsBy.get(keyOf({}, recKeyCols)) ?? 0;
  const figures = (r: FigRow): Figures => {
    const recommendations = donorAt >= 0 ? (recsBy.get(keyOf(r as unknown as Record<string, unknown>, recKeyCols)) ?? totalRecs) : Number(r.recs);
    const covered = Number(r.covered);
    return {
      recommendations,
      covered,
      coverageRatio: recommendations ? covered / recommendations : 0,
      activities: Number(r.activities),
      donors: Number(r.donors),
      money: { amount: cents(r.money), currency: p.currency },
      unconverted: unconvertedOf(uncBy.get(keyOf(r as unknown as Record<string, unknown>, allIdx))),
    };
  };
  const cells = a.figs.map((r) => ({ keys: allIdx.map((i) => (r as unknown as Record<string, string | null>)[`k${i}`] ?? null), figures: figures(r) }));
  const t = a.totals;
  const totalRecs2 = Number(t.recs);
  const totals: Figures = {
    recommendations: totalRecs2,
    covered: Number(t.covered),
    coverageRatio: totalRecs2 ? Number(t.covered) / totalRecs2 : 0,
    activities: Number(t.activities),
    donors: Number(t.donors),
    money: { amount: cents(t.money), currency: p.currency },
    unconverted: unconvertedOf(a.totalUnc),
  };
  return { cells, totals, raw: a };
}

/** GET /v1/coverage: totals, and groups when asked (one statement: the totals come with the groups). */
export async function sqlCoverageSummary(db: Db, p: CoverageParams & { groupBy?: Dimension }, dataVersion: string) {
  return summaryAnswer(db, p, await aggregate(db, p, p.groupBy ? [p.groupBy] : []), dataVersion);
}

/** GET /v1/coverage/matrix. */
export async function sqlCoverageMatrix<D extends Dimension>(db: Db, p: CoverageParams & { rows: D; cols: D }, dataVersion: string) {
  return matrixAnswer(db, p, await aggregate(db, p, [p.rows, p.cols]), dataVersion);
}

// ---------------------------------------------------------------- per recommendation


/** The sort key as an ascending numeric array (then id): keyset pagination compares it as a row. */
function sortKey(sort: CoverageSort): SQL {
  switch (sort) {
    case 'money':
      return sql`array[-coalesce(agg.money, 0)]`;
    case 'activities':
      return sql`array[-coalesce(agg.activities, 0), -coalesce(agg.money, 0)]`;
    case 'priority':
      return sql`array[
        case rec.response when 'supported' then 0 when 'supported_in_part' then 1 when 'noted' then 2 else 3 end,
        -coalesce(ech.n, 1),
        -coalesce(rec.published_on - date '1900-01-01', 0),
        -coalesce(rec.session, 0)]::numeric[]`;
  }
}

/** GET /v1/coverage/recommendations: one row per recommendation, sorted and paginated. */
export async function sqlCoverageByRecommendation(
  db: Db,
  p: CoverageParams & { covered?: boolean; sort: CoverageSort; limit: number; cursor?: string },
  dataVersion: string,
) {
  const after = decodeCursor(p.cursor, 2) as [string[], string] | undefined;
  if (after && (!Array.isArray(after[0]) || typeof after[1] !== 'string' || after[0].some((v) => !/^-?\d+(\.\d+)?$/.test(String(v))))) {
    decodeCursor('!', 2); // throws the standard bad-cursor problem
  }
  const coveredCond = p.covered === undefined ? sql`true` : p.covered ? sql`covered` : sql`not covered`;
  const keyset = after
    ? sql`(sk > ${`{${after[0].join(',')}}`}::numeric[] or (sk = ${`{${after[0].join(',')}}`}::numeric[] and id > ${after[1]}))`
    : sql`true`;
  const echo =
    p.sort === 'priority'
      ? sql`,
    ech as (
      select tk, count(distinct x.mechanism || '|' || x.body || '|' || coalesce(x.session::text, x.document_symbol, x.published_on::text, '')) as n
      from (select (select array_agg(t order by t) from unnest(r.themes) t) as tk, r.mechanism, r.body, r.session, r.document_symbol, r.published_on
            from recommendations r where r.country = ${p.country} and cardinality(r.themes) > 0) x
      group by tk)`
      : sql``;
  const query = sql`${pipeline(p, { kind: 'linked', country: p.country! })}${echo},
    agg as (
      select recommendation_id, count(distinct activity_id) as activities, count(distinct donor) as donors, sum(money) as money
      from attrm group by recommendation_id
    ),
    rows as materialized (
      select rec.id, rec.mechanism, rec.body, rec.response, rec.themes, rec.text,
        agg.recommendation_id is not null as covered,
        coalesce(agg.activities, 0) as activities, coalesce(agg.donors, 0) as donors, coalesce(agg.money, 0) as money,
        ${sortKey(p.sort)} as sk
      from rec left join agg on agg.recommendation_id = rec.id
      ${p.sort === 'priority' ? sql`left join ech on ech.tk = (select array_agg(t order by t) from unnest(rec.themes) t)` : sql``}
    ),
    page as (select * from rows where ${coveredCond} and ${keyset} order by sk, id limit ${p.limit + 1})
    select json_build_object(
      'items', coalesce((
        select json_agg(json_build_object('id', page.id, 'mechanism', page.mechanism, 'body', page.body, 'response', page.response,
          'themes', page.themes, 'text', page.text, 'covered', page.covered, 'activities', page.activities, 'donors', page.donors,
          'money', page.money, 'sk', page.sk,
          'unconverted', (select json_agg(json_build_object('currency', currency, 'amount', amount)) from (
              select currency, sum(amount) as amount from attru where recommendation_id = page.id group by currency) u))
          order by page.sk, page.id)
        from page), '[]'::json),
      'total', (select count(*) from rows where ${coveredCond}),
      ${provenanceSql(p)}
    ) as answer`;
  type Item = {
    id: string;
    mechanism: 'UPR' | 'TB' | 'SP';
    body: string;
    response: string | null;
    themes: string[];
    text: string;
    covered: boolean;
    activities: number;
    donors: number;
    money: number | string;
    sk: (number | string)[];
    unconverted: { currency: string; amount: string }[] | null;
  };
  const [row] = await coverageRows<{ answer: { items: Item[]; total: number } & RawProvenance }>(db, query);
  const a = row!.answer;
  const items = a.items.slice(0, p.limit);
  const last = items[items.length - 1];
  return {
    items: items.map((r) => ({
      id: r.id,
      mechanism: r.mechanism,
      body: r.body,
      response: r.response,
      themes: r.themes,
      text: r.text,
      covered: r.covered,
      activities: Number(r.activities),
      donors: Number(r.donors),
      money: { amount: cents(r.money), currency: p.currency },
      unconverted: unconvertedOf(r.unconverted),
    })),
    nextCursor: a.items.length > p.limit && last ? encodeCursor([last.sk.map(String), last.id]) : null,
    total: Number(a.total),
    provenance: provenance(p, a, { country: p.country }, dataVersion),
  };
}

// ---------------------------------------------------------------- donors


/** Donor figures grouped by `key` (the donor in a country, or the country of one donor). */
function donorFiguresSql(p: CoverageParams, key: 'donor' | 'country'): SQL {
  const k = sql.raw(key);
  const actKey = key === 'donor' ? sql`a.donor` : sql`am.country`;
  return sql`
    ok as (
      select a.id as activity_id, a.donor, am.country, am.money
      from act0 a join am on am.activity_id = a.id
      ${hasPeriod(p) ? sql`where a.overlaps or am.has_money` : sql``}
    ),
    -- ok has one row per (activity, country), so per donor in a country, or per country of a donor, count(*)
    -- counts activities; the distinct recommendations per key are hashed apart (count(distinct) would sort).
    by_in as (select ${key === 'donor' ? sql`donor` : sql`country`} as k, sum(money) as money_in, count(*) as activities from ok group by 1),
    by_link as (
      select l.k, l.linked, l.links, r.recs
      from (select ${key === 'donor' ? sql`m.donor` : sql`m.country`} as k, sum(m.money) as linked, count(*) as links from attrm m group by 1) l
      join (select d.k, count(*) as recs from (select distinct ${key === 'donor' ? sql`m.donor` : sql`m.country`} as k, m.recommendation_id from attrm m) d group by 1) r
        on r.k is not distinct from l.k),
    unc_in as materialized (
      select ${key === 'donor' ? sql`a.donor` : sql`amu.country`} as k, amu.currency, sum(amu.amount) as amount
      from amu join act0 a on a.id = amu.activity_id group by 1, 2),
    unc_linked as materialized (select ${k} as k, currency, sum(amount) as amount from attru group by 1, 2),
    keys as (select k from by_in union select k from by_link union select k from unc_in)
    select json_build_object(
      'rows', coalesce((
        select json_agg(json_build_object('k', keys.k, 'money_in', coalesce(by_in.money_in, 0), 'linked', coalesce(by_link.linked, 0),
          'activities', coalesce(by_in.activities, 0), 'links', coalesce(by_link.links, 0), 'recs', coalesce(by_link.recs, 0),
          'unc_in', (select json_agg(json_build_object('currency', currency, 'amount', amount)) from unc_in u where u.k is not distinct from keys.k),
          'unc_linked', (select json_agg(json_build_object('currency', currency, 'amount', amount)) from unc_linked u where u.k is not distinct from keys.k)))
        from keys left join by_in on by_in.k is not distinct from keys.k left join by_link on by_link.k is not distinct from keys.k), '[]'::json),
      ${provenanceSql(p)}
    ) as answer`;
  void actKey;
}


/** GET /v1/coverage/donors: every donor with activities in the country. */
export async function sqlCoverageByDonor(db: Db, p: CoverageParams, dataVersion: string) {
  const query = sql`${pipeline(p, { kind: 'country', country: p.country! })}, ${donorFiguresSql(p, 'donor')}`;
  const [row] = await coverageRows<{ answer: { rows: DonorRaw[] } & RawProvenance }>(db, query);
  return donorsAnswer(db, p, row!.answer.rows, row!.answer, dataVersion);
}

/** GET /v1/donors/{ref}/alignment: one donor across every country it works in. */
export async function sqlDonorAlignment(db: Db, donor: string, p: CoverageParams, dataVersion: string) {
  const q = { ...p, donor: undefined };
  const query = sql`${pipeline(q, { kind: 'donor', donor })}, ${donorFiguresSql(q, 'country')}`;
  const [row] = await coverageRows<{ answer: { rows: DonorRaw[] } & RawProvenance }>(db, query);
  return alignmentAnswer(db, donor, q, row!.answer.rows, row!.answer, dataVersion);
}
