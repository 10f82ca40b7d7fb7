// npm run bench:generate -- --scale S|M|L [--seed 42] [--database oda_bench_l]
//
// A deterministic (seeded) coverage dataset in its own PostgreSQL database, loaded with COPY through psql.
// Shapes are drawn from the real files: recommendation texts, themes per recommendation and response mix
// from the UPR Info sample; transactions per activity, countries per activity (and their percentages),
// transaction types, currencies, values and sectors from the five D-Portal IATI files. Sizes and the
// skew of countries follow the coverage issue (L: the largest country, KE, about 3,500 recommendations and
// 25,000 activities). Secondary indexes are dropped during the load and rebuilt after it, and foreign-key
// and change triggers are off during COPY (session_replication_role = replica); coverage_inputs is bumped at
// the end, so the coverage cache sees the load like any import.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { parse as parseCsv } from 'csv-parse/sync';
import pg from 'pg';
import { createDb } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { loadBundledRates } from '../src/importers/rates.importer.js';
import { loadReferenceData } from '../src/importers/reference.importer.js';
import { fromRoot } from '../src/lib/paths.js';

export const SCALES = {
  S: { recommendations: 5_000, activities: 10_000, transactions: 100_000, links: 25_000 },
  M: { recommendations: 100_000, activities: 200_000, transactions: 2_000_000, links: 500_000 },
  L: { recommendations: 270_000, activities: 1_000_000, transactions: 10_000_000, links: 3_000_000 },
} as const;
export type Scale = keyof typeof SCALES;
/** The largest country's share of recommendations and of activities (L: 3,500 of 270,000; 25,000 of 1,000,000). */
const TOP_REC_SHARE = 3_500 / 270_000;
const TOP_ACT_SHARE = 25_000 / 1_000_000;
export const LARGEST_COUNTRY = 'KE';
const DONORS = 600;

// ---------------------------------------------------------------- seeded randomness

