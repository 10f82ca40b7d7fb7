/**
 * The facts the coverage engine (coverage.engine.ts) reads, loaded from the database once per data version and
 * scope (a country, or a donor for its alignment), in one read-only REPEATABLE READ transaction, so that they are
 * one consistent snapshot and carry the version they were read at.
 *
 * Freshness: every coverage answer first reads the data version (coverage_inputs, bumped by triggers in every
 * writer's own transaction); facts of another version are never used, they are reloaded. A new link, weight,
 * rate or import therefore shows in the very next answer. Facts are kept per database handle, a few scopes at a
 * time (least recently used first out), and a load in progress is shared by the requests that wait for it.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { queryRows } from '../../db/query.js';
import { BASIS_CODES, dayOf, NO_DATE, STATUS_CODES, rateKey, type Facts, type RateFacts, type RecFacts, type RunFacts } from './coverage.engine.js';

type Scope = Facts['scope'];

/** The version of every input coverage reads: bumped by triggers in the writers' own transactions. */
export const dataVersionSql = sql`select string_agg(source || ':' || version, ',' order by source) as v from coverage_inputs`;

export async function dataVersion(db: Db): Promise<string> {
  const [row] = await queryRows<{ v: string | null }>(db, dataVersionSql);
  return row?.v ?? '';
}

interface ActRow extends Record<string, unknown> {
  id: string;
  donor: string | null;
  run: string | null;
  start: string | null;
  end: string | null;
  sectors: string[] | null;
  in_scope: boolean;
}
interface MoneyRow extends Record<string, unknown> {
  activity_id: string;
  country: string;
  type: string;
  d: number | null;
  year: number | null;
  currency: string;
  amount: number;
}
interface LinkRow extends Record<string, unknown> {
  activity_id: string;
  recommendation_id: string;
  country: string;
  weight: number;
  status: string;
  confidence: number | null;
}
interface SuggRow extends Record<string, unknown> {
  activity_id: string;
  recommendation_id: string;
  country: string;
  score: number;
}

/** The instruments a recommendation speaks to: the obligations module's rule (obligations.queries.ts). */
const instrumentsOf = sql`(case when r.mechanism = 'TB'
  then array(select xi.code from instruments xi where xi.recommendation_body = r.body)
  else array(select distinct xt.instrument from theme_instrument xt where xt.theme = any(r.themes)) end)`;

/** Money rows as columns (activity as its index among the facts' activities; strings shared). */
interface MoneyColumns {
  act: number[];
  country: string[];
  basis: number[];
  d: number[];
  year: (number | null)[];
  currency: string[];
  amount: number[];
}

/** Rows read per FETCH: a scope's money rows are read through a cursor, never all held as row objects at once. */
const MONEY_CHUNK = 20_000;

/**
 * Reads the money rows of `query` through a cursor, MONEY_CHUNK at a time, into columns; rows of activities that
 * are not in `acts` are dropped.
 */
async function readMoney(tx: Db, query: SQL, acts: ActRow[]): Promise<MoneyColumns> {
  const index = new Map(acts.map((a, i) => [a.id, i]));
  const strings = new Map<string, string>();
  const intern = (x: string) => {
    const held = strings.get(x);
    if (held !== undefined) return held;
    strings.set(x, x);
    return x;
  };
  const out: MoneyColumns = { act: [], country: [], basis: [], d: [], year: [], currency: [], amount: [] };
  await tx.execute(sql`declare coverage_facts_money no scroll cursor for ${query}`);
  for (;;) {
    const rows = await queryRows<MoneyRow>(tx, sql.raw(`fetch forward ${MONEY_CHUNK} from coverage_facts_money`));
    for (const m of rows) {
      const a = index.get(m.activity_id);
      if (a === undefined) continue;
      out.act.push(a);
      out.country.push(intern(m.country));
      out.basis.push(m.type === '2' ? BASIS_CODES.commitment : BASIS_CODES.disbursement);
      out.d.push(m.d === null ? NO_DATE : Number(m.d));
      out.year.push(m.year === null ? null : Number(m.year));
      out.currency.push(intern(m.currency));
      out.amount.push(Number(m.amount));
    }
    if (rows.length < MONEY_CHUNK) break;
  }
  await tx.execute(sql`close coverage_facts_money`);
  return out;
}

