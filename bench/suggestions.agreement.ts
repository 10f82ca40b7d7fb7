/**
 * How reliable are the judged sets? A second annotator judges a sample of each set blind (texts only, no first
 * judgement, no score, no method), and this script measures the agreement (test/fixtures/judgements/README.md,
 * "Agreement").
 *
 *   node --import tsx bench/suggestions.agreement.ts sheet > /tmp/agreement.txt
 *       the sample: per judged country, up to 20 pairs judged relevant and 40 judged irrelevant, drawn with seed
 *       20261201, shuffled together and listed by activity (recommendations in id order). The sample depends on the
 *       judged files as they stand: the one in agreement.csv was drawn at commit 22e12fc (Kenya, Nepal, Uganda,
 *       Bangladesh)
 *   node --import tsx bench/suggestions.agreement.ts score test/fixtures/judgements/agreement.csv
 *       per country: raw agreement, Cohen's kappa, and how many of each first judgement the second kept
 *   node --import tsx bench/suggestions.agreement.ts full UG > /tmp/uganda-second.txt
 *       every pair of one judged set, listed the same way (by activity, recommendations in id order, no judgement):
 *       the sheet for a complete second annotation of a set (uganda-second.csv; README "Agreement")
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { loadCountry } from '../src/modules/suggestions/suggestions.queries.js';
import { freshDatabase } from './lib.js';
import {
  activitySheetLines,
  countryOf,
  JUDGED_SETS,
  loadSample,
  readJudgements,
  recommendationSheetLine,
  rng,
  setName,
  shuffle,
  type JudgedSet,
  type Judgement,
} from './suggestions.lib.js';

const SEED = 20261201;
const countries = Object.keys(JUDGED_SETS) as JudgedSet[];

function sample(c: JudgedSet): Judgement[] {
  const rand = rng(SEED);
  const J = readJudgements(c);
  const rel = shuffle(
    J.filter((j) => j.relevant),
    rand,
  ).slice(0, 20);
  const irr = shuffle(
    J.filter((j) => !j.relevant),
    rand,
  ).slice(0, 40);
  return shuffle([...rel, ...irr], rand);
}

if (process.argv[2] === 'sheet' || process.argv[2] === 'full') {
  const full = process.argv[2] === 'full';
  const only = (process.argv[3] ?? '').toUpperCase();
  if (full && !countries.includes(only as JudgedSet)) throw new Error(`full needs one judged set: ${countries.join(', ')}`);
  // The agreement sample was drawn from the first four sets as they stood at commit 22e12fc.
  const sets: JudgedSet[] = full ? [only as JudgedSet] : ['KE', 'NP', 'BD', 'UG'];
  const { database, drop } = await freshDatabase();
  try {
    await loadSample(database, [...new Set(sets.map(countryOf))]);
    const lines: string[] = [];
    for (const c of sets) {
      const { activities, recommendations } = await loadCountry(database.db, countryOf(c));
      const actById = new Map(activities.map((a) => [a.id, a]));
      const recById = new Map(recommendations.map((r) => [r.id, r]));
      const byAct = new Map<string, string[]>();
      for (const j of full ? readJudgements(c) : sample(c)) byAct.set(j.activity, [...(byAct.get(j.activity) ?? []), j.recommendation]);
      lines.push(`\n##### ${setName(c)}`);
      for (const [id, recIds] of byAct) {
        lines.push(...activitySheetLines(actById.get(id)!));
        for (const r of recIds.sort()) lines.push(recommendationSheetLine(recById.get(r)!));
      }
    }
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    await drop();
  }
} else if (process.argv[2] === 'score') {
  // The second annotator's pairs against the first judgements as they are now (re-judging rounds only add pairs).
  const second = parse(readFileSync(process.argv[3]!, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  console.log('| country | pairs | agreement | Cohen κ | first relevant → second relevant | first irrelevant → second irrelevant | first high-conf. irrelevant → second irrelevant |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const c of countries) {
    const first = new Map(readJudgements(c).map((j) => [`${j.activity}|${j.recommendation}`, j]));
    const pairs = second.filter((r) => first.has(`${r.activity}|${r.recommendation}`)).map((r) => ({ a: first.get(`${r.activity}|${r.recommendation}`)!, b: r.relevant === '1' }));
    const n = pairs.length;
    if (!n) continue;
    const agree = pairs.filter((p) => p.a.relevant === p.b).length / n;
    const p1 = pairs.filter((p) => p.a.relevant).length / n;
    const p2 = pairs.filter((p) => p.b).length / n;
    const pe = p1 * p2 + (1 - p1) * (1 - p2);
    const kappa = pe < 1 ? (agree - pe) / (1 - pe) : 1;
    const kept = (xs: typeof pairs, v: boolean) => `${xs.filter((p) => p.b === v).length} of ${xs.length}`;
    const rel = pairs.filter((p) => p.a.relevant);
    const irr = pairs.filter((p) => !p.a.relevant);
    const hc = irr.filter((p) => p.a.confidence === 'high');
    console.log(`| ${setName(c)} | ${n} | ${agree.toFixed(2)} | ${kappa.toFixed(2)} | ${kept(rel, true)} | ${kept(irr, false)} | ${kept(hc, false)} |`);
  }
} else {
  console.error('usage: suggestions.agreement.ts sheet | score <second-annotator.csv>');
  process.exit(2);
}
