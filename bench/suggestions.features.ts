/**
 * The learned combiner experiment (bench/suggestions.learn.ts): the features of every candidate pair of a country and
 * an L2-regularised logistic regression over them. A plain reference implementation over objects, for the judged
 * countries; it is not part of the engine (README "Suggestions", "A learned combination").
 *
 * Candidates are the engine's own: every pair one of its indexes reaches (an informative shared term, a crosswalk
 * theme, an SDG target or goal), less the ratify/invite/report/legislate pairs whose activity does not name that act
 * (guideline rule 3, kept as a hard rule). Features carry no identifiers and no country-specific words. The ranks order
 * candidates by a base score, the noisy-or of the text score min(1, bm25 / textFull), the calibrated crosswalk score
 * and the SDG score (stable sort: ties go to the earlier candidate, or the earlier recommendation).
 * p = σ(bias + Σ wⱼ·xⱼ), weights on the raw feature scale so that each can be read (bm25 10.5: a pair whose BM25 is a
 * tenth of the query's maximum higher gains 1.05 in log-odds).
 */
import { Bm25Index } from '../src/suggest/bm25.js';
import { DEFAULT_PARAMS, KIND_CUES, METHODS, prepareActivities, prepareRecommendations, type EngineActivity, type EngineParams, type EngineRecommendation } from '../src/suggest/engine.js';
import { isBroad } from '../src/suggest/text.js';
import { loadCrosswalk } from '../src/suggest/sector-theme.js';
export const FEATURES = [
  /** BM25 / the query's maximum (never less than six terms' worth), as the text method normalises it. */
  'bm25',
  /** log(1 + distinct informative shared terms). */
  'logShared',
  /** log(1 + shared terms that are not broad words: text.ts BROAD_WORDS). */
  'logSpecific',
  /** The specific shared terms' share of the recommendation's specific IDF mass. */
  'coverage',
  /** A direct crosswalk row links a DAC code of the activity to a theme of the recommendation. */
  'direct',
  /** Only partial rows do. */
  'partialOnly',
  /** The crosswalk score as calibrated by theme breadth, / sectorDirect: in [0, 1]. */
  'sector',
  /** Share of the country's recommendations that carry the matched theme (0 without a match). */
  'themeBreadth',
  /** The sdg-match score. */
  'sdg',
  /** The activity's title or opening says it is research (guideline rule 4). */
  'research',
  /** Frame grant or budget support. */
  'frame',
  /** The recommendation asks to ratify, invite, report or legislate (and the activity's text names that act). */
  'stateAct',
  /** log(1 + rank) of the pair among the recommendation's candidates, by the base score. */
  'logRankInRec',
  /** log(1 + rank) among the activity's candidates, by the base score. */
  'logRankInAct',
  /** Base score / the recommendation's best base score in the country. */
  'ratioRecBest',
] as const;
export type Feature = (typeof FEATURES)[number];
export const NFEATURES = FEATURES.length;
const F = NFEATURES;

export interface LogisticModel {
  name: string;
  bias: number;
  /** In FEATURES order, raw feature scale. */
  weights: readonly number[];
  /** A pair is suggested when p ≥ threshold. */
  threshold: number;
}

/**
 * The model the experiment of 2026-11-28 produced (λ = 0.01, threshold 0.40; weights rounded to 4 decimals, which
 * gives the same suggestions on Kenya and Uganda as the unrounded fit). Not the engine's: README "Suggestions".
 */
export const LEARNED_MODEL: LogisticModel = {
  name: 'logistic-2026-11-28',
  bias: -6.6657,
  weights: [10.5052, -0.9076, 2, 0.5129, 1.2803, -0.0015, 1.414, -1.4103, 0, -2.557, -1.2211, -1.5661, 0.2628, 0.1992, 2.1557],
  threshold: 0.4,
};

export const logit = (p: number) => Math.log(p / (1 - p));
export const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function linear(m: LogisticModel, x: ArrayLike<number>): number {
  let s = m.bias;
  for (let j = 0; j < NFEATURES; j++) s += m.weights[j]! * x[j]!;
  return s;
}

export const probability = (m: LogisticModel, x: ArrayLike<number>) => sigmoid(linear(m, x));

export interface Candidate {
  activityId: string;
  recommendationId: string;
  x: Float64Array;
}

