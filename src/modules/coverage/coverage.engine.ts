/**
 * The coverage method (DOMAIN.md, "Coverage: the method"; README "Coverage") computed in process over the facts
 * of one country or one donor (coverage.facts.ts), loaded once per data version. Pure: no SQL, no HTTP.
 *
 * The same rules as the SQL formulation (coverage.sql.ts), which the tests hold it to on random data:
 *   counted links  live links of the asked statuses (a suggested link at or above minScore when one is given),
 *                  plus, with links=suggested, open suggestions at or above minScore without a live link, as
 *                  links of weight 1; only links of activities passing the activity filters
 *   act0           the activities looked at: linked ones (coverage answers), every activity in the country and
 *                  every linked one (donor answers), every activity of the donor (alignment)
 *   money          an activity's rows of the basis (each transaction × the country's share, coverage_tx_shares)
 *                  dated in the period, summed per (country, currency, rate year), converted through US dollars
 *                  with the rate of the year; no rate: kept in its own currency (unconverted)
 *   attribution    each counted link to a recommendation in scope gets weight ÷ max(1, Σ weights of the
 *                  activity's counted links in the country) of the activity's money there; with a period only
 *                  when the activity's dates overlap it or it has money in it
 */
import type { Dimension } from './coverage.schemas.js';

export const NO_DATE = -2147483648;
/** Link statuses as stored in Facts.linkStatus. */
export const STATUS_CODES: Record<string, number> = { accepted: 0, suggested: 1, rejected: 2 };
/** Basis of a money row: 0 disbursement (types 3 and 4), 1 commitment (type 2). */
export const BASIS_CODES = { disbursement: 0, commitment: 1 } as const;

export interface RecFacts {
  id: string;
  mechanism: 'UPR' | 'TB' | 'SP';
  body: string;
  cycle: number | null;
  response: string | null;
  themes: string[];
  affectedPersons: string[];
  sdgGoals: string[];
  /** The instruments the recommendation speaks to (the obligations module's rule). */
  instruments: string[];
  importRunId: string | null;
  text: string;
  session: number | null;
  publishedOn: string | null;
  /** Recommendations of the country with the same themes, counted by distinct mechanism, body and session. */
  echo: number;
}

export interface RateFacts {
  currency: string;
  year: number;
  rate: number;
  source: string;
  origin: string;
  importRunId: string | null;
}

export interface RunFacts {
  id: string;
  kind: string;
  file: string;
  sha256: string | null;
  finishedAt: string | null;
  /** Start time as sortable text (UTC, microseconds). */
  startedAt: string;
}

/** Everything one scope's answers read, as of one data version. */
export interface Facts {
  version: string;
  scope: { kind: 'country'; country: string } | { kind: 'donor'; donor: string };
  actIds: string[];
  actDonor: (string | null)[];
  /** The activity's donor as an index into `donors` (-1: none). */
  actDonorIndex: Int32Array;
  donors: string[];
  /** Import runs of the activities and of the recommendations, as indexes into runIds (-1: none). */
  actRunIndex: Int32Array;
  recRunIndex: Int32Array;
  runIds: string[];
  /** The activity's start and end (actual, else planned) as days since 1970-01-01 (NO_DATE: none). */
  actStartDay: Int32Array;
  actEndDay: Int32Array;
  actSectors: string[][];
  /** 1 when the activity works in the scope's country (country scope), always 1 in donor scope. */
  actInScope: Uint8Array;
  /**
   * Money buckets of activity a: bucketStart[a] .. bucketStart[a + 1], one per (basis, country slot, currency
   * and year pair), with the first and last date of their rows, how many rows are undated, and their sum. A
   * period takes a bucket whole when it holds all its rows, skips it when it holds none, and reads the rows of
   * the buckets it cuts: rows bucketRowStart[b] .. bucketRowStart[b + 1].
   */
  bucketStart: Int32Array;
  bucketSlot: Int32Array;
  bucketPair: Int32Array;
  bucketBasis: Uint8Array;
  /** NO_DATE when no row of the bucket is dated. */
  bucketFirst: Int32Array;
  bucketLast: Int32Array;
  bucketUndated: Int32Array;
  bucketAmount: Float64Array;
  bucketRowStart: Int32Array;
  rowDate: Int32Array;
  rowAmount: Float64Array;
  countries: string[];
  /** (currency, rate year) pairs; the year is null when the transaction has neither value date nor date. */
  pairCurrency: string[];
  pairYear: (number | null)[];
  /** (activity, country) slots: of every money row, link and suggestion. */
  slotAct: Int32Array;
  slotCountry: Int32Array;
  linkSlot: Int32Array;
  suggSlot: Int32Array;
  linkAct: Int32Array;
  linkRec: Int32Array;
  linkWeight: Float64Array;
  linkStatus: Uint8Array;
  /** NaN when the link has no confidence. */
  linkConfidence: Float64Array;
  /** Open suggestions whose pair has no live link. */
  suggAct: Int32Array;
  suggRec: Int32Array;
  suggScore: Float64Array;
  recs: RecFacts[];
  rates: Map<string, RateFacts>;
  runs: Map<string, RunFacts>;
  /** Identifiers to indexes, for a partial reload (coverage.facts.ts); never changed in place. */
  index: { act: Map<string, number>; rec: Map<string, number>; slot: Map<number, number>; country: Map<string, number> };
}

