import type { ScoredPair } from '../src/suggest/engine.js';
import type { Judgement } from './suggestions.lib.js';

/**
 * Scores a suggestion list against a judged set. Only activities of the judged set count (the pool was built by
 * sampling activities, so an unjudged activity says nothing about precision or recall).
 */
export interface Evaluation {
  suggested: number;
  judgedShare: number;
  precision: number;
  recall: number;
  f1: number;
  /** Over activities with at least one relevant judged pair: the top suggestion is judged relevant. */
  precisionAt1: number;
  /** Activities judged to have nothing relevant that got no suggestion at all. */
  silentWhenNothing: number;
}

const key = (a: string, r: string) => a + '\u0000' + r;

export function evaluate(pairs: ScoredPair[], judgements: Judgement[]): Evaluation {
  const judged = new Map(judgements.map((j) => [key(j.activity, j.recommendation), j.relevant]));
  const acts = new Set(judgements.map((j) => j.activity));
  const inScope = pairs.filter((p) => acts.has(p.activityId));
  const judgedHits = inScope.filter((p) => judged.has(key(p.activityId, p.recommendationId)));
  const tp = judgedHits.filter((p) => judged.get(key(p.activityId, p.recommendationId))).length;
  const relevant = judgements.filter((j) => j.relevant).length;
  const precision = judgedHits.length ? tp / judgedHits.length : 0;
  const recall = relevant ? tp / relevant : 0;

  const best = new Map<string, ScoredPair>();
  for (const p of inScope) {
    const b = best.get(p.activityId);
    if (!b || p.score > b.score) best.set(p.activityId, p);
  }
  const withRelevant = new Set(judgements.filter((j) => j.relevant).map((j) => j.activity));
  let at1 = 0;
  for (const a of withRelevant) {
    const b = best.get(a);
    if (b && judged.get(key(a, b.recommendationId))) at1++;
  }
  const nothing = [...acts].filter((a) => !withRelevant.has(a));
  const silent = nothing.filter((a) => !best.has(a)).length;
  return {
    suggested: inScope.length,
    judgedShare: inScope.length ? judgedHits.length / inScope.length : 1,
    precision,
    recall,
    f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
    precisionAt1: withRelevant.size ? at1 / withRelevant.size : 0,
    silentWhenNothing: nothing.length ? silent / nothing.length : 1,
  };
}

/** One row of a calibration table: the pairs whose score lies in [from, to). */
export interface ScoreBand {
  from: number;
  to: number;
  suggested: number;
  judged: number;
  relevant: number;
  /** Judged relevant / judged, in the band (0 when nothing in it is judged). */
  precision: number;
}

/**
 * What a score means: for each band of the combined score, how many of the suggested pairs (of the judged activities)
 * were judged relevant. `edges` ascending; the last band is [last edge, 1]. A reader of `GET /v1/suggestions` picks a
 * `minScore` from it.
 */
export function scoreBands(pairs: ScoredPair[], judgements: Judgement[], edges: readonly number[]): ScoreBand[] {
  const judged = new Map(judgements.map((j) => [key(j.activity, j.recommendation), j.relevant]));
  const acts = new Set(judgements.map((j) => j.activity));
  const inScope = pairs.filter((p) => acts.has(p.activityId));
  return edges.map((from, k) => {
    const to = edges[k + 1] ?? Infinity;
    const band = inScope.filter((p) => p.score >= from && p.score < to);
    const verdicts = band.map((p) => judged.get(key(p.activityId, p.recommendationId))).filter((v) => v !== undefined);
    const relevant = verdicts.filter(Boolean).length;
    return { from, to: Math.min(to, 1), suggested: band.length, judged: verdicts.length, relevant, precision: verdicts.length ? relevant / verdicts.length : 0 };
  });
}

/** The evaluation of the suggestions a reader gets with `minScore` = t, for each t. */
export function byMinScore(pairs: ScoredPair[], judgements: Judgement[], thresholds: readonly number[]): { minScore: number; e: Evaluation }[] {
  return thresholds.map((t) => ({ minScore: t, e: evaluate(pairs.filter((p) => p.score >= t), judgements) }));
}