/** mulberry32: small, fast and good enough for shapes. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
/** Cumulative weights → index sampler. */
function sampler(weights: number[]) {
  const cum: number[] = [];
  let s = 0;
  for (const w of weights) cum.push((s += w));
  return (r: Rand) => {
    const x = r() * s;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}
/** Weights 1/(rank + c) over n items with the first carrying `top` of the total. */
function zipf(n: number, top: number): number[] {
  let lo = 0.01;
  let hi = 1e6;
  for (let i = 0; i < 100; i++) {
    const c = Math.sqrt(lo * hi);
    let sum = 0;
    for (let k = 0; k < n; k++) sum += 1 / (k + c);
    const share = 1 / c / sum;
    if (share > top) lo = c;
    else hi = c;
  }
  const c = Math.sqrt(lo * hi);
  return Array.from({ length: n }, (_, k) => 1 / (k + c));
}

// ---------------------------------------------------------------- shapes from the real files

interface Shapes {
  texts: string[];
  themeSets: string[][];
  responses: string[];
  txPerActivity: number[];
  countrySets: { n: number; percentages: (number | null)[] }[];
  txTypes: string[];
  currencies: string[];
  values: number[];
  sectors: string[];
  txCountryShare: number;
  titles: string[];
}

export function readShapes(): Shapes {
  const upr = parseCsv(readFileSync(fromRoot('data/sample/upr-info_recommendations_sample.csv'), 'utf8'), { columns: true, bom: true }) as Record<string, string>[];
  const texts = upr.map((r) => r.Text ?? '').filter(Boolean);
  const themeSets = upr.map((r) => (r.Issue ?? '').split(',').map((s) => s.trim()).filter(Boolean));
  const responses = upr.map((r) => (/^accepted|supported/i.test(r.Response ?? '') ? 'supported' : 'noted'));
  const txPerActivity: number[] = [];
  const countrySets: Shapes['countrySets'] = [];
  const txTypes: string[] = [];
  const currencies: string[] = [];
  const values: number[] = [];
  const sectors: string[] = [];
  const titles: string[] = [];
  let txWithCountry = 0;
  let txAll = 0;
  const dir = fromRoot('data/sample/iati');
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.xml'))) {
    const xml = readFileSync(`${dir}/${f}`, 'utf8');
    for (const block of xml.match(/<iati-activity[\s>][\s\S]*?<\/iati-activity>/g) ?? []) {
      const dc = /default-currency="([A-Z]{3})"/.exec(block)?.[1];
      const txs = block.match(/<transaction[\s>][\s\S]*?<\/transaction>/g) ?? [];
      txPerActivity.push(txs.length);
      const rcs = [...block.replace(/<transaction[\s>][\s\S]*?<\/transaction>/g, '').matchAll(/<recipient-country\b([^>]*)>/g)].map((m) => {
        const p = /percentage="([\d.]+)"/.exec(m[1]!)?.[1];
        return p === undefined ? null : Number(p);
      });
      if (rcs.length) countrySets.push({ n: rcs.length, percentages: rcs });
      const title = /<title>\s*<narrative[^>]*>([^<]{1,300})/.exec(block)?.[1];
      if (title) titles.push(title.trim());
      for (const s of block.matchAll(/<sector\b[^>]*code="(\d{5})"/g)) sectors.push(s[1]!);
      for (const tx of txs) {
        txAll++;
        if (/<recipient-country\b/.test(tx)) txWithCountry++;
        const type = /<transaction-type[^>]*code="(\d+)"/.exec(tx)?.[1];
        if (type) txTypes.push(type);
        const cur = /<value[^>]*currency="([A-Z]{3})"/.exec(tx)?.[1] ?? dc;
        if (cur) currencies.push(cur);
        const v = Number(/<value[^>]*>\s*([-\d.]+)/.exec(tx)?.[1]);
        if (Number.isFinite(v) && v > 0) values.push(v);
      }
    }
  }
  return { texts, themeSets, responses, txPerActivity, countrySets, txTypes, currencies, values, sectors, txCountryShare: txWithCountry / Math.max(txAll, 1), titles };
}

// ---------------------------------------------------------------- COPY through psql

