/**
 * Suggestion benchmark: quality on the judged sets (bench/suggestions.lib.ts: tuned on, or held out) and speed.
 *
 *   npm run bench:suggestions                      quality (the four judged sets) + their run times, on PGlite
 *   DATABASE_URL=postgres://… npm run bench:suggestions -- --scale
 *                                                  the same on PostgreSQL, plus a run over 3,000 recommendations
 *                                                  × 20,000 activities (SCALE_RECS / SCALE_ACTS to change)
 *   npm run bench:suggestions -- --country=UG      the judged sets of one country only (UG, UG2), or one set (UG2)
 */
import { existsSync } from 'node:fs';
import { loadCountry, runSuggestions } from '../src/modules/suggestions/suggestions.queries.js';
import { baselineTfidf } from '../src/suggest/baseline.js';
import { METHODS, suggest, type Method, type ScoredPair } from '../src/suggest/engine.js';
import { generateSuggestScale } from './generate-suggest-scale.js';
import { freshDatabase, peakRssMb } from './lib.js';
import { byMinScore, evaluate, scoreBands, type Evaluation } from './suggestions.eval.js';
import { countryOf, JUDGED_SETS, keyedBySet, loadSample, readJudgements, roleOf, secondAnnotationPath, setName, type JudgedSet, type Judgement } from './suggestions.lib.js';

const scale = process.argv.includes('--scale');
const only = process.argv.find((a) => a.startsWith('--country='))?.slice('--country='.length).toUpperCase();
const engine = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const f2 = (x: number) => x.toFixed(2);

function row(country: string, system: string, e: Evaluation, judged: number, relevant: number, hc: string) {
  return `| ${country} | ${system} | ${e.suggested} | ${f2(e.judgedShare)}${e.judgedShare < 0.5 ? ' ⚠' : ''} | ${f2(e.precision)} | ${f2(e.recall)} | ${f2(e.f1)} | ${f2(e.precisionAt1)} | ${f2(e.silentWhenNothing)} | ${hc} | ${judged} / ${relevant} |`;
}

/** How many of the pairs judged irrelevant with high confidence are suggested: "n of N". */
function highConfidenceWrong(pairs: ScoredPair[], J: Judgement[]) {
  const hc = new Set(J.filter((j) => !j.relevant && j.confidence === 'high').map((j) => `${j.activity}|${j.recommendation}`));
  return `${pairs.filter((p) => hc.has(`${p.activityId}|${p.recommendationId}`)).length} of ${hc.size}`;
}

