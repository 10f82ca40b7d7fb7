import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Database } from '../src/db/client.js';
import { importFile } from '../src/importers/index.js';
import { fromRoot } from '../src/lib/paths.js';
import type { EngineActivity, EngineRecommendation, ScoredPair } from '../src/suggest/engine.js';

/**
 * Shared pieces of the suggestion benchmark and of the judged-set pool builder.
 *
 * The judged sets (test/fixtures/judgements/README.md): one file each, of one country. A country's first set is named
 * after it; a later draw of fresh activities of the same country is a set of its own (`uganda-2`), so that it can be
 * held out while the first is tuned on, or the other way round.
 */
export const JUDGED_SETS = {
  KE: { name: 'kenya', country: 'KE' },
  NP: { name: 'nepal', country: 'NP' },
  BD: { name: 'bangladesh', country: 'BD' },
  CO: { name: 'colombia', country: 'CO' },
  UG: { name: 'uganda', country: 'UG' },
  UG2: { name: 'uganda-2', country: 'UG' },
  CO2: { name: 'colombia-2', country: 'CO' },
  KE2: { name: 'kenya-2', country: 'KE' },
  NP2: { name: 'nepal-2', country: 'NP' },
  BD2: { name: 'bangladesh-2', country: 'BD' },
  UG3: { name: 'uganda-3', country: 'UG' },
  CO3: { name: 'colombia-3', country: 'CO' },
  UG4: { name: 'uganda-4', country: 'UG' },
  CO4: { name: 'colombia-4', country: 'CO' },
  BD3: { name: 'bangladesh-3', country: 'BD' },
  UG5: { name: 'uganda-5', country: 'UG' },
  BD4: { name: 'bangladesh-4', country: 'BD' },
  KE3: { name: 'kenya-3', country: 'KE' },
  NP3: { name: 'nepal-3', country: 'NP' },
  UG6: { name: 'uganda-6', country: 'UG' },
  KE4: { name: 'kenya-4', country: 'KE' },
  BD5: { name: 'bangladesh-5', country: 'BD' },
  KE5: { name: 'kenya-5', country: 'KE' },
  BD6: { name: 'bangladesh-6', country: 'BD' },
  NP4: { name: 'nepal-4', country: 'NP' },
  UG7: { name: 'uganda-7', country: 'UG' },
  KE6: { name: 'kenya-6', country: 'KE' },
  BD7: { name: 'bangladesh-7', country: 'BD' },
  NP5: { name: 'nepal-5', country: 'NP' },
  UG8: { name: 'uganda-8', country: 'UG' },
  KE7: { name: 'kenya-7', country: 'KE' },
  BD8: { name: 'bangladesh-8', country: 'BD' },
  NP6: { name: 'nepal-6', country: 'NP' },
  UG9: { name: 'uganda-9', country: 'UG' },
  KE8: { name: 'kenya-8', country: 'KE' },
  BD9: { name: 'bangladesh-9', country: 'BD' },
  NP7: { name: 'nepal-7', country: 'NP' },
  UG10: { name: 'uganda-10', country: 'UG' },
  CO5: { name: 'colombia-5', country: 'CO' },
  KE9: { name: 'kenya-9', country: 'KE' },
  BD10: { name: 'bangladesh-10', country: 'BD' },
  UG11: { name: 'uganda-11', country: 'UG' },
  CO6: { name: 'colombia-6', country: 'CO' },
  KE10: { name: 'kenya-10', country: 'KE' },
  BD11: { name: 'bangladesh-11', country: 'BD' },
  NP8: { name: 'nepal-8', country: 'NP' },
  CO7: { name: 'colombia-7', country: 'CO' },
  KE11: { name: 'kenya-11', country: 'KE' },
  BD12: { name: 'bangladesh-12', country: 'BD' },
  NP9: { name: 'nepal-9', country: 'NP' },
  CO8: { name: 'colombia-8', country: 'CO' },
  KE12: { name: 'kenya-12', country: 'KE' },
  BD13: { name: 'bangladesh-13', country: 'BD' },
  NP10: { name: 'nepal-10', country: 'NP' },
  KE13: { name: 'kenya-13', country: 'KE' },
  BD14: { name: 'bangladesh-14', country: 'BD' },
  NP11: { name: 'nepal-11', country: 'NP' },
  UG12: { name: 'uganda-12', country: 'UG' },
} as const;
export type JudgedSet = keyof typeof JUDGED_SETS;
export const setName = (s: JudgedSet) => JUDGED_SETS[s].name;
export const countryOf = (s: JudgedSet): string => JUDGED_SETS[s].country;
export const isJudgedSet = (s: string): s is JudgedSet => s in JUDGED_SETS;

