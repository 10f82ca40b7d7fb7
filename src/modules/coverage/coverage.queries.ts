/**
 * Coverage answers (DOMAIN.md, "Coverage: the method"; README "Coverage"). Each answer reads the data version,
 * takes the scope's facts of that version (coverage.facts.ts: loaded from the database once per version and
 * scope, never reused across versions), applies the request's filters (the recommendation filters in SQL, the
 * same WHERE as the recommendations list) and computes the method in process (coverage.engine.ts). The same
 * method written as SQL statements is coverage.sql.ts: the tests hold the two to the same answers, and the
 * benchmark runs it as the database's floor.
 */
import { and, arrayContains, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { queryRows } from '../../db/query.js';
import { recommendations } from '../../db/schema.js';
import { decodeCursor, encodeCursor, isoTimestamp } from '../../lib/cursor.js';
import { activityWhere } from '../activities/activities.queries.js';
import { instrumentFilterSql } from '../obligations/obligations.queries.js';
import { recommendationWhere } from '../recommendations/recommendations.queries.js';
import {
  aggregate,
  attribute,
  dayOf,
  donorFigures,
  perRecommendation,
  rateKey,
  type Attribution,
  type DonorFigures,
  type Facts,
  type RawFigures,
} from './coverage.engine.js';
import { factsOf } from './coverage.facts.js';
import type { Dimension } from './coverage.schemas.js';

export { dataVersion } from './coverage.facts.js';

export interface CoverageParams {
  country?: string;
  from?: string;
  to?: string;
  basis: 'disbursement' | 'commitment';
  currency: string;
  links?: ('accepted' | 'suggested')[];
  minScore?: number;
  mechanism?: 'UPR' | 'TB' | 'SP';
  body?: string;
  cycle?: number;
  response?: string;
  theme?: string;
  affectedPerson?: string;
  sdg?: string;
  instrument?: string;
  donor?: string;
  sector?: string;
}
export const BASIS_TYPES = { disbursement: ['3', '4'], commitment: ['2'] } as const;
/** ISO 4217's code for "no currency": transactions without one are reported under it, unconverted. */
export const NO_CURRENCY = 'XXX';
export const statusesOf = (p: CoverageParams) => (p.links?.length ? [...new Set(p.links)] : ['accepted' as const]);
/** The recommendation filters: the list's shared WHERE, plus the ones only coverage takes. */
export function recFilter(p: CoverageParams): SQL {
  const r = recommendations;
  const sdg = p.sdg === undefined ? undefined : p.sdg.includes('.') ? arrayContains(r.sdgTargets, [p.sdg]) : arrayContains(r.sdgGoals, [p.sdg]);
  const where = and(
    recommendationWhere({ mechanism: p.mechanism, body: p.body, cycle: p.cycle, response: p.response, theme: p.theme }),
    p.affectedPerson ? arrayContains(r.affectedPersons, [p.affectedPerson]) : undefined,
    sdg,
    p.instrument ? instrumentFilterSql(p.instrument) : undefined,
  );
  return where ?? sql`true`;
}
export function actFilter(p: CoverageParams): SQL {
  return activityWhere({ reportingOrg: p.donor, sector: p.sector }) ?? sql`true`;
}
export const cents = (v: unknown) => Math.round(Number(v ?? 0) * 100) / 100;
export interface Unconverted {
  currency: string;
  amount: number;
}
export interface Provenance {
  country: string | null;
  donor: string | null;
  period: { from: string | null; to: string | null };
  basis: 'disbursement' | 'commitment';
  transactionTypes: string[];
  currency: string;
  rates: { currency: string; year: number; rate: number; source: string; origin: string; importRunId: string | null }[];
  missingRates: { currency: string; year: number | null }[];
  links: { statuses: ('accepted' | 'suggested')[]; minScore: number | null; suggestionsCounted: boolean; rule: string };
  importRuns: { id: string; kind: string; file: string; sha256: string | null; finishedAt: string | null }[];
  dataVersion: string;
}
export interface RawProvenance {
  rates: { currency: string; year: number; rate: number | string; source: string; origin: string; importRunId: string | null }[];
  missing: { currency: string; year: number | null }[];
  runs: { id: string; kind: string; file: string; sha256: string | null; finishedAt: string | null }[];
}
export function provenance(p: CoverageParams, raw: RawProvenance, scope: { country?: string; donor?: string }, dataVersion: string): Provenance {
  const statuses = statusesOf(p);
  const suggestionsCounted = statuses.includes('suggested');
  return {
    country: scope.country ?? null,
    donor: scope.donor ?? null,
    period: { from: p.from ?? null, to: p.to ?? null },
    basis: p.basis,
    transactionTypes: [...BASIS_TYPES[p.basis]],
    currency: p.currency,
    rates: raw.rates.map((r) => ({ ...r, rate: Number(r.rate) })),
    missingRates: raw.missing,
    links: {
      statuses,
      minScore: suggestionsCounted ? (p.minScore ?? 0) : null,
      suggestionsCounted,
      rule:
        'An activity\'s money in the country is split among its counted links in proportion to their weights, normalised when they add to more than 1.' +
        (suggestionsCounted ? ` Open suggestions with score ≥ ${p.minScore ?? 0} count as links of weight 1; suggested links count with their weight.` : ''),
    },
    importRuns: raw.runs.map((r) => ({ ...r, finishedAt: isoTimestamp(r.finishedAt) })),
    dataVersion,
  };
}
export function unconvertedOf(rows: { currency: string; amount: number | string }[] | null | undefined): Unconverted[] {
  return (rows ?? [])
    .map((u) => ({ currency: u.currency, amount: cents(u.amount) }))
    .filter((u) => u.amount !== 0)
    .sort((a, b) => a.currency.localeCompare(b.currency));
}
export const MECHANISM_NAMES: Record<string, string> = {
  UPR: 'Universal Periodic Review',
  TB: 'Treaty Bodies',
  SP: 'Special Procedures',
};
/** Labels of the keys of a dimension, in one query where names live in tables. */
export async function labelsOf(db: Db, d: Dimension, keys: (string | null)[]): Promise<Map<string | null, string>> {
  const out = new Map<string | null, string>();
  const given = [...new Set(keys.filter((k): k is string => k !== null))];
  let named: { k: string; name: string | null }[] = [];
  if (given.length) {
    const list = sql.join(given.map((k) => sql`${k}`), sql`, `);
    if (d === 'sdgGoal') named = await queryRows(db, sql`select code as k, name from codelist_items where list = 'UNSDG-Goals' and code in (${list})`);
    if (d === 'instrument') named = await queryRows(db, sql`select code as k, short_name as name from instruments where code in (${list})`);
    if (d === 'donor')
      named = await queryRows(
        db,
        sql`select k, coalesce((select o.name from organisations o where o.ref = k),
              (select a.reporting_org_name from activities a where a.reporting_org_ref = k and a.reporting_org_name is not null limit 1)) as name
            from unnest(array[${list}]::text[]) as k`,
      );
  }
  const byKey = new Map(named.map((n) => [n.k, n.name]));
  for (const k of keys) {
    if (k === null) out.set(k, d === 'donor' ? '(no reporting organisation)' : '(none)');
    else if (d === 'mechanism') out.set(k, MECHANISM_NAMES[k] ?? k);
    else if (d === 'cycle') out.set(k, `UPR cycle ${k}`);
    else if (d === 'sdgGoal') out.set(k, byKey.get(k) ? `${k}. ${byKey.get(k)}` : `SDG ${k}`);
    else out.set(k, byKey.get(k) ?? k);
  }
  return out;
}
export interface Figures {
  recommendations: number;
  covered: number;
  coverageRatio: number;
  activities: number;
  donors: number;
  money: { amount: number; currency: string };
  unconverted: Unconverted[];
}
export type CoverageSort = 'priority' | 'money' | 'activities';
export interface DonorRaw {
  k: string | null;
  money_in: string | number;
  linked: string | number;
  activities: number;
  links: number;
  recs: number;
  unc_in: { currency: string; amount: string | number }[] | null;
  unc_linked: { currency: string; amount: string | number }[] | null;
}
export function donorRow(p: CoverageParams, r: DonorRaw) {
  const moneyIn = cents(r.money_in);
  const linked = cents(r.linked);
  return {
    moneyInCountry: { amount: moneyIn, currency: p.currency },
    moneyInCountryUnconverted: unconvertedOf(r.unc_in),
    linkedMoney: { amount: linked, currency: p.currency },
    linkedMoneyUnconverted: unconvertedOf(r.unc_linked),
    linkedShare: Number(r.money_in) > 0 ? Math.round((Number(r.linked) / Number(r.money_in)) * 1e6) / 1e6 : null,
    activities: Number(r.activities),
    links: Number(r.links),
    recommendations: Number(r.recs),
  };
}

// ---------------------------------------------------------------- the engine's inputs

const REC_FILTERS = ['mechanism', 'body', 'cycle', 'response', 'theme', 'affectedPerson', 'sdg', 'instrument'] as const;
const hasRecFilter = (p: CoverageParams) => REC_FILTERS.some((k) => p[k] !== undefined);
const hasPeriod = (p: CoverageParams) => p.from !== undefined || p.to !== undefined;

/** The recommendations in scope: every one of the facts, or those the list's own WHERE keeps. */
async function recMask(db: Db, f: Facts, p: CoverageParams): Promise<Uint8Array> {
  const ok = new Uint8Array(f.recs.length);
  if (!hasRecFilter(p)) return ok.fill(1);
  const rows =
    f.scope.kind === 'country'
      ? await queryRows<{ id: string }>(db, sql`select recommendations.id from recommendations where recommendations.country = ${f.scope.country} and ${recFilter(p)}`)
      : await queryRows<{ id: string }>(
          db,
          sql`select recommendations.id from recommendations where ${recFilter(p)} and recommendations.id in (
                select l.recommendation_id from links l join activities a on a.iati_identifier = l.activity_id
                where a.reporting_org_ref = ${f.scope.donor} and l.retired_at is null
                union select s.recommendation_id from suggestions s join activities a on a.iati_identifier = s.activity_id
                where a.reporting_org_ref = ${f.scope.donor} and s.status = 'open')`,
        );
  for (const r of rows) {
    const i = f.index.rec.get(r.id);
    if (i !== undefined) ok[i] = 1;
  }
  return ok;
}

/** The activity filters (activityWhere's rules): the donor, and a DAC code (5 digits) or group (3 digits). */
function actMask(f: Facts, p: CoverageParams): Uint8Array {
  const ok = new Uint8Array(f.actIds.length);
  for (let a = 0; a < ok.length; a++) {
    if (p.donor !== undefined && f.actDonor[a] !== p.donor) continue;
    if (p.sector !== undefined) {
      const s = p.sector;
      const codes = f.actSectors[a]!;
      if (!(s.length === 5 ? codes.includes(s) : codes.some((c) => c.startsWith(s)))) continue;
    }
    ok[a] = 1;
  }
  return ok;
}

async function attributionOf(db: Db, f: Facts, p: CoverageParams, activities: 'linked' | 'all') {
  const recOk = await recMask(db, f, p);
  const at = attribute(f, {
    statuses: statusesOf(p),
    minScore: p.minScore,
    basis: p.basis,
    currency: p.currency,
    from: p.from,
    to: p.to,
    recOk,
    actOk: actMask(f, p),
    activities,
  });
  return { at, recOk };
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** What the answer was computed from: the rates used and missing, and the import runs behind the data. */
function rawProvenance(at: Attribution, p: CoverageParams, recs: number[]): RawProvenance {
  const f = at.f;
  const T = p.currency;
  const rates = new Map<string, NonNullable<ReturnType<typeof f.rates.get>>>();
  const runIds = new Set<string>();
  const missing: { currency: string; year: number | null }[] = [];
  for (let i = 0; i < f.pairCurrency.length; i++) {
    if (!at.pairUsed[i] && !at.pairMissing[i]) continue;
    const pair = { currency: f.pairCurrency[i]!, year: f.pairYear[i]!, used: at.pairUsed[i] === 1, missing: at.pairMissing[i] === 1 };
    if (pair.missing) missing.push({ currency: pair.currency, year: pair.year });
    if (!pair.used || pair.year === null) continue;
    const own = f.rates.get(rateKey(pair.currency, pair.year));
    if (own?.importRunId) runIds.add(own.importRunId);
    if (own && pair.currency !== T && pair.currency !== 'USD') rates.set(rateKey(own.currency, own.year), own);
    if (pair.currency !== T && T !== 'USD') {
      const to = f.rates.get(rateKey(T, pair.year));
      if (to) rates.set(rateKey(to.currency, to.year), to);
    }
  }
  const seen = new Uint8Array(f.runIds.length);
  for (const r of recs) if (f.recRunIndex[r]! >= 0) seen[f.recRunIndex[r]!] = 1;
  for (const a of at.act0) if (f.actRunIndex[a]! >= 0) seen[f.actRunIndex[a]!] = 1;
  seen.forEach((x, i) => x && runIds.add(f.runIds[i]!));
  return {
    rates: [...rates.values()]
      .sort((a, b) => byText(a.currency, b.currency) || a.year - b.year)
      .map((r) => ({ currency: r.currency, year: r.year, rate: r.rate, source: r.source, origin: r.origin, importRunId: r.importRunId })),
    missing: missing.sort((a, b) => byText(a.currency, b.currency) || (a.year ?? Infinity) - (b.year ?? Infinity)),
    runs: [...runIds]
      .map((id) => f.runs.get(id))
      .filter((r): r is NonNullable<typeof r> => r !== undefined)
      .sort((a, b) => byText(a.startedAt, b.startedAt) || byText(a.id, b.id))
      .map((r) => ({ id: r.id, kind: r.kind, file: r.file, sha256: r.sha256, finishedAt: r.finishedAt })),
  };
}

const uncList = (m: Map<string, number>) => [...m].map(([currency, amount]) => ({ currency, amount }));

function figuresOf(p: CoverageParams, r: RawFigures): Figures {
  return {
    recommendations: r.recommendations,
    covered: r.covered,
    coverageRatio: r.recommendations ? r.covered / r.recommendations : 0,
    activities: r.activities,
    donors: r.donors,
    money: { amount: cents(r.money), currency: p.currency },
    unconverted: unconvertedOf(uncList(r.unconverted)),
  };
}

const maskList = (mask: Uint8Array) => {
  const out: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i]) out.push(i);
  return out;
};