/** The engine's candidates with their features. Base score (for the ranks) = noisy-or of text, sector and SDG. */
export function pairFeatures(activities: EngineActivity[], recommendations: EngineRecommendation[], params: EngineParams = DEFAULT_PARAMS): Candidate[] {
  const cw = loadCrosswalk();
  const acts = prepareActivities(activities, cw, new Set(METHODS));
  const recs = prepareRecommendations(recommendations);
  const recDf = new Map<string, number>();
  for (const r of recs) for (const s of new Set(r.tokens.map((t) => t.stem))) recDf.set(s, (recDf.get(s) ?? 0) + 1);
  const index = new Bm25Index(acts.map((a) => a.tf), { maxDf: params.maxDf }, { df: recDf, n: recs.length });
  const cues = Object.fromEntries(
    (Object.keys(KIND_CUES) as (keyof typeof KIND_CUES)[]).map((k) => [k, acts.map((a) => KIND_CUES[k].test(a.text))]),
  ) as Record<keyof typeof KIND_CUES, boolean[]>;
  const themeCount = new Map<string, number>();
  for (const r of recs) for (const th of new Set(r.themes)) themeCount.set(th, (themeCount.get(th) ?? 0) + 1);
  const themeShare = (th: string) => (themeCount.get(th) ?? 0) / Math.max(1, recs.length);
  const ref = Math.log(1 / params.recThemeBreadth);
  const calib = (th: string) => {
    const s = themeShare(th);
    return s <= params.recThemeBreadth ? 1 : Math.max(0, Math.log(1 / s) / ref);
  };
  const byTheme = new Map<string, number[]>();
  const byTarget = new Map<string, number[]>();
  const byGoal = new Map<string, number[]>();
  acts.forEach((a, i) => {
    for (const th of a.themes.keys()) (byTheme.get(th) ?? byTheme.set(th, []).get(th)!).push(i);
    for (const t of a.sdg.targets) (byTarget.get(t) ?? byTarget.set(t, []).get(t)!).push(i);
    for (const g of a.sdg.goals) (byGoal.get(g) ?? byGoal.set(g, []).get(g)!).push(i);
  });
  const n = acts.length;
  const acc = new Float64Array(n);
  const shared = new Uint16Array(n);
  const specific = new Uint16Array(n);
  const specificIdf = new Float64Array(n);
  const minMax = params.minQueryTerms * 3 * (index.k1 + 1);
  const out: (Candidate & { a: number; base: number })[] = [];
  recs.forEach((r) => {
    const touched: number[] = [];
    const res = index.searchInto(r.tokens.map((t) => t.stem), { acc, shared, touched, specific, specificIdf }, minMax, (t) => !isBroad(t));
    const specificMax = res.specificMax || 1;
    const cand = new Set(touched);
    for (const th of r.themes) for (const i of byTheme.get(th) ?? []) cand.add(i);
    for (const t of r.sdg.targets) for (const i of byTarget.get(t) ?? []) cand.add(i);
    for (const g of r.sdg.goals) for (const i of byGoal.get(g) ?? []) cand.add(i);
    const rows: (Candidate & { a: number; base: number })[] = [];
    for (const i of cand) {
      const a = acts[i]!;
      const bm25 = acc[i]! / res.max;
      const x = new Float64Array(F);
      let direct = 0;
      let partial = 0;
      let sector = 0;
      let breadth = 0;
      for (const th of r.themes) {
        for (const h of a.themes.get(th) ?? []) {
          if (h.strength === 'direct') direct = 1;
          else partial = 1;
          const s = (h.strength === 'direct' ? params.sectorDirect : params.sectorPartial) * calib(th);
          if (s > sector || (s === sector && breadth === 0)) {
            sector = s;
            breadth = themeShare(th);
          }
        }
      }
      const targets = r.sdg.targets.filter((t) => a.sdg.targets.includes(t)).length;
      const goal = r.sdg.goals.some((g) => a.sdg.goals.includes(g));
      const sdg = targets >= 2 ? 0.9 : targets === 1 ? 0.8 : goal ? 0.25 : 0;
      const kindOk = r.kind === 'other' || cues[r.kind][i];
      const row = {
        bm25,
        shared: shared[i]!,
        specific: specific[i]!,
        coverage: specificIdf[i]! / specificMax,
      };
      acc[i] = 0;
      shared[i] = 0;
      specific[i] = 0;
      specificIdf[i] = 0;
      if (!kindOk) continue; // guideline rule 3: a hard rule, as in the engine
      x[0] = row.bm25;
      x[1] = Math.log1p(row.shared);
      x[2] = Math.log1p(row.specific);
      x[3] = row.coverage;
      x[4] = direct;
      x[5] = direct ? 0 : partial;
      x[6] = sector / params.sectorDirect;
      x[7] = breadth;
      x[8] = sdg;
      x[9] = a.scope.research ? 1 : 0;
      x[10] = a.scope.frame ? 1 : 0;
      x[11] = r.kind === 'other' ? 0 : 1;
      const base = 1 - (1 - Math.min(1, row.bm25 / params.textFull)) * (1 - sector) * (1 - sdg);
      rows.push({ activityId: a.id, recommendationId: r.id, x, a: i, base });
    }
    rows.sort((p, q) => q.base - p.base);
    const best = rows[0]?.base || 1;
    rows.forEach((p, k) => {
      p.x[12] = Math.log1p(k);
      p.x[14] = p.base / best;
    });
    out.push(...rows);
  });
  const byAct = new Map<number, (Candidate & { base: number })[]>();
  for (const p of out) (byAct.get(p.a) ?? byAct.set(p.a, []).get(p.a)!).push(p);
  for (const list of byAct.values()) {
    list.sort((p, q) => q.base - p.base);
    list.forEach((p, k) => (p.x[13] = Math.log1p(k)));
  }
  return out.map(({ activityId, recommendationId, x }) => ({ activityId, recommendationId, x }));
}