export const rateKey = (currency: string, year: number) => `${currency}|${year}`;

export interface EngineRequest {
  statuses: ('accepted' | 'suggested')[];
  minScore?: number;
  basis: 'disbursement' | 'commitment';
  currency: string;
  from?: string;
  to?: string;
  /** Recommendations in scope (by index into Facts.recs). */
  recOk: Uint8Array;
  /** Activities passing the activity filters. */
  actOk: Uint8Array;
  /** linked: coverage answers; all: donor answers and the alignment (every activity of the scope). */
  activities: 'linked' | 'all';
}

export interface Attribution {
  f: Facts;
  act0: number[];
  /** Per (activity, country) slot: converted money, whether any amount is not zero, whether it has rows. */
  slotMoney: Float64Array;
  slotHasMoney: Uint8Array;
  slotHasRows: Uint8Array;
  /** Unconverted money of a slot, per currency. */
  slotUnconverted: Map<number, Map<string, number>>;
  /** 1 for the slots with unconverted money. */
  slotHasUnconverted: Uint8Array;
  /** Per (currency, year) pair: amounts converted with it (used), amounts left unconverted (missing). */
  pairUsed: Uint8Array;
  pairMissing: Uint8Array;
  /** 1 for the recommendations of the counted links (whatever the recommendation filters). */
  countedRecs: Uint8Array;
  /** The attributed links. */
  attrRec: Int32Array;
  attrAct: Int32Array;
  attrSlot: Int32Array;
  attrFactor: Float64Array;
  attrMoney: Float64Array;
}

const DAY = 86_400_000;
export const dayOf = (iso: string) => {
  const [y, m, d] = iso.split('-').map(Number);
  return Math.round(Date.UTC(y!, m! - 1, d!) / DAY);
};

type Scratch = Int32Array | Float64Array | Uint8Array;
const scratches = new WeakMap<Facts, Map<string, Scratch>>();

/**
 * A work array of the facts, reused from request to request so that an answer allocates less (at L the
 * alignment's counted links alone are 143,000). Only for arrays used and dropped within one synchronous call:
 * never returned, never held across an await. Filled with `fill` before use.
 */
function scratch<T extends Scratch>(f: Facts, name: string, make: (n: number) => T, length: number, fill: number): T {
  let m = scratches.get(f);
  if (!m) scratches.set(f, (m = new Map()));
  let a = m.get(name) as T | undefined;
  if (!a || a.length < length) m.set(name, (a = make(Math.ceil(length * 1.25))));
  return a.fill(fill, 0, length) as T;
}
const int32 = (n: number) => new Int32Array(n);
const float64 = (n: number) => new Float64Array(n);
const uint8 = (n: number) => new Uint8Array(n);