/** Figures per combination of keys of `dims` (0: the totals only, 1: groups, 2: a matrix). */
async function figures(db: Db, p: CoverageParams, dims: Dimension[], version: string) {
  const f = await factsOf(db, { kind: 'country', country: p.country! }, version);
  const { at, recOk } = await attributionOf(db, f, p, 'linked');
  const recList = maskList(recOk);
  const g = aggregate(at, recList, dims);
  return {
    cells: g.cells.map((c) => ({ keys: c.keys, figures: figuresOf(p, c.figures) })),
    totals: figuresOf(p, g.totals),
    raw: rawProvenance(at, p, recList),
  } satisfies Computed;
}

// ---------------------------------------------------------------- answers

/** Figures per combination of keys (cells) and the totals, with what they were computed from. */
export interface Computed {
  cells: { keys: (string | null)[]; figures: Figures }[];
  totals: Figures;
  raw: RawProvenance;
}

/** The summary answer from computed figures (one cell per group key): groups labelled and sorted. */
export async function summaryAnswer(db: Db, p: CoverageParams & { groupBy?: Dimension }, g: Computed, dataVersion: string) {
  let groups: (Figures & { key: string | null; label: string })[] | undefined;
  if (p.groupBy) {
    const labels = await labelsOf(db, p.groupBy, g.cells.map((c) => c.keys[0]!));
    groups = g.cells
      .map((c) => ({ key: c.keys[0]!, label: labels.get(c.keys[0]!)!, ...c.figures }))
      .sort((a, b) => b.money.amount - a.money.amount || b.covered - a.covered || (a.key ?? '\uffff').localeCompare(b.key ?? '\uffff'));
  }
  return {
    totals: g.totals,
    groupBy: p.groupBy ?? null,
    ...(groups ? { groups } : {}),
    provenance: provenance(p, g.raw, { country: p.country }, dataVersion),
  };
}

