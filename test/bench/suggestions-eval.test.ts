import t from 'tap';
import fc from 'fast-check';
import { byMinScore, evaluate, scoreBands } from '../../bench/suggestions.eval.js';
import type { Judgement } from '../../bench/suggestions.lib.js';
import type { ScoredPair } from '../../src/suggest/engine.js';

const pair = (a: string, r: string, score: number): ScoredPair => ({ activityId: a, recommendationId: r, score, methods: ['text'], evidence: {} });
const judgement = (a: string, r: string, relevant: boolean): Judgement => ({ activity: a, recommendation: r, relevant, confidence: 'high', pool: 'test', reason: '' });

t.test('score bands count judged pairs of judged activities per band', async (t) => {
  const J = [judgement('A', 'r1', true), judgement('A', 'r2', false), judgement('B', 'r1', true), judgement('B', 'r3', false)];
  const pairs = [
    pair('A', 'r1', 0.95), // band 0.8–1, relevant
    pair('A', 'r2', 0.52), // band 0.5–0.6, irrelevant
    pair('B', 'r1', 0.55), // band 0.5–0.6, relevant
    pair('B', 'r9', 0.58), // band 0.5–0.6, not judged
    pair('Z', 'r1', 0.99), // activity not judged: out of scope
  ];
  const bands = scoreBands(pairs, J, [0.44, 0.5, 0.6, 0.8]);
  t.same(
    bands.map((b) => [b.from, b.to, b.suggested, b.judged, b.relevant, b.precision]),
    [
      [0.44, 0.5, 0, 0, 0, 0],
      [0.5, 0.6, 3, 2, 1, 0.5],
      [0.6, 0.8, 0, 0, 0, 0],
      [0.8, 1, 1, 1, 1, 1],
    ],
  );
});

t.test('byMinScore is evaluate over the pairs at or above each threshold', async (t) => {
  const J = [judgement('A', 'r1', true), judgement('A', 'r2', false), judgement('B', 'r1', true)];
  const pairs = [pair('A', 'r1', 0.9), pair('A', 'r2', 0.5), pair('B', 'r1', 0.45)];
  const [low, mid, high] = byMinScore(pairs, J, [0, 0.5, 0.6]);
  t.equal(low!.e.suggested, 3);
  t.equal(low!.e.recall, 1);
  t.equal(mid!.e.suggested, 2);
  t.equal(mid!.e.precision, 0.5);
  t.equal(mid!.e.recall, 0.5);
  t.equal(high!.e.suggested, 1);
  t.equal(high!.e.precision, 1);
});

t.test('bands partition the suggestions above the first edge; recall never rises with minScore', async (t) => {
  const arb = fc.array(
    fc.record({ a: fc.constantFrom('A', 'B', 'C'), r: fc.constantFrom('r1', 'r2', 'r3', 'r4'), score: fc.double({ min: 0, max: 1, noNaN: true }), judged: fc.boolean(), relevant: fc.boolean() }),
    { maxLength: 30 },
  );
  fc.assert(
    fc.property(arb, (rows) => {
      const seen = new Set<string>();
      const uniq = rows.filter((x) => !seen.has(x.a + x.r) && seen.add(x.a + x.r));
      const pairs = uniq.map((x) => pair(x.a, x.r, x.score));
      const J = uniq.filter((x) => x.judged).map((x) => judgement(x.a, x.r, x.relevant));
      const edges = [0.2, 0.5, 0.7];
      const bands = scoreBands(pairs, J, edges);
      const acts = new Set(J.map((j) => j.activity));
      const expected = pairs.filter((p) => acts.has(p.activityId) && p.score >= 0.2).length;
      if (bands.reduce((s, b) => s + b.suggested, 0) !== expected) return false;
      const curve = byMinScore(pairs, J, [0, 0.2, 0.5, 0.7, 0.9]);
      for (let k = 1; k < curve.length; k++) if (curve[k]!.e.recall > curve[k - 1]!.e.recall + 1e-12) return false;
      return curve[0]!.e.recall === evaluate(pairs, J).recall;
    }),
  );
  t.pass('property holds');
});