/** The method's attribution for one request: money per activity, counted links and their shares. */
export function attribute(f: Facts, q: EngineRequest): Attribution {
  const statusOk = new Uint8Array(3);
  for (const st of q.statuses) statusOk[STATUS_CODES[st]!] = 1;
  const suggested = q.statuses.includes('suggested');
  const minScore = q.minScore ?? 0;
  const hasPeriod = q.from !== undefined || q.to !== undefined;
  const fromD = q.from ? dayOf(q.from) : -Infinity;
  const toD = q.to ? dayOf(q.to) : Infinity;
  const nSlots = f.slotAct.length;

  // Counted links (cl).
  const nCl = f.linkAct.length + (suggested ? f.suggAct.length : 0);
  const clAct = scratch(f, 'clAct', int32, nCl, 0);
  const clRec = scratch(f, 'clRec', int32, nCl, 0);
  const clSlot = scratch(f, 'clSlot', int32, nCl, 0);
  const clWeight = scratch(f, 'clWeight', float64, nCl, 0);
  let cl = 0;
  for (let i = 0; i < f.linkAct.length; i++) {
    const st = f.linkStatus[i]!;
    if (!statusOk[st] || !q.actOk[f.linkAct[i]!]) continue;
    if (q.minScore !== undefined && st === STATUS_CODES.suggested && !(f.linkConfidence[i]! >= q.minScore)) continue;
    clAct[cl] = f.linkAct[i]!;
    clRec[cl] = f.linkRec[i]!;
    clSlot[cl] = f.linkSlot[i]!;
    clWeight[cl++] = f.linkWeight[i]!;
  }
  if (suggested) {
    for (let i = 0; i < f.suggAct.length; i++) {
      if (!(f.suggScore[i]! >= minScore) || !q.actOk[f.suggAct[i]!]) continue;
      clAct[cl] = f.suggAct[i]!;
      clRec[cl] = f.suggRec[i]!;
      clSlot[cl] = f.suggSlot[i]!;
      clWeight[cl++] = 1;
    }
  }

  // act0.
  const inAct0 = scratch(f, 'inAct0', uint8, f.actIds.length, 0);
  if (q.activities === 'all') for (let a = 0; a < f.actIds.length; a++) if (f.actInScope[a] && q.actOk[a]) inAct0[a] = 1;
  for (let i = 0; i < cl; i++) inAct0[clAct[i]!] = 1;
  const act0: number[] = [];
  for (let a = 0; a < f.actIds.length; a++) if (inAct0[a]) act0.push(a);

  // Money of each activity looked at: its rows in the period summed per (slot, pair), then converted.
  const basis = BASIS_CODES[q.basis];
  const T = q.currency;
  const nPairs = f.pairCurrency.length;
  const slotMoney = new Float64Array(nSlots);
  const slotHasMoney = new Uint8Array(nSlots);
  const slotHasRows = new Uint8Array(nSlots);
  const slotUnconverted = new Map<number, Map<string, number>>();
  const slotHasUnconverted = new Uint8Array(nSlots);
  const pairUsed = new Uint8Array(nPairs);
  const pairMissing = new Uint8Array(nPairs);
  // Each pair's conversion, once per request: 1 the amount is in T already; 2 through US dollars with the
  // year's rates (amount ÷ units per USD of its currency × units per USD of T); 0 no rate: unconverted.
  const rateOf = (cur: string, year: number | null) => {
    if (year === null) return NaN;
    const r = f.rates.get(rateKey(cur, year));
    return r ? r.rate : NaN;
  };
  const pairConv = new Uint8Array(nPairs);
  const pairFr = new Float64Array(nPairs);
  const pairTr = new Float64Array(nPairs);
  for (let pr = 0; pr < nPairs; pr++) {
    const currency = f.pairCurrency[pr]!;
    if (currency === T) pairConv[pr] = 1;
    else {
      pairFr[pr] = currency === 'USD' ? 1 : rateOf(currency, f.pairYear[pr]!);
      pairTr[pr] = T === 'USD' ? 1 : rateOf(T, f.pairYear[pr]!);
      pairConv[pr] = Number.isNaN(pairFr[pr]!) || Number.isNaN(pairTr[pr]!) ? 0 : 2;
    }
  }
  for (const a of act0) {
    for (let b = f.bucketStart[a]!; b < f.bucketStart[a + 1]!; b++) {
      if (f.bucketBasis[b] !== basis) continue;
      let amount = f.bucketAmount[b]!;
      if (hasPeriod) {
        const first = f.bucketFirst[b]!;
        const last = f.bucketLast[b]!;
        if (first === NO_DATE || last < fromD || first > toD) continue;
        if (f.bucketUndated[b]! > 0 || first < fromD || last > toD) {
          // Cut by the period: the sum of its rows dated in it, in the rows' order.
          amount = 0;
          let any = false;
          for (let r = f.bucketRowStart[b]!; r < f.bucketRowStart[b + 1]!; r++) {
            const d = f.rowDate[r]!;
            if (d === NO_DATE || d < fromD || d > toD) continue;
            amount += f.rowAmount[r]!;
            any = true;
          }
          if (!any) continue;
        }
      }
      const slot = f.bucketSlot[b]!;
      const pair = f.bucketPair[b]!;
      slotHasRows[slot] = 1;
      if (amount !== 0) slotHasMoney[slot] = 1;
      const conv = pairConv[pair]!;
      if (conv !== 0) {
        slotMoney[slot] = slotMoney[slot]! + (conv === 1 ? amount : (amount / pairFr[pair]!) * pairTr[pair]!);
        pairUsed[pair] = 1;
      } else {
        pairMissing[pair] = 1;
        const currency = f.pairCurrency[pair]!;
        let u = slotUnconverted.get(slot);
        if (!u) slotUnconverted.set(slot, (u = new Map()));
        slotHasUnconverted[slot] = 1;
        u.set(currency, (u.get(currency) ?? 0) + amount);
      }
    }
  }

  // Σ weights of each activity's counted links in each country, then each link's share.
  const lw = scratch(f, 'lw', float64, nSlots, 0);
  for (let i = 0; i < cl; i++) lw[clSlot[i]!] = lw[clSlot[i]!]! + clWeight[i]!;
  const attrRec = new Int32Array(cl);
  const attrAct = new Int32Array(cl);
  const attrSlot = new Int32Array(cl);
  const attrFactor = new Float64Array(cl);
  const attrMoney = new Float64Array(cl);
  let n = 0;
  const countedRecs = new Uint8Array(f.recs.length);
  for (let i = 0; i < cl; i++) {
    const rec = clRec[i]!;
    if (rec >= 0) countedRecs[rec] = 1;
    if (rec < 0 || !q.recOk[rec]) continue;
    const a = clAct[i]!;
    const slot = clSlot[i]!;
    if (hasPeriod && !(slotHasMoney[slot] || overlaps(f, a, fromD, toD))) continue;
    const factor = clWeight[i]! / Math.max(lw[slot]!, 1);
    attrRec[n] = rec;
    attrAct[n] = a;
    attrSlot[n] = slot;
    attrFactor[n] = factor;
    attrMoney[n++] = factor * slotMoney[slot]!;
  }
  return {
    f,
    act0,
    slotMoney,
    slotHasMoney,
    slotHasRows,
    slotUnconverted,
    slotHasUnconverted,
    pairUsed,
    pairMissing,
    countedRecs,
    attrRec: attrRec.subarray(0, n),
    attrAct: attrAct.subarray(0, n),
    attrSlot: attrSlot.subarray(0, n),
    attrFactor: attrFactor.subarray(0, n),
    attrMoney: attrMoney.subarray(0, n),
  };
}