/**
 * What each judged set is for: the engine is tuned on Kenya (since the first round), Nepal (since the fifth),
 * Bangladesh (since the sixth, after it was held out and evaluated in the fifth), Colombia (since the seventh, after it
 * was held out and evaluated in the sixth), and uganda-2 and colombia-2 (fresh Ugandan and Colombian activities pooled
 * before the seventh round's changes, held out in the seventh and eighth, tuned on since the ninth). Held out: Uganda
 * (every round), the fresh Kenyan, Nepali and Bangladeshi activities pooled before the eighth round's change (kenya-2,
 * nepal-2, bangladesh-2), and the fresh Kenyan, Bangladeshi, Nepali and Ugandan ones pooled before the thirteenth
 * round's changes (kenya-5, bangladesh-6, nepal-4, uganda-7). uganda-3 and colombia-3 (pooled before the ninth round's
 * changes, held out and evaluated once in it) are tuned on since the tenth; uganda-4, colombia-4 and bangladesh-3
 * (pooled before the tenth round's) since the eleventh; uganda-5, bangladesh-4, kenya-3 and nepal-3 (pooled before the
 * eleventh round's) since the twelfth; uganda-6, kenya-4 and bangladesh-5 (pooled before the twelfth round's) since the
 * thirteenth; kenya-5, bangladesh-6, nepal-4 and uganda-7 since the fourteenth; kenya-6, bangladesh-7, nepal-5 and uganda-8
 * (pooled before the fourteenth round, which changed nothing) since the fifteenth; kenya-7, bangladesh-8, nepal-6 and
 * uganda-9 (pooled before the fifteenth round's changes) since the sixteenth; kenya-8, bangladesh-9, nepal-7,
 * uganda-10 and colombia-5 since the seventeenth; kenya-9, bangladesh-10, uganda-11 and colombia-6 since the eighteenth;
 * kenya-10, bangladesh-11, nepal-8 and colombia-7 since the nineteenth; kenya-11, bangladesh-12, nepal-9 and colombia-8
 * since the twentieth; kenya-12, bangladesh-13 and nepal-10 (held out in rounds 20 and 21) since the twenty-second.
 * Held out now: Uganda (every round), kenya-2, nepal-2, bangladesh-2 and the sets pooled before the twenty-first
 * round's change (kenya-13, bangladesh-14, nepal-11, uganda-12: the last unjudged activities of the bundled files but
 * six Bangladeshi ones, so no round after the twenty-first had fresh sets to pool). The tuning aids (suggestions.tune.ts, suggestions.diagnose.ts) refuse to load them. A round that changes the engine after
 * a held-out evaluation pools fresh sets before the change.
 */
export const TUNING_SETS: readonly JudgedSet[] = ['KE', 'NP', 'BD', 'CO', 'UG2', 'CO2', 'UG3', 'CO3', 'UG4', 'CO4', 'BD3', 'UG5', 'BD4', 'KE3', 'NP3', 'UG6', 'KE4', 'BD5', 'KE5', 'BD6', 'NP4', 'UG7', 'KE6', 'BD7', 'NP5', 'UG8', 'KE7', 'BD8', 'NP6', 'UG9', 'KE8', 'BD9', 'NP7', 'UG10', 'CO5', 'KE9', 'BD10', 'UG11', 'CO6', 'KE10', 'BD11', 'NP8', 'CO7', 'KE11', 'BD12', 'NP9', 'CO8', 'KE12', 'BD13', 'NP10'];
export const HELD_OUT_SETS: readonly JudgedSet[] = ['UG', 'KE2', 'NP2', 'BD2', 'KE13', 'BD14', 'NP11', 'UG12'];
export const roleOf = (s: JudgedSet) => (TUNING_SETS.includes(s) ? 'tuned' : 'held out');