const { database, drop } = await freshDatabase();
try {
  const countries = (Object.keys(JUDGED_SETS) as JudgedSet[]).filter((c) => !only || c === only || countryOf(c) === only);
  await loadSample(database, [...new Set(countries.map(countryOf))]);

  console.log(`\n### Quality (${new Date().toISOString().slice(0, 10)})\n`);
  console.log('| set | system | suggested | judged share | precision | recall | F1 | P@1 | silent when nothing | high-conf. irrelevant suggested | judged / relevant pairs |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const f1s: Record<string, { combined: number; baseline: number }> = {};
  // Pooled per role: the combined engine's pairs and the judgements of every set of that role, activities keyed by set.
  const pooled: Record<string, { pairs: ScoredPair[]; J: Judgement[] }> = {};
  for (const c of countries) {
    const J = readJudgements(c);
    const { activities, recommendations, country } = await loadCountry(database.db, countryOf(c));
    const label = `${setName(c)} (${roleOf(c)})`;
    const rel = J.filter((j) => j.relevant).length;
    const systems: [string, ScoredPair[]][] = [
      ...METHODS.map((m) => [`${m} alone`, suggest(activities, recommendations, { methods: [m as Method], country }).pairs] as [string, ScoredPair[]]),
      ['**combined**', suggest(activities, recommendations, { country }).pairs],
      ['baseline (TF-IDF, top 10)', baselineTfidf(activities, recommendations, 10)],
    ];
    // A set with a complete second annotation (blind to the first) is also measured against it.
    const second = existsSync(secondAnnotationPath(c)) ? readJudgements(c, secondAnnotationPath(c)) : undefined;
    for (const [name, pairs] of systems) {
      const e = evaluate(pairs, J);
      console.log(row(label, name, e, J.length, rel, highConfidenceWrong(pairs, J)));
      if (second && (name === '**combined**' || name.startsWith('baseline'))) {
        const e2 = evaluate(pairs, second);
        console.log(row(`${setName(c)}, second annotation`, name, e2, second.length, second.filter((j) => j.relevant).length, highConfidenceWrong(pairs, second)));
      }
      if (name === '**combined**') {
        f1s[c] = { combined: e.f1, baseline: 0, ...f1s[c] };
        const p = (pooled[roleOf(c)] ??= { pairs: [], J: [] });
        const keyed = keyedBySet(c, pairs, J);
        p.pairs.push(...keyed.pairs);
        p.J.push(...keyed.J);
      }
      if (name.startsWith('baseline')) f1s[c] = { ...f1s[c]!, baseline: e.f1 };
    }
  }
  for (const [role, p] of Object.entries(pooled)) {
    if (countries.filter((c) => roleOf(c) === role).length < 2) continue;
    const e = evaluate(p.pairs, p.J);
    console.log(row(`**all ${role} sets**`, '**combined**', e, p.J.length, p.J.filter((j) => j.relevant).length, highConfidenceWrong(p.pairs, p.J)));
  }
  // What the score means to a reader choosing `minScore`: precision per score band and the figures at each minScore,
  // pooled per role (a threshold chosen from the held-out rows would be tuned on them: the engine's floor is not).
  for (const [role, p] of Object.entries(pooled)) {
    console.log(`\n#### Calibration, all ${role} sets pooled: precision by score band\n`);
    console.log('| score | suggested | judged | relevant | precision |');
    console.log('| --- | ---: | ---: | ---: | ---: |');
    for (const b of scoreBands(p.pairs, p.J, [0.44, 0.5, 0.6, 0.7, 0.8, 0.9])) {
      console.log(`| ${f2(b.from)}–${f2(b.to)} | ${b.suggested} | ${b.judged} | ${b.relevant} | ${b.judged ? f2(b.precision) : '–'} |`);
    }
    console.log(`\n#### With minScore, all ${role} sets pooled\n`);
    console.log('| minScore | suggested | precision | recall | F1 |');
    console.log('| ---: | ---: | ---: | ---: | ---: |');
    for (const { minScore, e } of byMinScore(p.pairs, p.J, [0.44, 0.5, 0.55, 0.6, 0.7, 0.8])) {
      console.log(`| ${f2(minScore)} | ${e.suggested} | ${f2(e.precision)} | ${f2(e.recall)} | ${f2(e.f1)} |`);
    }
  }
  console.log('');
  for (const c of countries) {
    const x = f1s[c]!;
    console.log(`${setName(c)}: combined F1 − baseline F1 = ${f2(x.combined - x.baseline)}`);
  }

  console.log(`\n### Speed (${engine})\n`);
  console.log('| run | recommendations | activities | pairs considered | pairs scored | stored | load s | score s | store s | total s | peak RSS MB |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const speed = async (label: string, country: string, recs: number, acts: number) => {
    const r = await runSuggestions(database.db, { country, actor: 'bench' });
    console.log(
      `| ${label} | ${recs} | ${acts} | ${r.pairsConsidered} | ${r.pairsScored} | ${r.suggestionsStored} | ${r.timings.loadSeconds} | ${r.timings.scoreSeconds} | ${r.timings.storeSeconds} | ${r.seconds} | ${peakRssMb()} |`,
    );
    return r;
  };
  for (const c of [...new Set(countries.map(countryOf))]) {
    const d = await loadCountry(database.db, c);
    await speed(`${c} (first run)`, c, d.recommendations.length, d.activities.length);
    await speed(`${c} (re-run, replaces open)`, c, d.recommendations.length, d.activities.length);
  }
  if (scale) {
    const recs = Number(process.env.SCALE_RECS ?? 3000);
    const acts = Number(process.env.SCALE_ACTS ?? 20000);
    const t0 = performance.now();
    await generateSuggestScale(database.db, { country: 'ZZ', recommendations: recs, activities: acts });
    console.error(`generated ${recs} recommendations and ${acts} activities in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await speed('scale (generated)', 'ZZ', recs, acts);
    await speed('scale (re-run)', 'ZZ', recs, acts);
  }
} finally {
  await drop();
}