/** The activity's dates overlap the period (an activity without dates does not). */
function overlaps(f: Facts, a: number, fromD: number, toD: number): boolean {
  const s = f.actStartDay[a]!;
  const e = f.actEndDay[a]!;
  if (s === NO_DATE && e === NO_DATE) return false;
  if (s !== NO_DATE && s > toD) return false;
  if (e !== NO_DATE && e < fromD) return false;
  return true;
}

/** Adds the unconverted money of attributed link i to `into`, per currency. */
function addUnconverted(at: Attribution, i: number, into: Map<string, number>) {
  if (!at.slotHasUnconverted[at.attrSlot[i]!]) return;
  const u = at.slotUnconverted.get(at.attrSlot[i]!);
  if (!u) return;
  const factor = at.attrFactor[i]!;
  for (const [c, v] of u) into.set(c, (into.get(c) ?? 0) + factor * v);
}

export interface RawFigures {
  recommendations: number;
  covered: number;
  activities: number;
  donors: number;
  money: number;
  unconverted: Map<string, number>;
}

/** A recommendation's keys in a dimension (deduplicated; [null] when it has none, so that it still counts). */
export function recKeys(r: RecFacts, d: Exclude<Dimension, 'donor'>): (string | null)[] {
  let keys: (string | null)[];
  switch (d) {
    case 'mechanism':
      keys = [r.mechanism];
      break;
    case 'body':
      keys = [r.body];
      break;
    case 'cycle':
      keys = [r.cycle === null ? null : String(r.cycle)];
      break;
    case 'response':
      keys = [r.response];
      break;
    case 'theme':
      keys = r.themes;
      break;
    case 'affectedPerson':
      keys = r.affectedPersons;
      break;
    case 'sdgGoal':
      keys = r.sdgGoals;
      break;
    case 'instrument':
      keys = r.instruments;
      break;
  }
  return keys.length ? [...new Set(keys)] : [null];
}

