// npm run bench:coverage [-- --database oda_bench_l --seconds 30 --only matrix --after-change-only]
//
// Against the largest country (KE) of a generated dataset (npm run bench:generate -- --scale L): each
// coverage endpoint under autocannon (8 connections, 30 s), cold (every request a distinct `from` date, so
// no answer is cached) and warm (one URL repeated), beside the floor: the same answer computed by the
// database alone — the statements of the SQL formulation of the method (src/modules/coverage/coverage.sql.ts)
// for that request, captured from the pool and replayed straight through pg by 8 concurrent clients, with the
// same distinct dates. Prints p50 / p95 / p99 and requests/s, and API ÷ SQL at p50. Then the first answer
// after a change (the data version bumped, so the scope's facts are reloaded), five times per scope, and the
// server's resident memory.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createDb } from '../src/db/client.js';
import { fromRoot } from '../src/lib/paths.js';
import { dataVersion } from '../src/modules/coverage/coverage.queries.js';
import {
  sqlCoverageByDonor,
  sqlCoverageByRecommendation,
  sqlCoverageMatrix,
  sqlCoverageSummary,
  sqlDonorAlignment,
} from '../src/modules/coverage/coverage.sql.js';
import { LARGEST_COUNTRY } from './generate.js';

// autocannon ships no types; the slice of its API used here.
interface Cannon extends PromiseLike<unknown> {
  on(event: 'response', fn: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (opts: Record<string, unknown>) => Cannon;

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:54329/postgres');
base.pathname = `/${arg('database') ?? 'oda_bench_l'}`;
const url = base.toString();
const seconds = Number(arg('seconds') ?? 30);
const CONNECTIONS = 8;
const BASE_FROM = '2000-01-01';
/** A distinct but equivalent period per request: from moves one day back each time, before any data. */
const fromOf = (i: number) => new Date(Date.UTC(2000, 0, 1) - (i % 3000) * 86_400_000).toISOString().slice(0, 10);

interface Stats {
  p50: number;
  p95: number;
  p99: number;
  rps: number;
  n: number;
  errors: number;
}
function stats(ms: number[], secs: number, errors = 0): Stats {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]! : NaN);
  return { p50: q(0.5), p95: q(0.95), p99: q(0.99), rps: s.length / secs, n: s.length, errors };
}

const database = await createDb({ databaseUrl: url, poolMax: 10 });
// Capture every statement the API sends, so the floor replays exactly the same SQL.
let capture: { text: string; values: unknown[] }[] | null = null;
const pool = database.pool!;
const query = pool.query.bind(pool) as (...a: unknown[]) => Promise<unknown>;
const record = (a: unknown[]) => {
  const q = a[0] as { text?: string; values?: unknown[] } | string;
  if (capture) capture.push({ text: typeof q === 'string' ? q : (q.text ?? ''), values: (typeof q === 'string' ? undefined : q.values) ?? (a[1] as unknown[] | undefined) ?? [] });
};
(pool as unknown as { query: (...a: unknown[]) => Promise<unknown> }).query = (...a: unknown[]) => {
  record(a);
  return query(...a);
};
// Coverage statements run in a transaction (SET LOCAL work_mem, jit): capture the statements of checked-out
// clients too, BEGIN and COMMIT included, so the floor replays the very same round trips.
const connect = pool.connect.bind(pool) as (...a: unknown[]) => Promise<pg.PoolClient> | undefined;
(pool as unknown as { connect: (...a: unknown[]) => unknown }).connect = (...a: unknown[]) => {
  // pool.query checks a client out with a callback: already captured above.
  if (a.length) return connect(...a);
  return (connect() as Promise<pg.PoolClient>).then(wrapClient);
};
function wrapClient(client: pg.PoolClient | undefined): pg.PoolClient {
  if (!client) throw new Error('no client');
  const cq = (client as unknown as { __q?: (...a: unknown[]) => Promise<unknown> }).__q ?? (client.query.bind(client) as (...a: unknown[]) => Promise<unknown>);
  (client as unknown as { __q: unknown }).__q = cq;
  (client as unknown as { query: (...a: unknown[]) => Promise<unknown> }).query = (...a: unknown[]) => {
    record(a);
    return cq(...a);
  };
  return client;
}