function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return csvField(`{${v.map((x) => `"${String(x).replace(/["\\]/g, '\\$&')}"`).join(',')}}`);
  const s = String(v);
  return /[",\n\r]/.test(s) || s === '' ? `"${s.replace(/"/g, '""')}"` : s;
}

class Copier {
  private proc;
  private buf: string[] = [];
  private size = 0;
  rows = 0;
  constructor(url: string, table: string, columns: string[]) {
    this.proc = spawn('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', `set session_replication_role = replica; copy ${table} (${columns.join(', ')}) from stdin with (format csv)`], {
      stdio: ['pipe', 'inherit', 'inherit'],
    });
  }
  async row(values: unknown[]) {
    this.buf.push(values.map(csvField).join(','));
    this.rows++;
    if (++this.size >= 5000) await this.flush();
  }
  private async flush() {
    if (!this.buf.length) return;
    const chunk = this.buf.join('\n') + '\n';
    this.buf = [];
    this.size = 0;
    if (!this.proc.stdin.write(chunk)) await once(this.proc.stdin, 'drain');
  }
  async end() {
    await this.flush();
    this.proc.stdin.end();
    const [code] = (await once(this.proc, 'exit')) as [number];
    if (code !== 0) throw new Error(`psql copy exited with ${code}`);
  }
}

// ---------------------------------------------------------------- the generator

const MECHANISMS: [string, string[], number][] = [
  ['UPR', ['UPR'], 0.62],
  ['TB', ['CESCR', 'CCPR', 'CEDAW', 'CRC', 'CAT', 'CERD', 'CRPD', 'CMW', 'CED'], 0.28],
  ['SP', ['SR on the right to food', 'SR on freedom of expression', 'WG on arbitrary detention', 'IE on sexual orientation and gender identity', 'SR on the rights of indigenous peoples'], 0.1],
];
const AFFECTED = ['Women & girls', 'Children', 'Persons with disabilities', 'Migrants', 'Indigenous peoples', 'Human rights defenders', 'Persons living in poverty', 'LGBTI persons'];

export async function generate(opts: { scale: Scale; seed: number; url: string; database: string; log?: (s: string) => void }) {
  const log = opts.log ?? ((s: string) => process.stderr.write(`${s}\n`));
  const size = SCALES[opts.scale];
  const r = rng(opts.seed);
  const shapes = readShapes();
  const t0 = Date.now();
  const lap = (what: string) => log(`${((Date.now() - t0) / 1000).toFixed(1)} s  ${what}`);

  const admin = new pg.Client({ connectionString: opts.url });
  await admin.connect();
  await admin.query(`drop database if exists ${opts.database} with (force)`);
  await admin.query(`create database ${opts.database}`);
  await admin.end();
  const u = new URL(opts.url);
  u.pathname = `/${opts.database}`;
  const url = u.toString();
  const database = await createDb({ databaseUrl: url, poolMax: 2 });
  await runMigrations(database);
  await loadReferenceData(database.db);
  await loadBundledRates(database.db);
  const pool = database.pool!;
  lap('migrated, reference data and bundled rates loaded');

  const countryRows = (await pool.query<{ code: string }>(`select code from countries where not withdrawn and code ~ '^[A-Z]{2}$' order by code`)).rows;
  const countries = [LARGEST_COUNTRY, ...countryRows.map((c) => c.code).filter((c) => c !== LARGEST_COUNTRY)].slice(0, 195);
  const recCountry = sampler(zipf(countries.length, TOP_REC_SHARE));
  const actCountry = sampler(zipf(countries.length, TOP_ACT_SHARE));
  const donorOf = sampler(zipf(DONORS, 0.04));
  const donorCurrency = Array.from({ length: DONORS }, () => pick(r, shapes.currencies));
  const runId = `bench-generate-${opts.scale}-${opts.seed}`;
  const sha = createHash('sha256').update(`${opts.scale}:${opts.seed}`).digest('hex');
  await pool.query(
    `insert into import_runs (id, kind, file_name, sha256, mode, status, started_at, finished_at, counts) values ($1, 'bench', $2, $3, 'atomic', 'succeeded', now(), now(), $4)`,
    [runId, `bench/generate.ts --scale ${opts.scale} --seed ${opts.seed}`, sha, JSON.stringify(size)],
  );

  // Secondary indexes off during the load; rebuilt from their own definitions after it.
  const tables = ['recommendations', 'activities', 'activity_recipient_countries', 'transactions', 'links', 'suggestions', 'coverage_tx_shares', 'coverage_tx_buckets'];
  const idx = (
    await pool.query<{ indexname: string; indexdef: string }>(
      `select i.indexname, i.indexdef from pg_indexes i
       where i.tablename = any($1) and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`,
      [tables],
    )
  ).rows;
  for (const i of idx) await pool.query(`drop index ${i.indexname}`);
  lap(`dropped ${idx.length} secondary indexes`);

  // Recommendations.
  const recsByCountry = new Map<string, number[]>();
  const recCountryOf: string[] = [];
  const themeVocab = [...new Set(shapes.themeSets.flat())];
  const rc = new Copier(url, 'recommendations', [
    'id', 'country', 'mechanism', 'body', 'session', 'cycle', 'response', 'themes', 'affected_persons', 'sdg_goals', 'sdg_targets', 'text', 'published_on', 'content_hash', 'import_run_id',
  ]);
  const mechOf = sampler(MECHANISMS.map((m) => m[2]));
  for (let i = 0; i < size.recommendations; i++) {
    const c = countries[recCountry(r)]!;
    recCountryOf.push(c);
    (recsByCountry.get(c) ?? recsByCountry.set(c, []).get(c)!).push(i);
    const [mechanism, bodies] = MECHANISMS[mechOf(r)]!;
    const session = mechanism === 'UPR' ? 1 + Math.floor(r() * 46) : null;
    const cycle = session === null ? null : session <= 12 ? 1 : session <= 26 ? 2 : session <= 40 ? 3 : 4;
    const themes = mechanism === 'UPR' ? pick(r, shapes.themeSets) : [pick(r, themeVocab), ...(r() < 0.4 ? [pick(r, themeVocab)] : [])];
    const goals = [...new Set(Array.from({ length: Math.floor(r() * 3) }, () => String(1 + Math.floor(r() * 17))))];
    const year = 2008 + Math.floor(r() * 17);
    await rc.row([
      `gen-r-${i}`, c, mechanism, pick(r, bodies), session, cycle, mechanism === 'UPR' ? pick(r, shapes.responses) : null,
      [...new Set(themes)], r() < 0.5 ? [pick(r, AFFECTED)] : [], goals, goals.map((g) => `${g}.${1 + Math.floor(r() * 5)}`),
      pick(r, shapes.texts), `${year}-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-15`, `h${i}`, runId,
    ]);
  }
  await rc.end();
  lap(`${rc.rows} recommendations`);

  // Activities, their countries and transactions.
  const actsByCountry = new Map<string, number[]>();
  const txMean = shapes.txPerActivity.reduce((a, b) => a + b, 0) / shapes.txPerActivity.length;
  const txScale = size.transactions / size.activities / txMean;
  const ac = new Copier(url, 'activities', [
    'iati_identifier', 'reporting_org_ref', 'reporting_org_name', 'title', 'status', 'default_currency', 'planned_start', 'planned_end', 'country_codes', 'sector_codes', 'content_hash', 'import_run_id',
  ]);
  const cc = new Copier(url, 'activity_recipient_countries', ['activity_id', 'position', 'code', 'percentage']);
  const tc = new Copier(url, 'transactions', ['activity_id', 'position', 'type', 'date', 'value', 'currency', 'value_date', 'recipient_country']);
  let txLeft = size.transactions;
  for (let i = 0; i < size.activities; i++) {
    const id = `gen-a-${i}`;
    const donor = donorOf(r);
    const set = r() < 0.85 ? { n: 1, percentages: [r() < 0.7 ? 100 : null] } : pick(r, shapes.countrySets);
    const codes = new Set<string>([countries[actCountry(r)]!]);
    while (codes.size < set.n) codes.add(countries[actCountry(r)]!);
    const list = [...codes];
    for (const c of list) (actsByCountry.get(c) ?? actsByCountry.set(c, []).get(c)!).push(i);
    const start = 2012 + Math.floor(r() * 12);
    const currency = r() < 0.9 ? donorCurrency[donor]! : pick(r, shapes.currencies);
    const sector = pick(r, shapes.sectors);
    await ac.row([
      id, `GEN-DONOR-${donor}`, `Donor ${donor}`, pick(r, shapes.titles), '2', currency, `${start}-01-01`, `${start + 1 + Math.floor(r() * 5)}-12-31`, list, [sector], `h${i}`, runId,
    ]);
    for (let k = 0; k < list.length; k++) await cc.row([id, k + 1, list[k], set.percentages[k] ?? null]);
    const want = pick(r, shapes.txPerActivity) * txScale;
    let n = Math.floor(want) + (r() < want - Math.floor(want) ? 1 : 0);
    if (i === size.activities - 1) n = Math.max(n, txLeft);
    n = Math.min(n, txLeft);
    txLeft -= n;
    for (let k = 0; k < n; k++) {
      const date = `${start + Math.floor(r() * 6)}-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`;
      const value = Math.round(pick(r, shapes.values) * (0.5 + r()) * 100) / 100;
      const txCountry = r() < shapes.txCountryShare ? pick(r, list) : null;
      await tc.row([id, k + 1, pick(r, shapes.txTypes), date, value, currency, date, txCountry]);
    }
  }
  await Promise.all([ac.end(), cc.end(), tc.end()]);
  lap(`${ac.rows} activities, ${cc.rows} recipient countries, ${tc.rows} transactions`);

  // Links: a recommendation, then an activity working in its country; live pairs unique.
  const lc = new Copier(url, 'links', ['id', 'activity_id', 'recommendation_id', 'country', 'weight', 'status', 'method', 'rationale', 'created_by', 'updated_by']);
  const sc = new Copier(url, 'suggestions', ['id', 'activity_id', 'recommendation_id', 'country', 'score', 'methods', 'evidence', 'status']);
  const seen = new Set<string>();
  const WEIGHTS = [1, 1, 1, 0.5, 0.5, 0.3, 0.25, 0.2, 0.1];
  const STATUS = sampler([0.8, 0.1, 0.1]);
  const add = async (asSuggestion: boolean) => {
    for (;;) {
      const rec = Math.floor(r() * size.recommendations);
      const c = recCountryOf[rec]!;
      const acts = actsByCountry.get(c);
      if (!acts?.length) continue;
      const act = pick(r, acts);
      const key = `${act}:${rec}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (asSuggestion)
        await sc.row([`gen-s-${sc.rows}`, `gen-a-${act}`, `gen-r-${rec}`, c, Math.round(r() * 100) / 100, '{sdg-match}', '{}', 'open']);
      else
        await lc.row([`gen-l-${lc.rows}`, `gen-a-${act}`, `gen-r-${rec}`, c, pick(r, WEIGHTS), ['accepted', 'suggested', 'rejected'][STATUS(r)], 'manual', 'generated', 'bench', 'bench']);
      return;
    }
  };
  for (let i = 0; i < size.links; i++) await add(false);
  for (let i = 0; i < Math.round(size.links / 6); i++) await add(true);
  await Promise.all([lc.end(), sc.end()]);
  lap(`${lc.rows} links, ${sc.rows} suggestions`);

  // coverage_tx_shares (and its buckets) are derived from transactions and recipient countries / regions; their triggers were off
  // during COPY, so compute it in one pass (the same function the triggers and a backfill use), in country order.
  const c = await pool.connect();
  try {
    await c.query(`set work_mem = '256MB'`);
    await c.query(`set maintenance_work_mem = '512MB'`);
    await c.query(`select coverage_shares_rebuild()`);
    lap('computed coverage_tx_shares and coverage_tx_buckets');
    // Likewise the recommendation counts behind list totals and unfiltered facets.
    await c.query(`select recommendation_facet_counts_rebuild()`);
    lap('counted recommendation facets');
    for (const i of idx) await c.query(i.indexdef);
    lap(`rebuilt ${idx.length} indexes`);
  } finally {
    c.release();
  }
  // Index-only scans of the coverage indexes need the visibility map.
  await pool.query(`vacuum analyze`);
  // The load is an input change like any import (triggers were off during COPY).
  await pool.query(`update coverage_inputs set version = version + 1, changed_at = now()`);
  await pool.query(`insert into coverage_inputs (source, version) values ('bench-generate', 1) on conflict (source) do update set version = coverage_inputs.version + 1`);
  lap('analyzed');
  const top = { recommendations: recsByCountry.get(LARGEST_COUNTRY)?.length ?? 0, activities: actsByCountry.get(LARGEST_COUNTRY)?.length ?? 0 };
  await database.close();
  return { url, size, largest: { country: LARGEST_COUNTRY, ...top }, seconds: (Date.now() - t0) / 1000 };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const scale = (arg('scale') ?? 'S').toUpperCase() as Scale;
  if (!(scale in SCALES)) {
    console.error('usage: npm run bench:generate -- --scale S|M|L [--seed N] [--database NAME]');
    process.exit(2);
  }
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:54329/postgres';
  const result = await generate({ scale, seed: Number(arg('seed') ?? 42), url, database: arg('database') ?? `oda_bench_${scale.toLowerCase()}`, log: console.error });
  console.log(JSON.stringify(result, null, 2));
}