/** Every combination of one key from each list. */
function combinations(lists: (string | null)[][]): (string | null)[][] {
  let out: (string | null)[][] = [[]];
  for (const l of lists) out = out.flatMap((prefix) => l.map((k) => [...prefix, k]));
  return out;
}

/**
 * Figures per combination of keys of `dims` (0 dims: none; 1: groups; 2: a matrix) and the totals. A donor key
 * comes from the link's activity (only combinations with links); every other key from the recommendation, which
 * counts in each of its keys. With a donor key, `recommendations` is the number of recommendations of the
 * cell's recommendation keys (all of them when there are none).
 */
export function aggregate(at: Attribution, recList: number[], dims: Dimension[]) {
  const f = at.f;
  const byRec = new Map<number, number[]>();
  for (let i = 0; i < at.attrRec.length; i++) {
    const r = at.attrRec[i]!;
    let l = byRec.get(r);
    if (!l) byRec.set(r, (l = []));
    l.push(i);
  }
  // Totals.
  const actSeen = scratch(f, 'actSeen', uint8, f.actIds.length, 0);
  const donorSeen = new Uint8Array(f.donors.length);
  let acts = 0;
  let donors = 0;
  let money = 0;
  const unc = new Map<string, number>();
  for (let i = 0; i < at.attrRec.length; i++) {
    const a = at.attrAct[i]!;
    if (!actSeen[a]) {
      actSeen[a] = 1;
      acts++;
      const d = f.actDonorIndex[a]!;
      if (d >= 0 && !donorSeen[d]) {
        donorSeen[d] = 1;
        donors++;
      }
    }
    money += at.attrMoney[i]!;
    addUnconverted(at, i, unc);
  }
  const totals: RawFigures = { recommendations: recList.length, covered: byRec.size, activities: acts, donors, money, unconverted: unc };
  if (!dims.length) return { cells: [] as { keys: (string | null)[]; figures: RawFigures }[], totals };

  const donorAt = dims.indexOf('donor');
  const recDims = dims.map((d, i) => (d === 'donor' ? -1 : i)).filter((i) => i >= 0);
  // Cells: one per combination of keys. Entries: (cell, attributed link) pairs, grouped per cell afterwards so
  // that distinct recommendations, activities and donors are counted by stamping them with the cell's number.
  const cellKeys: (string | null)[][] = [];
  const cellRecKey: string[] = [];
  const cellRecs: number[] = [];
  const byRecKey = new Map<string, { cell: number; byDonor: Map<number, number> }>();
  const recsBy = new Map<string, number>();
  const entryCell: number[] = [];
  const entryAttr: number[] = [];
  const newCell = (keys: (string | null)[], recKey: string) => {
    cellKeys.push(keys);
    cellRecKey.push(recKey);
    cellRecs.push(0);
    return cellKeys.length - 1;
  };
  for (const ri of recList) {
    const rec = f.recs[ri]!;
    const combos = combinations(recDims.map((i) => recKeys(rec, dims[i] as Exclude<Dimension, 'donor'>)));
    const attrs = byRec.get(ri) ?? [];
    for (const combo of combos) {
      const recKey = combo.length === 1 ? (combo[0] === null ? '\u0000' : combo[0]!) : JSON.stringify(combo);
      recsBy.set(recKey, (recsBy.get(recKey) ?? 0) + 1);
      let slot = byRecKey.get(recKey);
      if (!slot) byRecKey.set(recKey, (slot = { cell: donorAt < 0 ? newCell(combo, recKey) : -1, byDonor: new Map() }));
      if (donorAt < 0) {
        cellRecs[slot.cell]!++;
        for (const i of attrs) {
          entryCell.push(slot.cell);
          entryAttr.push(i);
        }
      } else {
        for (const i of attrs) {
          const d = f.actDonorIndex[at.attrAct[i]!]!;
          let cell = slot.byDonor.get(d);
          if (cell === undefined) {
            const keys = [...combo];
            keys.splice(donorAt, 0, d < 0 ? null : f.donors[d]!);
            slot.byDonor.set(d, (cell = newCell(keys, recKey)));
          }
          entryCell.push(cell);
          entryAttr.push(i);
        }
      }
    }
  }
  // Group the entries per cell (a counting sort, stable), then count per cell.
  const nCells = cellKeys.length;
  const start = new Int32Array(nCells + 1);
  for (const c of entryCell) start[c + 1]!++;
  for (let c = 0; c < nCells; c++) start[c + 1]! += start[c]!;
  const fill = start.slice(0, nCells);
  const order = new Int32Array(entryCell.length);
  entryCell.forEach((c, k) => (order[fill[c]!++] = entryAttr[k]!));
  const recStamp = new Int32Array(f.recs.length).fill(-1);
  const actStamp = new Int32Array(f.actIds.length).fill(-1);
  const donorStamp = new Int32Array(f.donors.length).fill(-1);
  const cells: { keys: (string | null)[]; figures: RawFigures }[] = [];
  for (let c = 0; c < nCells; c++) {
    let covered = 0;
    let activities = 0;
    let donorCount = 0;
    let money = 0;
    const unconverted = new Map<string, number>();
    for (let k = start[c]!; k < start[c + 1]!; k++) {
      const i = order[k]!;
      const r = at.attrRec[i]!;
      if (recStamp[r] !== c) {
        recStamp[r] = c;
        covered++;
      }
      const a = at.attrAct[i]!;
      if (actStamp[a] !== c) {
        actStamp[a] = c;
        activities++;
        const d = f.actDonorIndex[a]!;
        if (d >= 0 && donorStamp[d] !== c) {
          donorStamp[d] = c;
          donorCount++;
        }
      }
      money += at.attrMoney[i]!;
      addUnconverted(at, i, unconverted);
    }
    cells.push({
      keys: cellKeys[c]!,
      figures: {
        recommendations: donorAt >= 0 ? (recsBy.get(cellRecKey[c]!) ?? recList.length) : cellRecs[c]!,
        covered,
        activities,
        donors: donorCount,
        money,
        unconverted,
      },
    });
  }
  return { cells, totals };
}