/** The matrix answer from computed figures (cells keyed by row and column): keys labelled, cells sorted. */
export async function matrixAnswer<D extends Dimension>(db: Db, p: CoverageParams & { rows: D; cols: D }, m: Computed, dataVersion: string) {
  const [rowLabels, colLabels] = await Promise.all([
    labelsOf(db, p.rows, m.cells.map((c) => c.keys[0]!)),
    labelsOf(db, p.cols, m.cells.map((c) => c.keys[1]!)),
  ]);
  const order = (a: string | null, b: string | null) => (a ?? '\uffff').localeCompare(b ?? '\uffff');
  const keysOf = (labels: Map<string | null, string>) => [...labels.entries()].map(([key, label]) => ({ key, label })).sort((a, b) => order(a.key, b.key));
  return {
    rows: { dimension: p.rows, keys: keysOf(rowLabels) },
    cols: { dimension: p.cols, keys: keysOf(colLabels) },
    cells: m.cells
      .map((c) => ({
        row: c.keys[0]!,
        col: c.keys[1]!,
        recommendations: c.figures.recommendations,
        covered: c.figures.covered,
        money: c.figures.money,
        unconverted: c.figures.unconverted,
      }))
      .sort((a, b) => order(a.row, b.row) || order(a.col, b.col)),
    provenance: provenance(p, m.raw, { country: p.country }, dataVersion),
  };
}

