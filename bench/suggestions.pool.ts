/**
 * Builds the pool of (activity, recommendation) pairs to judge for one country, as described in
 * test/fixtures/judgements/README.md: activities sampled by kind, and for each the best candidates of every method,
 * of the combined score and of the baseline, plus one random recommendation.
 *
 *   node --import tsx bench/suggestions.pool.ts KE 7 > pool.csv      (7 activities of each kind)
 *   REVIEW=/tmp/review.txt …                                          also writes a readable sheet for judging
 *   node --import tsx bench/suggestions.pool.ts KE 6 20261129        a further draw with another seed: activities
 *                                                                     already in the judged file are left out
 *
 * Seeds used so far: KE 20261127 (7 per kind) and UG 20261128 (5 per kind), the first pools; KE 20261129 (6 per
 * kind, judged activities excluded), the second Kenyan pool; NP 20261130 and BD 20261131 (6 per kind), the fifth
 * round's pools; CO 20261132 (6 per kind), the sixth's; UG 20261133 and CO 20261134 (5 per kind, judged activities
 * excluded), the seventh's held-out sets uganda-2 and colombia-2; KE 20261135, NP 20261136 and BD 20261137 (4 per kind,
 * judged activities excluded), the eighth's kenya-2, nepal-2 and bangladesh-2; UG 20261138 and CO 20261139 (4 per kind,
 * judged activities excluded), the ninth's uganda-3 and colombia-3; UG 20261140, CO 20261141 and BD 20261142 (4 per
 * kind, judged activities excluded), the tenth's uganda-4, colombia-4 and bangladesh-3; UG 20261143 (5 per kind), BD
 * 20261144 and KE 20261145 (4 per kind) and NP 20261146 (3 per kind), judged activities excluded, the eleventh's
 * uganda-5, bangladesh-4, kenya-3 and nepal-3; UG 20261147 (5 per kind), KE 20261148 and BD 20261149 (4 per kind),
 * the twelfth's uganda-6, kenya-4 and bangladesh-5; KE 20261150, BD 20261151 (4 per kind), NP 20261152 (3 per kind) and
 * UG 20261153 (4 per kind), the thirteenth's kenya-5, bangladesh-6, nepal-4 and uganda-7; KE 20261154, BD 20261155 (4
 * per kind), NP 20261156 (3) and UG 20261157 (5), the fourteenth's kenya-6, bangladesh-7, nepal-5 and uganda-8; KE
 * 20261158, BD 20261159 (4), NP 20261160 (3) and UG 20261161 (6), the fifteenth's kenya-7, bangladesh-8, nepal-6 and
 * uganda-9; KE 20261162, BD 20261163 (5), NP 20261164 (4), UG 20261165 (8) and CO 20261166 (5), the sixteenth's
 * kenya-8, bangladesh-9, nepal-7, uganda-10 and colombia-5; KE 20261167 (6), BD 20261168 (5), UG 20261169 (10) and CO
 * 20261170 (6), the seventeenth's kenya-9, bangladesh-10, uganda-11 and colombia-6; KE 20261171 (7), BD 20261172 (6), NP
 * 20261173 (8) and CO 20261174 (8), the eighteenth's kenya-10, bangladesh-11, nepal-8 and colombia-7; KE 20261175 (8),
 * BD 20261176 (7), NP 20261177 (8) and CO 20261178 (10), the nineteenth's kenya-11, bangladesh-12, nepal-9 and
 * colombia-8; KE 20261179 (10), BD 20261180 (9) and NP 20261181 (10), the twentieth's kenya-12, bangladesh-13 and nepal-10;
 * KE 20261182 (59), BD 20261183 (20), NP 20261184 (12) and UG 20261185 (10), the twenty-first's kenya-13, bangladesh-14,
 * nepal-11 and uganda-12 (the last unjudged activities but six Bangladeshi ones) — all judged blind (test/fixtures/judgements/README.md).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { loadCountry } from '../src/modules/suggestions/suggestions.queries.js';
import { baselineTfidf } from '../src/suggest/baseline.js';
import { suggest, type Method, type ScoredPair } from '../src/suggest/engine.js';
import { freshDatabase } from './lib.js';
import {
  activityKind,
  activitySheetLines,
  countryOf,
  JUDGED_SETS,
  judgementsPath,
  loadSample,
  readJudgements,
  recommendationSheetLine,
  rng,
  shuffle,
  type ActivityKind,
  type JudgedSet,
} from './suggestions.lib.js';

const country = (process.argv[2] ?? 'KE').toUpperCase();
const perKind = Number(process.argv[3] ?? 7);
const defaultSeed = country === 'KE' ? 20261127 : 20261128;
const seed = Number(process.argv[4] ?? defaultSeed);

const { database, drop } = await freshDatabase();
try {
  await loadSample(database, [country]);
  const loaded = await loadCountry(database.db, country);
  const { activities, recommendations } = loaded;
  const rand = rng(seed);

  // A further draw (another seed) leaves out the activities judged already, in any set of the country.
  const judged = new Set<string>();
  if (seed !== defaultSeed) {
    // (A set declared for this very draw has no file yet.)
    for (const s of Object.keys(JUDGED_SETS) as JudgedSet[]) {
      if (countryOf(s) === country && existsSync(judgementsPath(s))) for (const j of readJudgements(s)) judged.add(j.activity);
    }
  }
  const byKind = new Map<ActivityKind, string[]>();
  for (const a of activities) {
    if (judged.has(a.id)) continue;
    const k = activityKind(a);
    byKind.set(k, [...(byKind.get(k) ?? []), a.id]);
  }
  const chosen = new Set<string>();
  for (const [, ids] of [...byKind].sort()) for (const id of shuffle(ids, rand).slice(0, perKind)) chosen.add(id);

  const top = (pairs: ScoredPair[], k: number) => {
    const out = new Map<string, string[]>();
    for (const p of pairs) {
      const list = out.get(p.activityId) ?? [];
      if (list.length < k) list.push(p.recommendationId);
      out.set(p.activityId, list);
    }
    return out;
  };
  const low = { floor: 0.05, maxPerActivity: 10 };
  const sources: [string, Map<string, string[]>][] = [
    ...(['sector-theme', 'text'] as Method[]).map((m) => [m, top(suggest(activities, recommendations, { methods: [m], params: low, country: loaded.country }).pairs, 2)] as [string, Map<string, string[]>]),
    ['combined', top(suggest(activities, recommendations, { params: low, country: loaded.country }).pairs, 2)],
    ['baseline', top(baselineTfidf(activities, recommendations, 10), 2)],
  ];

  const pool = new Map<string, { activity: string; recommendation: string; pool: Set<string> }>();
  const add = (activity: string, recommendation: string, src: string) => {
    const key = activity + '\u0000' + recommendation;
    const e = pool.get(key) ?? { activity, recommendation, pool: new Set<string>() };
    e.pool.add(src);
    pool.set(key, e);
  };
  for (const id of chosen) {
    for (const [src, m] of sources) for (const r of m.get(id) ?? []) add(id, r, src);
    add(id, recommendations[Math.floor(rand() * recommendations.length)]!.id, 'random');
  }
  const rows = [...pool.values()].map((e) => ({ activity: e.activity, recommendation: e.recommendation, pool: [...e.pool].join('+') }));
  process.stdout.write(stringify(rows, { header: true, columns: ['activity', 'recommendation', 'pool'] }));

  if (process.env.REVIEW) {
    const actById = new Map(activities.map((a) => [a.id, a]));
    const recById = new Map(recommendations.map((r) => [r.id, r]));
    const lines: string[] = [];
    let n = 0;
    for (const id of chosen) {
      const a = actById.get(id)!;
      lines.push(...activitySheetLines(a, `${id} [${activityKind(a)}] DAC ${a.dacCodes.join(' ')}`, seed === defaultSeed ? 700 : 1500));
      // Recommendations in id order, without the method that proposed them (a further draw is judged blind).
      for (const r of rows.filter((x) => x.activity === id).sort((x, y) => (x.recommendation < y.recommendation ? -1 : 1))) {
        lines.push(recommendationSheetLine(recById.get(r.recommendation)!, `#${n++}`, seed === defaultSeed ? ` (${r.pool})` : ''));
      }
    }
    writeFileSync(process.env.REVIEW, lines.join('\n'));
  }
} finally {
  await drop();
}
