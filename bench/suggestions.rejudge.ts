/**
 * Lists the pairs a suggestion system proposes for the judged activities that are not judged yet, so that they can be
 * judged (test/fixtures/judgements/README.md, "Re-judging"). The sheet shows the texts only, never the scores: the
 * judge reads the activity and the recommendation against GUIDELINE.md.
 *
 *   node --import tsx bench/suggestions.rejudge.ts KE > /tmp/ke-unjudged.txt      (combined engine, default)
 *   METHODS=sector-theme node --import tsx bench/suggestions.rejudge.ts KE        (one method alone)
 */
import { loadCountry } from '../src/modules/suggestions/suggestions.queries.js';
import { METHODS, suggest, type Method } from '../src/suggest/engine.js';
import { freshDatabase } from './lib.js';
import { activitySheetLines, countryOf, isJudgedSet, JUDGED_SETS, loadSample, readJudgements, recommendationSheetLine } from './suggestions.lib.js';

const set = (process.argv[2] ?? 'KE').toUpperCase();
if (!isJudgedSet(set)) throw new Error(`the judged set must be one of ${Object.keys(JUDGED_SETS).join(', ')}`);
const country = countryOf(set);
const methods = (process.env.METHODS?.split(',').filter(Boolean) ?? [...METHODS]) as Method[];

const { database, drop } = await freshDatabase();
try {
  await loadSample(database, [country]);
  const loaded = await loadCountry(database.db, country);
  const { activities, recommendations } = loaded;
  const J = readJudgements(set);
  const judged = new Set(J.map((j) => `${j.activity}|${j.recommendation}`));
  const acts = new Set(J.map((j) => j.activity));
  const pairs = suggest(activities, recommendations, { methods, country: loaded.country }).pairs.filter(
    (p) => acts.has(p.activityId) && !judged.has(`${p.activityId}|${p.recommendationId}`),
  );
  const actById = new Map(activities.map((a) => [a.id, a]));
  const recById = new Map(recommendations.map((r) => [r.id, r]));
  const byAct = new Map<string, string[]>();
  for (const p of pairs) byAct.set(p.activityId, [...(byAct.get(p.activityId) ?? []), p.recommendationId]);
  const lines: string[] = [`${pairs.length} unjudged pairs (${methods.join('+')}) over ${byAct.size} judged activities of ${set} (${country})`];
  for (const [id, recIds] of [...byAct].sort()) {
    lines.push(...activitySheetLines(actById.get(id)!));
    // Recommendation order is by id, not by score.
    for (const r of recIds.sort()) lines.push(recommendationSheetLine(recById.get(r)!));
  }
  process.stdout.write(lines.join('\n') + '\n');
} finally {
  await drop();
}
