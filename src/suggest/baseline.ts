import type { EngineActivity, EngineRecommendation, ScoredPair } from './engine.js';
import { tokenise } from './text.js';

/**
 * The benchmark's baseline: plain TF-IDF cosine similarity between all of an activity's narratives and a
 * recommendation's text, English stop words only (no stemming, no boilerplate list, no other method), and a fixed
 * top 10 recommendations per activity whatever their score.
 */
export function baselineTfidf(activities: EngineActivity[], recommendations: EngineRecommendation[], topK = 10): ScoredPair[] {
  const plain = (text: string) => tokenise(text, 'en', { stem: false, boilerplate: false }).map((t) => t.stem);
  const actTerms = activities.map((a) => plain(a.narratives.map((n) => n.text).join('\n')));
  const recTerms = recommendations.map((r) => plain(r.text));
  const all = [...actTerms, ...recTerms];
  const df = new Map<string, number>();
  for (const terms of all) for (const t of new Set(terms)) df.set(t, (df.get(t) ?? 0) + 1);
  const n = all.length;
  const vector = (terms: string[]) => {
    const tf = new Map<string, number>();
    for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
    const v = new Map<string, number>();
    let norm = 0;
    for (const [t, f] of tf) {
      const w = (1 + Math.log(f)) * Math.log(n / (df.get(t) ?? 1));
      v.set(t, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [t, w] of v) v.set(t, w / norm);
    return v;
  };
  const recVectors = recTerms.map(vector);
  const pairs: ScoredPair[] = [];
  activities.forEach((a, i) => {
    const av = vector(actTerms[i]!);
    const scored = recVectors
      .map((rv, j) => {
        let s = 0;
        for (const [t, w] of rv) s += w * (av.get(t) ?? 0);
        return { j, s };
      })
      .filter((x) => x.s > 0)
      .sort((x, y) => y.s - x.s)
      .slice(0, topK);
    for (const { j, s } of scored) {
      pairs.push({
        activityId: a.id,
        recommendationId: recommendations[j]!.id,
        score: Math.round(s * 10_000) / 10_000,
        methods: ['text'],
        evidence: {},
      });
    }
  });
  return pairs;
}