/** The donors answer from donor rows (one per donor in the country): named and sorted. */
export async function donorsAnswer(db: Db, p: CoverageParams, rows: DonorRaw[], raw: RawProvenance, dataVersion: string) {
  const labels = await labelsOf(db, 'donor', rows.map((r) => r.k));
  const items = rows
    .map((r) => ({ donor: r.k, name: r.k === null ? null : (labels.get(r.k) ?? null), ...donorRow(p, r) }))
    .sort((x, y) => y.moneyInCountry.amount - x.moneyInCountry.amount || y.linkedMoney.amount - x.linkedMoney.amount || (x.donor ?? '').localeCompare(y.donor ?? ''));
  return { items, provenance: provenance(p, raw, { country: p.country }, dataVersion) };
}

/** The alignment answer from rows per country of one donor: countries named, sorted. */
export async function alignmentAnswer(db: Db, donor: string, p: CoverageParams, rows: DonorRaw[], raw: RawProvenance, dataVersion: string) {
  const codes = rows.map((r) => r.k).filter((k): k is string => k !== null);
  const [names, label] = await Promise.all([
    codes.length
      ? queryRows<{ code: string; name: string }>(db, sql`select code, name from countries where code in (${sql.join(codes.map((c) => sql`${c}`), sql`, `)})`)
      : [],
    labelsOf(db, 'donor', [donor]),
  ]);
  const nameOf = new Map(names.map((n) => [n.code, n.name]));
  const items = rows
    .filter((r) => r.k !== null)
    .map((r) => ({ country: r.k!, name: nameOf.get(r.k!) ?? null, ...donorRow(p, r) }))
    .sort((x, y) => y.moneyInCountry.amount - x.moneyInCountry.amount || x.country.localeCompare(y.country));
  return { donor, name: label.get(donor) ?? null, items, provenance: provenance(p, raw, { donor }, dataVersion) };
}