type RateRow = { currency: string; year: number; rate: number; source: string; origin: string; import_run_id: string | null };
type RunRow = { id: string; kind: string; file: string; sha256: string | null; finished_at: string | null; started_at: string };

/** The scope's live links and its open suggestions without a live link. */
async function linkRows(tx: Db, scope: Scope): Promise<{ links: LinkRow[]; suggs: SuggRow[] }> {
  const where =
    scope.kind === 'country'
      ? { l: sql`l.country = ${scope.country}`, s: sql`s.country = ${scope.country}` }
      : {
          l: sql`l.activity_id in (select iati_identifier from activities where reporting_org_ref = ${scope.donor})`,
          s: sql`s.activity_id in (select iati_identifier from activities where reporting_org_ref = ${scope.donor})`,
        };
  const links = await queryRows<LinkRow>(
    tx,
    sql`select l.activity_id, l.recommendation_id, l.country, l.weight::float8 as weight, l.status, l.confidence::float8 as confidence
        from links l where ${where.l} and l.retired_at is null order by l.activity_id, l.recommendation_id`,
  );
  const suggs = await queryRows<SuggRow>(
    tx,
    sql`select s.activity_id, s.recommendation_id, s.country, s.score::float8 as score
        from suggestions s where ${where.s} and s.status = 'open'
          and not exists (select 1 from links l where l.activity_id = s.activity_id and l.recommendation_id = s.recommendation_id and l.retired_at is null)
        order by s.activity_id, s.recommendation_id`,
  );
  return { links, suggs };
}

async function rateAndRunRows(tx: Db): Promise<{ rates: RateRow[]; runs: RunRow[] }> {
  const rates = await queryRows<RateRow>(tx, sql`select currency, year, units_per_usd::float8 as rate, source, origin, import_run_id from exchange_rates`);
  const runs = await queryRows<RunRow>(
    tx,
    sql`select id, kind, file_name as file, sha256, finished_at::text as finished_at,
          to_char(started_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') as started_at from import_runs`,
  );
  return { rates, runs };
}

/**
 * Inputs whose change does not need the whole scope reloaded: links and suggestions (the links and suggestions
 * are reloaded), rates and import runs (the rates and runs are).
 */
const LINK_SOURCES = new Set(['links', 'suggestions']);
const RATE_SOURCES = new Set(['exchange_rates', 'import_runs']);

/** A data version ("source:counter,…", dataVersionSql) as counters per source. */
function parseVersion(v: string): Map<string, number> {
  return new Map(
    v
      .split(',')
      .filter(Boolean)
      .map((p) => {
        const i = p.lastIndexOf(':');
        return [p.slice(0, i), Number(p.slice(i + 1))] as const;
      }),
  );
}

/** The sources whose counter differs between two versions (null: a source disappeared, never expected). */
function changedSources(before: string, after: string): string[] | null {
  const a = parseVersion(before);
  const b = parseVersion(after);
  for (const k of a.keys()) if (!b.has(k)) return null;
  return [...b].filter(([k, n]) => a.get(k) !== n).map(([k]) => k);
}

