import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Database } from '../src/db/client.js';
import { importFile } from '../src/importers/index.js';
import { fromRoot } from '../src/lib/paths.js';
import type { EngineActivity } from '../src/suggest/engine.js';

/** Shared pieces of the suggestion benchmark and of the judged-set pool builder. */
export const JUDGED_COUNTRIES = { KE: 'kenya', NP: 'nepal', BD: 'bangladesh', UG: 'uganda', CO: 'colombia' } as const;
export type JudgedCountry = keyof typeof JUDGED_COUNTRIES;

/**
 * What each judged set is for (test/fixtures/judgements/README.md): the engine is tuned on Kenya (since the first
 * round), Nepal (since the fifth) and Bangladesh (since the sixth, after it was held out and evaluated in the fifth);
 * Uganda and Colombia are held out — the tuning aids (suggestions.tune.ts, suggestions.diagnose.ts) refuse to load
 * them. Each round that tunes on a held-out set pools a fresh one before any change.
 */
export const TUNING_COUNTRIES: readonly JudgedCountry[] = ['KE', 'NP', 'BD'];
export const HELD_OUT_COUNTRIES: readonly JudgedCountry[] = ['UG', 'CO'];
export const roleOf = (c: JudgedCountry) => (TUNING_COUNTRIES.includes(c) ? 'tuned' : 'held out');

/** The tuning countries named by `--countries=KE,NP` (default: all of them); a held-out country is an error. */
export function tuningCountries(argv: string[]): JudgedCountry[] {
  const arg = argv.find((a) => a.startsWith('--countries='))?.slice('--countries='.length);
  const list = (arg ? arg.split(',').map((c) => c.trim().toUpperCase()) : [...TUNING_COUNTRIES]) as JudgedCountry[];
  for (const c of list) {
    if (!TUNING_COUNTRIES.includes(c)) throw new Error(`${c} is not a tuning country (${TUNING_COUNTRIES.join(', ')}); held out: ${HELD_OUT_COUNTRIES.join(', ')}`);
  }
  return list;
}
export const judgementsPath = (c: JudgedCountry) => fromRoot(`test/fixtures/judgements/${JUDGED_COUNTRIES[c]}.csv`);

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

export function readJudgements(c: JudgedCountry): Judgement[] {
  const rows = parse(readFileSync(judgementsPath(c), 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  return rows.map((r) => ({
    activity: r.activity!,
    recommendation: r.recommendation!,
    relevant: r.relevant === '1',
    confidence: (r.confidence === 'medium' ? 'medium' : 'high') as Judgement['confidence'],
    pool: r.pool ?? '',
    reason: r.reason ?? '',
  }));
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