/** GET /v1/coverage: totals, and groups when asked. */
export async function coverageSummary(db: Db, p: CoverageParams & { groupBy?: Dimension }, dataVersion: string) {
  return summaryAnswer(db, p, await figures(db, p, p.groupBy ? [p.groupBy] : [], dataVersion), dataVersion);
}

/** GET /v1/coverage/matrix. */
export async function coverageMatrix<D extends Dimension>(db: Db, p: CoverageParams & { rows: D; cols: D }, dataVersion: string) {
  return matrixAnswer(db, p, await figures(db, p, [p.rows, p.cols], dataVersion), dataVersion);
}

const RESPONSE_RANK: Record<string, number> = { supported: 0, supported_in_part: 1, noted: 2 };
const DAY_1900 = dayOf('1900-01-01');

/** A cursor's sort key: numbers only (an exponent allowed), else the standard bad-cursor problem. */
const NUMBER = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;

/**
 * GET /v1/coverage/recommendations: one row per recommendation, sorted and paginated (keyset on the sort key
 * and the id). Money sorts as shown, to the cent.
 */
export async function coverageByRecommendation(
  db: Db,
  p: CoverageParams & { covered?: boolean; sort: CoverageSort; limit: number; cursor?: string },
  dataVersion: string,
) {
  const after = decodeCursor(p.cursor, 2) as [string[], string] | undefined;
  if (after && (!Array.isArray(after[0]) || typeof after[1] !== 'string' || after[0].some((v) => !NUMBER.test(String(v))))) {
    decodeCursor('!', 2); // throws the standard bad-cursor problem
  }
  const f = await factsOf(db, { kind: 'country', country: p.country! }, dataVersion);
  const { at, recOk } = await attributionOf(db, f, p, 'linked');
  const recList = maskList(recOk);
  const per = perRecommendation(at, recList);
  // Each row's sort key, K numbers (ascending), then the id.
  const K = p.sort === 'money' ? 1 : p.sort === 'activities' ? 2 : 4;
  const keys = new Float64Array(recList.length * K);
  recList.forEach((ri, i) => {
    const o = i * K;
    const money = -cents(per.money[i]!);
    if (p.sort === 'money') keys[o] = money;
    else if (p.sort === 'activities') {
      keys[o] = -per.activities[i]!;
      keys[o + 1] = money;
    } else {
      const rec = f.recs[ri]!;
      keys[o] = RESPONSE_RANK[rec.response ?? ''] ?? 3;
      keys[o + 1] = -rec.echo;
      keys[o + 2] = -(rec.publishedOn ? dayOf(rec.publishedOn) - DAY_1900 : 0);
      keys[o + 3] = -(rec.session ?? 0);
    }
  });
  const compare = (x: number, y: number) => {
    for (let k = 0; k < K; k++) {
      const a = keys[x * K + k]!;
      const b = keys[y * K + k]!;
      if (a !== b) return a < b ? -1 : 1;
    }
    return byText(f.recs[recList[x]!]!.id, f.recs[recList[y]!]!.id);
  };
  const afterKey = after?.[0].map(Number);
  const isAfter = (i: number) => {
    if (!after) return true;
    for (let k = 0; k < K; k++) {
      const a = keys[i * K + k]!;
      const b = afterKey![k];
      if (b === undefined) return true;
      if (a !== b) return a > b;
    }
    return afterKey!.length > K ? false : f.recs[recList[i]!]!.id > after[1];
  };
  const rows: number[] = [];
  for (let i = 0; i < recList.length; i++) if (p.covered === undefined || (per.covered[i] === 1) === p.covered) rows.push(i);
  const total = rows.length;
  const page = rows.filter(isAfter).sort(compare).slice(0, p.limit + 1);
  const items = page.slice(0, p.limit);
  const last = items[items.length - 1];
  return {
    items: items.map((i) => {
      const rec = f.recs[recList[i]!]!;
      return {
        id: rec.id,
        mechanism: rec.mechanism,
        body: rec.body,
        response: rec.response,
        themes: rec.themes,
        text: rec.text,
        covered: per.covered[i] === 1,
        activities: per.activities[i]!,
        donors: per.donors[i]!,
        money: { amount: cents(per.money[i]!), currency: p.currency },
        unconverted: unconvertedOf(uncList(per.unconverted.get(i) ?? new Map())),
      };
    }),
    nextCursor:
      page.length > p.limit && last !== undefined
        ? encodeCursor([Array.from(keys.subarray(last * K, last * K + K), String), f.recs[recList[last]!]!.id])
        : null,
    total,
    provenance: provenance(p, rawProvenance(at, p, recList), { country: p.country }, dataVersion),
  };
}