async function loadFacts(db: Db, scope: Scope, previous?: Facts): Promise<Facts> {
  return db.transaction(
    async (tx0) => {
      const tx = tx0 as unknown as Db;
      const [v] = await queryRows<{ v: string | null }>(tx, dataVersionSql);
      const version = v?.v ?? '';
      // Only links, suggestions, rates or import runs changed since the facts held: reload those alone.
      const changed = previous ? changedSources(previous.version, version) : null;
      if (previous && changed && changed.every((c) => LINK_SOURCES.has(c) || RATE_SOURCES.has(c))) {
        const l = changed.some((c) => LINK_SOURCES.has(c)) ? await linkRows(tx, scope) : undefined;
        const r = changed.some((c) => RATE_SOURCES.has(c)) ? await rateAndRunRows(tx) : undefined;
        const patched = patch(previous, version, l, r);
        if (patched) return patched;
      }
      let acts: ActRow[];
      let money: MoneyColumns;
      let recRows: Record<string, unknown>[];
      const { links, suggs } = await linkRows(tx, scope);
      if (scope.kind === 'country') {
        const C = scope.country;
        acts = await queryRows<ActRow>(
          tx,
          sql`select a.iati_identifier as id, a.reporting_org_ref as donor, a.import_run_id as run,
                coalesce(a.actual_start, a.planned_start)::text as start, coalesce(a.actual_end, a.planned_end)::text as "end",
                a.sector_codes as sectors, a.country_codes @> array[${C}]::text[] as in_scope
              from activities a
              where a.iati_identifier in (
                select x.iati_identifier from activities x where x.country_codes @> array[${C}]::text[]
                union select l.activity_id from links l where l.country = ${C} and l.retired_at is null
                union select s.activity_id from suggestions s where s.country = ${C} and s.status = 'open')
              order by a.iati_identifier`,
        );
        money = await readMoney(
          tx,
          sql`select activity_id, country, type, (date - date '1970-01-01') as d, year, currency, amount::float8 as amount
              from coverage_tx_shares where country = ${C} order by activity_id, position`,
          acts,
        );
        recRows = await queryRows(
          tx,
          sql`select r.id, r.country, r.mechanism, r.body, r.cycle, r.response, r.themes, r.affected_persons, r.sdg_goals,
                ${instrumentsOf} as instruments, r.import_run_id, r.text, r.session, r.published_on::text as published_on, r.document_symbol
              from recommendations r where r.country = ${C} order by r.id`,
        );
      } else {
        const D = scope.donor;
        acts = await queryRows<ActRow>(
          tx,
          sql`select a.iati_identifier as id, a.reporting_org_ref as donor, a.import_run_id as run,
                coalesce(a.actual_start, a.planned_start)::text as start, coalesce(a.actual_end, a.planned_end)::text as "end",
                a.sector_codes as sectors, true as in_scope
              from activities a where a.reporting_org_ref = ${D} order by a.iati_identifier`,
        );
        const donorActs = sql`(select iati_identifier from activities where reporting_org_ref = ${D})`;
        money = await readMoney(
          tx,
          sql`select activity_id, country, type, (date - date '1970-01-01') as d, year, currency, amount::float8 as amount
              from coverage_tx_shares where activity_id in ${donorActs} order by activity_id, position, country`,
          acts,
        );
        // The alignment reads only the ids and import runs of the recommendations its links reach.
        recRows = await queryRows(
          tx,
          sql`select r.id, r.country, r.import_run_id from recommendations r
              where r.id in (select recommendation_id from links where activity_id in ${donorActs} and retired_at is null
                             union select recommendation_id from suggestions where activity_id in ${donorActs} and status = 'open')
              order by r.id`,
        );
      }
      const { rates, runs } = await rateAndRunRows(tx);
      return build(version, scope, acts, money, links, suggs, recRows, rates, runs);
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

function build(
  version: string,
  scope: Scope,
  acts: ActRow[],
  money: MoneyColumns,
  links: LinkRow[],
  suggs: SuggRow[],
  recRows: Record<string, unknown>[],
  rateRows: RateRow[],
  runRows: RunRow[],
): Facts {
  const actIndex = new Map<string, number>();
  acts.forEach((a, i) => actIndex.set(a.id, i));
  // (activity, country) slots, then (currency, year) pairs.
  const countries: string[] = [];
  const slotAct: number[] = [];
  const slotCountry: number[] = [];
  const slots: Slots = { countries, slotAct, slotCountry, country: new Map(), slot: new Map() };
  if (scope.kind === 'country') countryOf(slots, scope.country);
  const slotOf = (act: number, country: string) => slotIn(slots, act, country);
  const pairKeys = new Map<string, number>();
  const pairCurrency: string[] = [];
  const pairYear: (number | null)[] = [];
  const pairOf = (currency: string, year: number | null) => {
    const k = `${currency}|${year ?? ''}`;
    let p = pairKeys.get(k);
    if (p === undefined) {
      p = pairCurrency.length;
      pairCurrency.push(currency);
      pairYear.push(year);
      pairKeys.set(k, p);
    }
    return p;
  };

  // Money rows in activity order (rows of activities outside the facts are dropped), then in buckets.
  const n = acts.length;
  const m = money.act.length;
  const rowAct = Int32Array.from(money.act);
  const rowSlot = new Int32Array(m);
  const rowPair = new Int32Array(m);
  for (let r = 0; r < m; r++) {
    rowSlot[r] = slotOf(money.act[r]!, money.country[r]!);
    rowPair[r] = pairOf(money.currency[r]!, money.year[r]!);
  }
  const rowBasis = Uint8Array.from(money.basis);
  const dates = Int32Array.from(money.d);
  const amounts = Float64Array.from(money.amount);
  const buckets = bucketise(n, rowAct, rowSlot, rowBasis, rowPair, dates, amounts);

  // Recommendations (with the echo count of the priority sort: same themes, distinct mechanism, body, session).
  const recs: RecFacts[] = recRows.map((r) => ({
    id: r.id as string,
    mechanism: (r.mechanism ?? 'UPR') as RecFacts['mechanism'],
    body: (r.body ?? '') as string,
    cycle: r.cycle === null || r.cycle === undefined ? null : Number(r.cycle),
    response: (r.response ?? null) as string | null,
    themes: (r.themes ?? []) as string[],
    affectedPersons: (r.affected_persons ?? []) as string[],
    sdgGoals: (r.sdg_goals ?? []) as string[],
    instruments: (r.instruments ?? []) as string[],
    importRunId: (r.import_run_id ?? null) as string | null,
    text: (r.text ?? '') as string,
    session: r.session === null || r.session === undefined ? null : Number(r.session),
    publishedOn: (r.published_on ?? null) as string | null,
    echo: 1,
  }));
  if (scope.kind === 'country') {
    const echoes = new Map<string, Set<string>>();
    const themeKey = (r: RecFacts) => [...r.themes].sort().join('\u0000');
    recRows.forEach((row, i) => {
      const r = recs[i]!;
      if (!r.themes.length) return;
      const k = themeKey(r);
      let s = echoes.get(k);
      if (!s) echoes.set(k, (s = new Set()));
      s.add(`${r.mechanism}|${r.body}|${r.session ?? (row.document_symbol as string | null) ?? r.publishedOn ?? ''}`);
    });
    for (const r of recs) if (r.themes.length) r.echo = echoes.get(themeKey(r))!.size;
  }
  const recIndex = new Map<string, number>();
  recs.forEach((r, i) => recIndex.set(r.id, i));

  const index: FactsIndex = { act: actIndex, rec: recIndex, slot: slots.slot, country: slots.country };
  const lf = linkFacts(links, suggs, index, slots)!;

  const { rates, runs } = rateFacts(rateRows, runRows);

  return {
    version,
    scope,
    actIds: acts.map((a) => a.id),
    actDonor: acts.map((a) => a.donor),
    ...donorIndex(acts.map((a) => a.donor)),
    ...runIndex(acts.map((a) => a.run), recs.map((r) => r.importRunId)),
    actStartDay: Int32Array.from(acts, (a) => (a.start ? dayOf(a.start) : NO_DATE)),
    actEndDay: Int32Array.from(acts, (a) => (a.end ? dayOf(a.end) : NO_DATE)),
    actSectors: acts.map((a) => a.sectors ?? []),
    actInScope: Uint8Array.from(acts, (a) => (a.in_scope ? 1 : 0)),
    ...buckets,
    pairCurrency,
    pairYear,
    ...lf,
    recs,
    rates,
    runs,
    index,
  };
}

/** What a partial reload needs to place new links: the facts' indexes (shared, never changed in place). */
export type FactsIndex = Facts['index'];

/** Countries and (activity, country) slots being numbered: the arrays, and their indexes (appended to). */
interface Slots {
  countries: string[];
  slotAct: number[];
  slotCountry: number[];
  country: Map<string, number>;
  slot: Map<number, number>;
}

function countryOf(s: Slots, code: string): number {
  let i = s.country.get(code);
  if (i === undefined) {
    i = s.countries.length;
    s.countries.push(code);
    s.country.set(code, i);
  }
  return i;
}

/** The slot of (activity, country), numbered on first sight (countries are fewer than 4,096). */
function slotIn(s: Slots, act: number, country: string): number {
  const c = countryOf(s, country);
  const k = act * 4096 + c;
  let slot = s.slot.get(k);
  if (slot === undefined) {
    slot = s.slotAct.length;
    s.slotAct.push(act);
    s.slotCountry.push(c);
    s.slot.set(k, slot);
  }
  return slot;
}

/**
 * Links and suggestions as arrays over the facts' activities, recommendations and slots. New (activity,
 * country) slots are appended to slotAct / slotCountry (and new countries to `countries`); null when a link's
 * activity is not among the facts' (then the scope is reloaded whole).
 */
function linkFacts(links: LinkRow[], suggs: SuggRow[], index: FactsIndex, slots: Slots) {
  const slotOf = (act: number, country: string) => slotIn(slots, act, country);
  const linkAct = new Int32Array(links.length);
  const linkRec = new Int32Array(links.length);
  const linkSlot = new Int32Array(links.length);
  const linkWeight = new Float64Array(links.length);
  const linkStatus = new Uint8Array(links.length);
  const linkConfidence = new Float64Array(links.length);
  for (let i = 0; i < links.length; i++) {
    const l = links[i]!;
    const a = index.act.get(l.activity_id);
    if (a === undefined) return null;
    linkAct[i] = a;
    linkRec[i] = index.rec.get(l.recommendation_id) ?? -1;
    linkSlot[i] = slotOf(a, l.country);
    linkWeight[i] = Number(l.weight);
    linkStatus[i] = STATUS_CODES[l.status] ?? 2;
    linkConfidence[i] = l.confidence === null ? NaN : Number(l.confidence);
  }
  const suggAct = new Int32Array(suggs.length);
  const suggRec = new Int32Array(suggs.length);
  const suggSlot = new Int32Array(suggs.length);
  const suggScore = new Float64Array(suggs.length);
  for (let i = 0; i < suggs.length; i++) {
    const x = suggs[i]!;
    const a = index.act.get(x.activity_id);
    if (a === undefined) return null;
    suggAct[i] = a;
    suggRec[i] = index.rec.get(x.recommendation_id) ?? -1;
    suggSlot[i] = slotOf(a, x.country);
    suggScore[i] = Number(x.score);
  }
  return {
    linkAct,
    linkRec,
    linkSlot,
    linkWeight,
    linkStatus,
    linkConfidence,
    suggAct,
    suggRec,
    suggSlot,
    suggScore,
    countries: slots.countries,
    slotAct: Int32Array.from(slots.slotAct),
    slotCountry: Int32Array.from(slots.slotCountry),
  };
}

function rateFacts(rateRows: RateRow[], runRows: RunRow[]) {
  const rates = new Map<string, RateFacts>();
  for (const r of rateRows) {
    rates.set(rateKey(r.currency, Number(r.year)), {
      currency: r.currency,
      year: Number(r.year),
      rate: Number(r.rate),
      source: r.source,
      origin: r.origin,
      importRunId: r.import_run_id,
    });
  }
  const runs = new Map<string, RunFacts>();
  for (const r of runRows) runs.set(r.id, { id: r.id, kind: r.kind, file: r.file, sha256: r.sha256, finishedAt: r.finished_at, startedAt: r.started_at });
  return { rates, runs };
}

/**
 * The previous facts with new links and suggestions and / or new rates and runs, at `version`; null when the new
 * links reach an activity the facts do not hold. The previous facts are not changed: answers still computing
 * from them are unaffected.
 */
function patch(prev: Facts, version: string, l?: { links: LinkRow[]; suggs: SuggRow[] }, r?: { rates: RateRow[]; runs: RunRow[] }): Facts | null {
  let next: Facts = { ...prev, version };
  if (l) {
    const slots: Slots = {
      countries: [...prev.countries],
      slotAct: Array.from(prev.slotAct),
      slotCountry: Array.from(prev.slotCountry),
      country: new Map(prev.index.country),
      slot: new Map(prev.index.slot),
    };
    const index: FactsIndex = { act: prev.index.act, rec: prev.index.rec, slot: slots.slot, country: slots.country };
    const lf = linkFacts(l.links, l.suggs, index, slots);
    if (!lf) return null;
    next = { ...next, ...lf, index };
  }
  if (r) next = { ...next, ...rateFacts(r.rates, r.runs) };
  return next;
}

/**
 * Buckets of money rows (Facts.bucketStart): per activity, one per (basis, slot, pair), in that order; each
 * bucket's rows contiguous and in their original order, so a bucket's sum is the sum of its rows read in order.
 */
function bucketise(n: number, rowAct: Int32Array, rowSlot: Int32Array, rowBasis: Uint8Array, rowPair: Int32Array, dates: Int32Array, amounts: Float64Array) {
  const order = Array.from(rowAct.keys()).sort(
    (x, y) => rowAct[x]! - rowAct[y]! || rowBasis[x]! - rowBasis[y]! || rowSlot[x]! - rowSlot[y]! || rowPair[x]! - rowPair[y]! || x - y,
  );
  const bucketStart = new Int32Array(n + 1);
  const slot: number[] = [];
  const pair: number[] = [];
  const basis: number[] = [];
  const first: number[] = [];
  const last: number[] = [];
  const undated: number[] = [];
  const amount: number[] = [];
  const rowStarts: number[] = [];
  const rowDate = new Int32Array(order.length);
  const rowAmount = new Float64Array(order.length);
  let prev = -1;
  order.forEach((r, w) => {
    if (prev < 0 || rowAct[r] !== rowAct[prev] || rowBasis[r] !== rowBasis[prev] || rowSlot[r] !== rowSlot[prev] || rowPair[r] !== rowPair[prev]) {
      slot.push(rowSlot[r]!);
      pair.push(rowPair[r]!);
      basis.push(rowBasis[r]!);
      first.push(NO_DATE);
      last.push(NO_DATE);
      undated.push(0);
      amount.push(0);
      rowStarts.push(w);
      bucketStart[rowAct[r]! + 1]!++;
    }
    const c = slot.length - 1;
    rowDate[w] = dates[r]!;
    rowAmount[w] = amounts[r]!;
    amount[c] = amount[c]! + amounts[r]!;
    const d = dates[r]!;
    if (d === NO_DATE) undated[c]!++;
    else {
      if (first[c] === NO_DATE || d < first[c]!) first[c] = d;
      if (last[c] === NO_DATE || d > last[c]!) last[c] = d;
    }
    prev = r;
  });
  for (let a = 0; a < n; a++) bucketStart[a + 1]! += bucketStart[a]!;
  rowStarts.push(order.length);
  return {
    bucketStart,
    bucketSlot: Int32Array.from(slot),
    bucketPair: Int32Array.from(pair),
    bucketBasis: Uint8Array.from(basis),
    bucketFirst: Int32Array.from(first),
    bucketLast: Int32Array.from(last),
    bucketUndated: Int32Array.from(undated),
    bucketAmount: Float64Array.from(amount),
    bucketRowStart: Int32Array.from(rowStarts),
    rowDate,
    rowAmount,
  };
}

/** Each activity's donor as an index into the list of distinct donors (-1: none). */
function donorIndex(donorOf: (string | null)[]) {
  const donors: string[] = [];
  const index = new Map<string, number>();
  const actDonorIndex = Int32Array.from(donorOf, (d) => {
    if (d === null) return -1;
    let i = index.get(d);
    if (i === undefined) {
      i = donors.length;
      donors.push(d);
      index.set(d, i);
    }
    return i;
  });
  return { actDonorIndex, donors };
}

/** The import runs of activities and recommendations as indexes into one list of run ids (-1: none). */
function runIndex(actRuns: (string | null)[], recRuns: (string | null)[]) {
  const runIds: string[] = [];
  const index = new Map<string, number>();
  const of = (id: string | null) => {
    if (id === null) return -1;
    let i = index.get(id);
    if (i === undefined) {
      i = runIds.length;
      runIds.push(id);
      index.set(id, i);
    }
    return i;
  };
  return { actRunIndex: Int32Array.from(actRuns, of), recRunIndex: Int32Array.from(recRuns, of), runIds };
}

/**
 * How much one database handle keeps: facts of at most MAX_SCOPES scopes, and of fewer while their rows (money
 * rows, links, suggestions, activities, recommendations: about 60 bytes each) add up to more than MAX_ROWS; the
 * least recently used go first, never the one just loaded.
 */
const MAX_SCOPES = 32;
const MAX_ROWS = 6_000_000;

const sizeOf = (f: Facts) => f.rowAmount.length + f.linkAct.length + f.suggAct.length + f.actIds.length + f.recs.length;

/** Facts per database handle and scope, the newest version only; loads in progress are shared. */
const stores = new WeakMap<Db, Map<string, { load: Promise<Facts>; size: number }>>();

/**
 * The scope's facts at `version` (or newer: a load reads the version current when it starts). Facts of an older
 * version are never returned.
 */
export async function factsOf(db: Db, scope: Scope, version: string): Promise<Facts> {
  let store = stores.get(db);
  if (!store) stores.set(db, (store = new Map()));
  const key = scope.kind === 'country' ? `c:${scope.country}` : `d:${scope.donor}`;
  const held = store.get(key);
  if (held) {
    const f = await held.load.catch(() => undefined);
    if (f && (f.version === version || newer(f.version, version))) {
      if (store.get(key) === held) {
        store.delete(key);
        store.set(key, held);
      }
      return f;
    }
    // Another request may have started the reload meanwhile.
    const now = store.get(key);
    if (now && now !== held) return factsOf(db, scope, version);
  }
  // A reload starts from the facts held, so that a change of links or rates alone reloads only those.
  const previous = held ? await held.load.catch(() => undefined) : undefined;
  const again = store.get(key);
  if (again && again !== held) return factsOf(db, scope, version);
  const entry = { load: loadFacts(db, scope, previous), size: 0 };
  store.delete(key);
  store.set(key, entry);
  const s = store;
  entry.load.then(
    (f) => {
      entry.size = sizeOf(f);
      let total = 0;
      for (const e of s.values()) total += e.size;
      for (const [k, e] of s) {
        if (s.size <= MAX_SCOPES && total <= MAX_ROWS) break;
        if (e === entry) continue;
        total -= e.size;
        s.delete(k);
      }
    },
    () => {
      if (s.get(key) === entry) s.delete(key);
    },
  );
  return entry.load;
}

/** True when version a is at least as new as b in every source and newer in one (coverage_inputs only grows). */
function newer(a: string, b: string): boolean {
  const x = parseVersion(a);
  const y = parseVersion(b);
  let more = false;
  for (const [k, n] of y) {
    const m = x.get(k);
    if (m === undefined || m < n) return false;
    if (m > n) more = true;
  }
  return more || x.size > y.size;
}
