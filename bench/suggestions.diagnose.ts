/**
 * Why the combined engine misses or makes a judged pair of a TUNING set (Kenya, Nepal, Bangladesh, Colombia): for every judged-relevant
 * pair it does not suggest and every pair judged irrelevant with high confidence that it does suggest, the gate that
 * decides (no candidate, State act not named, too few specific shared terms, under the floor, the per-recommendation
 * cut, the per-activity cap) with the shared terms, the crosswalk rows and the scores. The held-out sets are never
 * loaded (tuning aid, like bench/suggestions.tune.ts).
 *
 *   node --import tsx bench/suggestions.diagnose.ts [--countries=KE|NP|BD|CO] [params JSON]
 */
import { loadCountry } from '../src/modules/suggestions/suggestions.queries.js';
import { Bm25Index } from '../src/suggest/bm25.js';
import { DEFAULT_PARAMS, KIND_CUES, METHODS, prepareActivities, prepareRecommendations, suggest, type EngineParams } from '../src/suggest/engine.js';
import { loadCrosswalk } from '../src/suggest/sector-theme.js';
import { isBroad } from '../src/suggest/text.js';
import { freshDatabase } from './lib.js';
import { countryOf, loadSample, readJudgements, tuningSets } from './suggestions.lib.js';

// One tuning country (Kenya unless --countries= names another).
const [set] = tuningSets(process.argv.some((a) => a.startsWith('--countries=')) ? process.argv : ['--countries=KE']);
const country = countryOf(set!);
const json = process.argv.slice(2).find((a) => !a.startsWith('--'));
const override = json ? (JSON.parse(json) as Partial<EngineParams>) : {};
const params: EngineParams = { ...DEFAULT_PARAMS, ...override, weights: { ...DEFAULT_PARAMS.weights, ...override.weights } };
const { database, drop } = await freshDatabase();
try {
  await loadSample(database, [country]);
  const loaded = await loadCountry(database.db, country);
  const { activities, recommendations } = loaded;
  const J = readJudgements(set!);
  const pairs = suggest(activities, recommendations, { params: override, country: loaded.country }).pairs;
  const got = new Map(pairs.map((p) => [`${p.activityId}|${p.recommendationId}`, p]));
  const loose = suggest(activities, recommendations, { params: { ...override, recRelative: 0, maxPerActivity: 1000 }, country: loaded.country }).pairs;
  const gotLoose = new Map(loose.map((p) => [`${p.activityId}|${p.recommendationId}`, p]));

  const cw = loadCrosswalk();
  const acts = prepareActivities(activities, cw, new Set(METHODS));
  const recs = prepareRecommendations(recommendations);
  const recDf = new Map<string, number>();
  for (const r of recs) for (const s of new Set(r.tokens.map((t) => t.stem))) recDf.set(s, (recDf.get(s) ?? 0) + 1);
  const index = new Bm25Index(acts.map((a) => a.tf), { maxDf: params.maxDf }, { df: recDf, n: recs.length });
  const actIx = new Map(acts.map((a, i) => [a.id, i]));
  const recIx = new Map(recs.map((r, i) => [r.id, i]));
  const themeCount = new Map<string, number>();
  for (const r of recs) for (const th of new Set(r.themes)) themeCount.set(th, (themeCount.get(th) ?? 0) + 1);

  const describe = (aId: string, rId: string) => {
    const a = acts[actIx.get(aId)!]!;
    const r = recs[recIx.get(rId)!]!;
    const stems = [...new Set(r.tokens.map((t) => t.stem))];
    const sharedT = stems.filter((s) => a.tf.has(s));
    const lines: string[] = [];
    const specMass = stems.filter((s) => !isBroad(s)).reduce((x, s) => x + index.idf(s), 0);
    const terms = sharedT.map((s) => {
      const inf = index.informative(s);
      // The term's share of the recommendation's specific IDF mass ("-" when the recommendation has no specific term).
      const share = specMass > 0 ? `${((index.idf(s) / specMass) * 100).toFixed(0)}%` : '-';
      return `${s}${isBroad(s) ? '(broad)' : ''}${inf ? '' : '(df>max)'}[idf ${index.idf(s).toFixed(1)}, ${share}]`;
    });
    const themes = r.themes.flatMap((th) => (a.themes.get(th) ?? []).map((h) => `${h.via}↔${th} ${h.strength} (share ${((themeCount.get(th) ?? 0) / recs.length).toFixed(2)})`));
    const cue = r.kind !== 'other' ? (KIND_CUES[r.kind].test(a.text) ? 'cue ok' : 'CUE MISSING') : '';
    lines.push(`  act: ${a.text.replace(/\s+/g, ' ').slice(0, 220)}`);
    lines.push(`  rec: ${r.text.slice(0, 220)} [${r.themes.join('; ')}] ${r.kind} ${cue}`);
    lines.push(`  shared: ${terms.join(' ') || '-'}`);
    lines.push(`  crosswalk: ${themes.join('; ') || '-'}; dac ${activities[actIx.get(aId)!]!.dacCodes.join(' ')}; research ${a.scope.research} frame ${a.scope.frame}`);
    const l = gotLoose.get(`${aId}|${rId}`);
    if (l) {
      const recBest = Math.max(...loose.filter((p) => p.recommendationId === rId).map((p) => p.score));
      const actList = loose.filter((p) => p.activityId === aId).sort((x, y) => y.score - x.score);
      lines.push(`  above floor: score ${l.score} (${l.methods.join('+')}); rec best ${recBest.toFixed(3)} ratio ${(l.score / recBest).toFixed(2)}; rank in activity ${actList.findIndex((p) => p.recommendationId === rId) + 1} of ${actList.length}`);
    } else lines.push('  below floor or gated');
    return lines.join('\n');
  };

  const missed = J.filter((j) => j.relevant && !got.has(`${j.activity}|${j.recommendation}`));
  console.log(`## ${missed.length} judged-relevant pairs not suggested\n`);
  for (const j of missed) console.log(`- ${j.activity} ↔ ${j.recommendation} (${j.confidence}; ${j.reason})\n${describe(j.activity, j.recommendation)}`);
  const wrong = J.filter((j) => !j.relevant && j.confidence === 'high' && got.has(`${j.activity}|${j.recommendation}`));
  console.log(`\n## ${wrong.length} high-confidence irrelevant pairs suggested\n`);
  for (const j of wrong) {
    const p = got.get(`${j.activity}|${j.recommendation}`)!;
    console.log(`- ${j.activity} ↔ ${j.recommendation} (${j.reason}) score ${p.score} ${JSON.stringify(Object.fromEntries(Object.entries(p.evidence).map(([k, v]) => [k, typeof v === 'string' ? v : v.summary])))}\n${describe(j.activity, j.recommendation)}`);
  }
  const wrongMed = J.filter((j) => !j.relevant && j.confidence === 'medium' && got.has(`${j.activity}|${j.recommendation}`));
  console.log(`\n## ${wrongMed.length} medium irrelevant pairs suggested\n`);
  for (const j of wrongMed) console.log(`- ${j.activity} ↔ ${j.recommendation} (${j.reason}) score ${got.get(`${j.activity}|${j.recommendation}`)!.score}`);
} finally {
  await drop();
}
