/**
 * Tuning aid: the combined engine's quality on the KENYAN judged set only, for the default parameters and for
 * variants given as JSON objects (partial EngineParams). Uganda is never loaded here: it is held out.
 *
 *   node --import tsx bench/suggestions.tune.ts '{"recRelative":0.6}' '{"floor":0.5}'
 */
import { loadCountry } from '../src/modules/suggestions/suggestions.queries.js';
import { suggest, type EngineParams } from '../src/suggest/engine.js';
import { freshDatabase } from './lib.js';
import { evaluate } from './suggestions.eval.js';
import { loadSample, readJudgements } from './suggestions.lib.js';

const variants: [string, Partial<EngineParams>][] = [['default', {}], ...process.argv.slice(2).map((v) => [v, JSON.parse(v)] as [string, Partial<EngineParams>])];
const { database, drop } = await freshDatabase();
try {
  await loadSample(database, ['KE']);
  const { activities, recommendations } = await loadCountry(database.db, 'KE');
  const J = readJudgements('KE');
  const hc = new Set(J.filter((j) => !j.relevant && j.confidence === 'high').map((j) => `${j.activity}|${j.recommendation}`));
  const f2 = (x: number) => x.toFixed(3);
  console.log('| variant | suggested | judged share | precision | recall | F1 | P@1 | silent | hc wrong |');
  for (const [name, params] of variants) {
    const pairs = suggest(activities, recommendations, { params }).pairs;
    const e = evaluate(pairs, J);
    const wrong = pairs.filter((p) => hc.has(`${p.activityId}|${p.recommendationId}`)).length;
    console.log(`| ${name} | ${e.suggested} | ${f2(e.judgedShare)} | ${f2(e.precision)} | ${f2(e.recall)} | ${f2(e.f1)} | ${f2(e.precisionAt1)} | ${f2(e.silentWhenNothing)} | ${wrong} |`);
  }
} finally {
  await drop();
}