/**
 * Per recommendation of `recList` (same positions): whether a link reaches it, the activities and donors it
 * reaches, the money attributed to it and what of it could not be converted.
 */
export function perRecommendation(at: Attribution, recList: number[]) {
  const f = at.f;
  const n = recList.length;
  const pos = new Int32Array(f.recs.length).fill(-1);
  recList.forEach((r, i) => (pos[r] = i));
  // The attributed links grouped by recommendation (a counting sort).
  const start = new Int32Array(n + 1);
  for (let i = 0; i < at.attrRec.length; i++) {
    const p = pos[at.attrRec[i]!]!;
    if (p >= 0) start[p + 1]!++;
  }
  for (let p = 0; p < n; p++) start[p + 1]! += start[p]!;
  const fill = start.slice(0, n);
  const order = new Int32Array(start[n]!);
  for (let i = 0; i < at.attrRec.length; i++) {
    const p = pos[at.attrRec[i]!]!;
    if (p >= 0) order[fill[p]!++] = i;
  }
  const covered = new Uint8Array(n);
  const activities = new Int32Array(n);
  const donors = new Int32Array(n);
  const money = new Float64Array(n);
  const unconverted = new Map<number, Map<string, number>>();
  // Distinct activities and donors per recommendation, by stamping them with the recommendation's position.
  const actStamp = new Int32Array(f.actIds.length).fill(-1);
  const donorStamp = new Int32Array(f.donors.length).fill(-1);
  for (let p = 0; p < n; p++) {
    if (start[p] === start[p + 1]) continue;
    covered[p] = 1;
    let m = 0;
    for (let k = start[p]!; k < start[p + 1]!; k++) {
      const i = order[k]!;
      const a = at.attrAct[i]!;
      if (actStamp[a] !== p) {
        actStamp[a] = p;
        activities[p]!++;
        const d = f.actDonorIndex[a]!;
        if (d >= 0 && donorStamp[d] !== p) {
          donorStamp[d] = p;
          donors[p]!++;
        }
      }
      m += at.attrMoney[i]!;
      if (at.slotHasUnconverted[at.attrSlot[i]!]) {
        let u = unconverted.get(p);
        if (!u) unconverted.set(p, (u = new Map()));
        addUnconverted(at, i, u);
      }
    }
    money[p] = m;
  }
  return { covered, activities, donors, money, unconverted };
}