/** The tuning sets named by `--countries=KE,NP` (default: all of them); a held-out set is an error. */
export function tuningSets(argv: string[]): JudgedSet[] {
  const arg = argv.find((a) => a.startsWith('--countries='))?.slice('--countries='.length);
  const list = (arg ? arg.split(',').map((c) => c.trim().toUpperCase()) : [...TUNING_SETS]) as JudgedSet[];
  for (const c of list) {
    if (!TUNING_SETS.includes(c)) throw new Error(`${c} is not a tuning set (${TUNING_SETS.join(', ')}); held out: ${HELD_OUT_SETS.join(', ')}`);
  }
  return list;
}
export const judgementsPath = (s: JudgedSet) => fromRoot(`test/fixtures/judgements/${setName(s)}.csv`);
/** A complete second annotation of a set, blind to the first (`uganda-second.csv`), when there is one. */
export const secondAnnotationPath = (s: JudgedSet) => fromRoot(`test/fixtures/judgements/${setName(s)}-second.csv`);

/** The bundled UPR Info sample and the IATI files of the given countries. */
export async function loadSample(database: Database, countries: string[]) {
  await importFile(database.db, 'upr-info', fromRoot('data/sample/upr-info_recommendations_sample.csv'), { mode: 'atomic', dryRun: false });
  for (const c of countries) {
    await importFile(database.db, 'iati', fromRoot(`data/sample/iati/dportal-covid19-2021_recipient-${c}.xml`), { mode: 'skip-invalid', dryRun: false });
  }
}

export interface Judgement {
  activity: string;
  recommendation: string;
  relevant: boolean;
  confidence: 'high' | 'medium';
  pool: string;
  reason: string;
}

export function readJudgements(c: JudgedSet, path = judgementsPath(c)): Judgement[] {
  const rows = parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  return rows.map((r) => ({
    activity: r.activity!,
    recommendation: r.recommendation!,
    relevant: r.relevant === '1',
    confidence: (r.confidence === 'medium' ? 'medium' : 'high') as Judgement['confidence'],
    pool: r.pool ?? '',
    reason: r.reason ?? '',
  }));
}

/**
 * A judging sheet shows the texts only — never a score or the method that proposed a pair: an activity as its header
 * line (`=== id …` with the DAC codes) and its narratives, each recommendation as one line with its themes.
 */
export function activitySheetLines(a: EngineActivity, header = `${a.id} DAC ${a.dacCodes.join(' ')}`, maxChars = 1500): string[] {
  return [`\n=== ${header}`, ...a.narratives.map((n) => `  ${n.kind}(${n.lang ?? '-'}): ${n.text.replace(/\s+/g, ' ').slice(0, maxChars)}`)];
}

export function recommendationSheetLine(r: EngineRecommendation, marker = '->', note = ''): string {
  return `  ${marker} ${r.id}${note} [${r.themes.join('; ')}] ${r.text}`;
}

/**
 * One set's suggested pairs and judgements with their activities keyed by the set, for figures pooled over several sets:
 * a multi-country activity judged in one set says nothing of its pairs in another.
 */
export function keyedBySet(set: string, pairs: ScoredPair[], J: Judgement[]): { pairs: ScoredPair[]; J: Judgement[] } {
  return { pairs: pairs.map((p) => ({ ...p, activityId: `${set}:${p.activityId}` })), J: J.map((j) => ({ ...j, activity: `${set}:${j.activity}` })) };
}

/** What kind of activity it is, for stratified pooling: the first rule that fires. */
export type ActivityKind = 'procurement' | 'research' | 'humanitarian' | 'governance' | 'education' | 'health' | 'other';

export function activityKind(a: EngineActivity): ActivityKind {
  const text = a.narratives.map((n) => n.text).join(' ').toLowerCase();
  const has = (prefixes: string[]) => a.dacCodes.some((c) => prefixes.some((p) => c.startsWith(p)));
  if (/\b(procure\w*|procurement|personal protective|ppe)\b/.test(text)) return 'procurement';
  if (has(['12182', '43082', '11182']) || /\b(research|seroprevalence|surveillance study|studies)\b/.test(text)) return 'research';
  if (has(['72', '73', '74'])) return 'humanitarian';
  if (has(['151', '152'])) return 'governance';
  if (has(['11', '43081'])) return 'education';
  if (has(['12', '13'])) return 'health';
  return 'other';
}

/** A small seeded PRNG (mulberry32), so that the pool and the random pairs can be rebuilt exactly. */
export function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(xs: T[], rand: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