// ------------------------------------------------------------------ logistic regression, L2


/** Minimises mean log-loss + λ/2·|w|² (bias not penalised) by gradient descent on standardised features. */
export function trainLogistic(X: Float64Array[], y: number[], lambda: number, iters = 3000, lr = 0.5): Pick<LogisticModel, 'bias' | 'weights'> {
  const m = X.length;
  const mean = new Float64Array(F);
  const sd = new Float64Array(F);
  for (const x of X) for (let j = 0; j < F; j++) mean[j]! += x[j]! / m;
  for (const x of X) for (let j = 0; j < F; j++) sd[j]! += (x[j]! - mean[j]!) ** 2 / m;
  for (let j = 0; j < F; j++) sd[j] = Math.sqrt(sd[j]!) || 1;
  const Z = X.map((x) => Float64Array.from(x, (v, j) => (v - mean[j]!) / sd[j]!));
  const w = new Float64Array(F);
  let b = 0;
  const g = new Float64Array(F);
  for (let it = 0; it < iters; it++) {
    g.fill(0);
    let gb = 0;
    for (let k = 0; k < m; k++) {
      const z = Z[k]!;
      let s = b;
      for (let j = 0; j < F; j++) s += w[j]! * z[j]!;
      const err = 1 / (1 + Math.exp(-s)) - y[k]!;
      gb += err / m;
      for (let j = 0; j < F; j++) g[j]! += (err * z[j]!) / m;
    }
    b -= lr * gb;
    for (let j = 0; j < F; j++) w[j]! -= lr * (g[j]! + lambda * w[j]!);
  }
  const weights = Array.from(w, (v, j) => v / sd[j]!);
  const bias = b - weights.reduce((s, v, j) => s + v * mean[j]!, 0);
  return { bias, weights };
}



/** The suggestions of a model over candidates: p ≥ threshold, the best maxPerActivity per activity (ties: earlier pair first). */
export function learnedSuggestions(
  scored: { c: Candidate; p: number }[],
  threshold: number,
  maxPerActivity = DEFAULT_PARAMS.maxPerActivity,
): { activityId: string; recommendationId: string; p: number }[] {
  const byAct = new Map<string, { c: Candidate; p: number }[]>();
  for (const s of scored) if (s.p >= threshold) (byAct.get(s.c.activityId) ?? byAct.set(s.c.activityId, []).get(s.c.activityId)!).push(s);
  const out: { activityId: string; recommendationId: string; p: number }[] = [];
  for (const list of byAct.values()) {
    list.sort((p, q) => q.p - p.p);
    for (const s of list.slice(0, maxPerActivity)) out.push({ activityId: s.c.activityId, recommendationId: s.c.recommendationId, p: s.p });
  }
  return out;
}

/** Reference suggestions of a model (no pruning): every candidate scored. */
export function referenceSuggestions(activities: EngineActivity[], recommendations: EngineRecommendation[], model: LogisticModel, params: EngineParams = DEFAULT_PARAMS) {
  const cands = pairFeatures(activities, recommendations, params);
  return learnedSuggestions(cands.map((c) => ({ c, p: probability(model, c.x) })), model.threshold, params.maxPerActivity);
}