const donorRaw = (d: DonorFigures): DonorRaw => ({
  k: d.key,
  money_in: d.moneyIn,
  linked: d.linked,
  activities: d.activities,
  links: d.links,
  recs: d.recommendations,
  unc_in: uncList(d.uncIn),
  unc_linked: uncList(d.uncLinked),
});

/** GET /v1/coverage/donors: every donor with activities in the country. */
export async function coverageByDonor(db: Db, p: CoverageParams, dataVersion: string) {
  const f = await factsOf(db, { kind: 'country', country: p.country! }, dataVersion);
  const { at, recOk } = await attributionOf(db, f, p, 'all');
  const rows = donorFigures(at, 'donor', hasPeriod(p), p.from, p.to).map(donorRaw);
  return donorsAnswer(db, p, rows, rawProvenance(at, p, maskList(recOk)), dataVersion);
}

/** GET /v1/donors/{ref}/alignment: one donor across every country it works in. */
export async function donorAlignment(db: Db, donor: string, p: CoverageParams, dataVersion: string) {
  const q = { ...p, donor: undefined };
  const f = await factsOf(db, { kind: 'donor', donor }, dataVersion);
  const { at, recOk } = await attributionOf(db, f, q, 'all');
  const rows = donorFigures(at, 'country', hasPeriod(q), q.from, q.to).map(donorRaw);
  // The recommendations in scope: those of the counted links that pass the recommendation filters.
  const recs = maskList(at.countedRecs.map((c, r) => c & recOk[r]!));
  return alignmentAnswer(db, donor, q, rows, rawProvenance(at, q, recs), dataVersion);
}