// The server under load runs in its own process (as in production), so autocannon never shares its event
// loop; an in-process app only answers the probe whose statements are captured for the floor.
const app = await buildApp({ config: loadConfig({ NODE_ENV: 'production', RATE_LIMIT_MAX: '0', PUBLIC_READS: 'true' }), database });
const port = 39_000 + Math.floor(Math.random() * 1000);
const server = spawn(process.execPath, ['--import', 'tsx', fromRoot('src/server.ts')], {
  env: { ...process.env, DATABASE_URL: url, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '0', NODE_ENV: 'production' },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const origin = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${origin}/v1/countries?limit=1`)).ok) break;
  } catch {
    if (i > 600) throw new Error('the server did not start');
  }
  await new Promise((r) => setTimeout(r, 250));
}

const { rows: top } = await pool.query<{ donor: string; n: string }>(
  `select reporting_org_ref as donor, count(*) as n from activities where country_codes @> array[$1]::text[] group by 1 order by 2 desc limit 1`,
  [LARGEST_COUNTRY],
);
const donor = top[0]!.donor;
const { rows: sizes } = await pool.query(
  `select (select count(*) from recommendations where country = $1) as recommendations,
          (select count(*) from activities where country_codes @> array[$1]::text[]) as activities,
          (select count(*) from links where country = $1 and retired_at is null) as links,
          (select count(*) from activities where reporting_org_ref = $2) as donor_activities,
          (select count(*) from transactions) as transactions`,
  [LARGEST_COUNTRY, donor],
);
console.error(`dataset: ${JSON.stringify(sizes[0])}; donor ${donor}`);

const C = `country=${LARGEST_COUNTRY}`;
const P = { country: LARGEST_COUNTRY, basis: 'disbursement', currency: 'USD' } as const;
const db = database.db;
type Reference = (from: string, version: string) => Promise<unknown>;
const ENDPOINTS: [name: string, path: (from: string) => string, reference: Reference][] = [
  ['GET /v1/coverage', (f) => `/v1/coverage?${C}&from=${f}`, (from, v) => sqlCoverageSummary(db, { ...P, from }, v)],
  ['GET /v1/coverage?groupBy=theme', (f) => `/v1/coverage?${C}&from=${f}&groupBy=theme`, (from, v) => sqlCoverageSummary(db, { ...P, from, groupBy: 'theme' }, v)],
  [
    'GET /v1/coverage/recommendations (100)',
    (f) => `/v1/coverage/recommendations?${C}&from=${f}&limit=100`,
    (from, v) => sqlCoverageByRecommendation(db, { ...P, from, sort: 'priority', limit: 100 }, v),
  ],
  ['GET /v1/coverage/donors', (f) => `/v1/coverage/donors?${C}&from=${f}`, (from, v) => sqlCoverageByDonor(db, { ...P, from }, v)],
  [
    'GET /v1/coverage/matrix',
    (f) => `/v1/coverage/matrix?${C}&from=${f}&rows=donor&cols=theme`,
    (from, v) => sqlCoverageMatrix(db, { ...P, from, rows: 'donor', cols: 'theme' }, v),
  ],
  [
    `GET /v1/donors/{ref}/alignment`,
    (f) => `/v1/donors/${encodeURIComponent(donor)}/alignment?from=${f}`,
    (from, v) => sqlDonorAlignment(db, donor, { basis: 'disbursement', currency: 'USD', from }, v),
  ],
];

async function cannon(path: (i: number) => string): Promise<Stats> {
  const times: number[] = [];
  let i = 0;
  let errors = 0;
  const instance = autocannon({
    url: origin,
    connections: CONNECTIONS,
    duration: seconds,
    // A cold answer at L can take seconds under 8 connections; count it rather than drop it.
    timeout: 300,
    requests: [{ method: 'GET', setupRequest: (req: Record<string, unknown>) => ({ ...req, path: path(i++) }) }],
  });
  instance.on('response', (_c: unknown, status: number, _b: number, ms: number) => {
    if (status !== 200) errors++;
    times.push(ms);
  });
  await instance;
  await quiet();
  return stats(times, seconds, errors);
}

/** Waits until the database has no statement of ours left running, so one phase never slows the next. */
async function quiet() {
  for (;;) {
    const { rows } = await query(
      `select count(*)::int as n from pg_stat_activity where datname = current_database() and state = 'active' and pid <> pg_backend_pid()`,
    ) as { rows: { n: number }[] };
    if (rows[0]!.n === 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The floor: the statements of one API request, replayed by 8 clients for `seconds`. */
async function floor(statements: { text: string; values: unknown[] }[]): Promise<Stats> {
  const clients = await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    return c;
  }));
  const times: number[] = [];
  let i = 0;
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    clients.map(async (c) => {
      while (Date.now() < end) {
        const from = fromOf(i++);
        const t0 = performance.now();
        for (const s of statements) await c.query(s.text, s.values.map((v) => (v === BASE_FROM ? from : v)));
        times.push(performance.now() - t0);
      }
    }),
  );
  await Promise.all(clients.map((c) => c.end()));
  return stats(times, (Date.now() - end) / 1000 + seconds);
}

const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(n < 10 ? 1 : 0) : '–');
const results: string[] = [];
results.push(`| endpoint | cold p50 / p95 / p99 ms | cold req/s | warm p50 / p95 / p99 ms | warm req/s | SQL p50 / p95 / p99 ms | SQL req/s | API ÷ SQL (p50, cold) |`);
results.push(`| --- | --- | --- | --- | --- | --- | --- | --- |`);
// --after-change-only: skip the load phases (the after-change figures alone); --only <text>: the endpoints whose
// name contains it.
const loadPhases = !process.argv.includes('--after-change-only');
const only = arg('only');
for (const [name, path, reference] of loadPhases ? ENDPOINTS.filter(([n]) => only === undefined || n.includes(only)) : []) {
  // One request (it answers), and the statements of the SQL formulation of the same answer, captured.
  const probe = await app.inject({ method: 'GET', url: path(BASE_FROM) });
  if (probe.statusCode !== 200) throw new Error(`${name}: ${probe.statusCode} ${probe.body}`);
  const version = await dataVersion(db);
  capture = [];
  await reference(BASE_FROM, version);
  const statements = capture;
  capture = null;
  const cold = await cannon((i) => path(fromOf(i + 1)));
  // Warm: the answer is computed once first, so the phase measures repeats, not 8 simultaneous misses.
  await fetch(origin + path(BASE_FROM));
  const warm = await cannon(() => path(BASE_FROM));
  const sql = await floor(statements);
  const row = `| ${name} | ${fmt(cold.p50)} / ${fmt(cold.p95)} / ${fmt(cold.p99)} | ${fmt(cold.rps)} | ${fmt(warm.p50)} / ${fmt(warm.p95)} / ${fmt(warm.p99)} | ${fmt(warm.rps)} | ${fmt(sql.p50)} / ${fmt(sql.p95)} / ${fmt(sql.p99)} | ${fmt(sql.rps)} | ${(cold.p50 / sql.p50).toFixed(2)} |`;
  console.error(row + (cold.errors + warm.errors ? ` (non-200: ${cold.errors + warm.errors})` : ''));
  results.push(row);
}
console.log(results.join('\n'));

// The first answer after a change: bump the data version, then one request, which reloads the scope's facts.
// Five times per scope and kind of change: any input (here a counter of its own, as an import bumps
// `activities`…: the whole scope is reloaded) or links only (the counter of `links`, as a link edit bumps it:
// only links and suggestions are reloaded). The counters are bumped without a change to the data, so the answers
// stay those of the dataset.
const afterChange: string[] = [];
for (const [source, what] of [['bench-coverage', 'any input'], ['links', 'links only']] as const) {
  for (const [name, path] of [ENDPOINTS[0]!, ENDPOINTS[5]!]) {
    await fetch(origin + path(fromOf(4999))).then((r) => r.arrayBuffer());
    const ms: number[] = [];
    for (let i = 0; i < 5; i++) {
      await pool.query(
        `insert into coverage_inputs (source, version) values ($1, 1)
         on conflict (source) do update set version = coverage_inputs.version + 1, changed_at = now()`,
        [source],
      );
      const t0 = performance.now();
      const res = await fetch(origin + path(fromOf(5000 + i)));
      if (res.status !== 200) throw new Error(`${name}: ${res.status}`);
      await res.arrayBuffer();
      ms.push(performance.now() - t0);
    }
    afterChange.push(`| ${name} | ${what} | ${ms.map((m) => m.toFixed(0)).join(' / ')} |`);
  }
}
console.log(['', '| first answer after a change | change | ms, five runs |', '| --- | --- | --- |', ...afterChange].join('\n'));
try {
  const status = (await import('node:fs')).readFileSync(`/proc/${server.pid}/status`, 'utf8');
  console.log(`\nserver ${status.match(/VmRSS:\s+\d+ kB/)?.[0]}, ${status.match(/VmHWM:\s+\d+ kB/)?.[0]}`);
} catch {
  // not Linux: no /proc
}
server.kill('SIGTERM');
await once(server, 'exit');
await app.close();
await database.close();
