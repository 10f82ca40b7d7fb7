/**
 * Tuning aid: the combined engine's quality on the TUNING judged sets only (bench/suggestions.lib.ts, TUNING_SETS),
 * for the default parameters and for variants given as JSON objects (partial EngineParams), per country and pooled
 * (the pairs of all counted together). The held-out sets are never loaded here.
 *
 *   node --import tsx bench/suggestions.tune.ts '{"recRelative":0.6}' '{"floor":0.5}'
 *   node --import tsx bench/suggestions.tune.ts --countries=KE '{"floor":0.5}'
 */
import { loadCountry } from '../src/modules/suggestions/suggestions.queries.js';
import { suggest, type EngineParams, type ScoredPair } from '../src/suggest/engine.js';
import { freshDatabase } from './lib.js';
import { evaluate } from './suggestions.eval.js';
import { countryOf, keyedBySet, loadSample, readJudgements, setName, tuningSets, type Judgement } from './suggestions.lib.js';

const sets = tuningSets(process.argv.slice(2));
const variants: [string, Partial<EngineParams>][] = [
  ['default', {}],
  ...process.argv
    .slice(2)
    .filter((v) => !v.startsWith('--'))
    .map((v) => [v, JSON.parse(v)] as [string, Partial<EngineParams>]),
];
const { database, drop } = await freshDatabase();
try {
  await loadSample(database, [...new Set(sets.map(countryOf))]);
  const data = [];
  for (const c of sets) data.push({ c, ...(await loadCountry(database.db, countryOf(c))), J: readJudgements(c) });
  const f2 = (x: number) => x.toFixed(3);
  console.log('| variant | country | suggested | judged share | precision | recall | F1 | P@1 | silent | hc wrong |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, params] of variants) {
    const all: { pairs: ScoredPair[]; J: Judgement[] } = { pairs: [], J: [] };
    const line = (label: string, pairs: ScoredPair[], J: Judgement[]) => {
      const e = evaluate(pairs, J);
      const hc = new Set(J.filter((j) => !j.relevant && j.confidence === 'high').map((j) => `${j.activity}|${j.recommendation}`));
      const wrong = pairs.filter((p) => hc.has(`${p.activityId}|${p.recommendationId}`)).length;
      console.log(`| ${name} | ${label} | ${e.suggested} | ${f2(e.judgedShare)} | ${f2(e.precision)} | ${f2(e.recall)} | ${f2(e.f1)} | ${f2(e.precisionAt1)} | ${f2(e.silentWhenNothing)} | ${wrong} |`);
    };
    for (const d of data) {
      const pairs = suggest(d.activities, d.recommendations, { params, country: d.country }).pairs;
      line(setName(d.c), pairs, d.J);
      const keyed = keyedBySet(d.c, pairs, d.J);
      all.pairs.push(...keyed.pairs);
      all.J.push(...keyed.J);
    }
    if (data.length > 1) line('**pooled**', all.pairs, all.J);
  }
} finally {
  await drop();
}