export interface DonorFigures {
  key: string | null;
  moneyIn: number;
  linked: number;
  activities: number;
  links: number;
  recommendations: number;
  uncIn: Map<string, number>;
  uncLinked: Map<string, number>;
}

/**
 * Donor figures per key: the donor (answers in one country) or the country (one donor's alignment). Money in
 * the key is every looked-at activity's money there (with a period: activities whose dates overlap it or that
 * have money in it); linked money, links and recommendations come from the attributed links.
 */
export function donorFigures(at: Attribution, key: 'donor' | 'country', hasPeriod: boolean, from?: string, to?: string): DonorFigures[] {
  const f = at.f;
  const fromD = from ? dayOf(from) : -Infinity;
  const toD = to ? dayOf(to) : Infinity;
  // Keys as numbers: the donor's index (the last one for "no donor") or the country's.
  const nKeys = key === 'donor' ? f.donors.length + 1 : f.countries.length;
  const keyOf = (slot: number) => {
    if (key === 'country') return f.slotCountry[slot]!;
    const d = f.actDonorIndex[f.slotAct[slot]!]!;
    return d < 0 ? f.donors.length : d;
  };
  const present = new Uint8Array(nKeys);
  const moneyIn = new Float64Array(nKeys);
  const linked = new Float64Array(nKeys);
  const activities = new Int32Array(nKeys);
  const links = new Int32Array(nKeys);
  const recommendations = new Int32Array(nKeys);
  const uncIn = new Map<number, Map<string, number>>();
  const uncLinked = new Map<number, Map<string, number>>();
  const mapOf = (m: Map<number, Map<string, number>>, k: number) => {
    let x = m.get(k);
    if (!x) m.set(k, (x = new Map()));
    return x;
  };
  for (let slot = 0; slot < at.slotHasRows.length; slot++) {
    if (!at.slotHasRows[slot]) continue;
    if (hasPeriod && !(at.slotHasMoney[slot] || overlaps(f, f.slotAct[slot]!, fromD, toD))) continue;
    const k = keyOf(slot);
    present[k] = 1;
    moneyIn[k] = moneyIn[k]! + at.slotMoney[slot]!;
    activities[k]!++;
  }
  for (const [slot, u] of at.slotUnconverted) {
    const k = keyOf(slot);
    present[k] = 1;
    const into = mapOf(uncIn, k);
    for (const [c, v] of u) into.set(c, (into.get(c) ?? 0) + v);
  }
  // Distinct recommendations per key: the attributed links grouped per key, then stamped.
  const start = new Int32Array(nKeys + 1);
  const attrKey = scratch(f, 'attrKey', int32, at.attrRec.length, 0);
  for (let i = 0; i < at.attrRec.length; i++) {
    const k = keyOf(at.attrSlot[i]!);
    attrKey[i] = k;
    start[k + 1]!++;
    present[k] = 1;
    linked[k] = linked[k]! + at.attrMoney[i]!;
    links[k]!++;
    if (at.slotHasUnconverted[at.attrSlot[i]!]) addUnconverted(at, i, mapOf(uncLinked, k));
  }
  for (let k = 0; k < nKeys; k++) start[k + 1]! += start[k]!;
  const fill = start.slice(0, nKeys);
  const order = scratch(f, 'order', int32, at.attrRec.length, 0);
  for (let i = 0; i < at.attrRec.length; i++) order[fill[attrKey[i]!]!++] = i;
  const recStamp = scratch(f, 'recStamp', int32, f.recs.length, -1);
  for (let k = 0; k < nKeys; k++) {
    for (let j = start[k]!; j < start[k + 1]!; j++) {
      const r = at.attrRec[order[j]!]!;
      if (recStamp[r] !== k) {
        recStamp[r] = k;
        recommendations[k]!++;
      }
    }
  }
  const out: DonorFigures[] = [];
  for (let k = 0; k < nKeys; k++) {
    if (!present[k]) continue;
    out.push({
      key: key === 'country' ? f.countries[k]! : k === f.donors.length ? null : f.donors[k]!,
      moneyIn: moneyIn[k]!,
      linked: linked[k]!,
      activities: activities[k]!,
      links: links[k]!,
      recommendations: recommendations[k]!,
      uncIn: uncIn.get(k) ?? new Map(),
      uncLinked: uncLinked.get(k) ?? new Map(),
    });
  }
  return out;
}
