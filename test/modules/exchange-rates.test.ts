import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import t from 'tap';
import { checkDirection, type AnnualRate } from '../../scripts/build-exchange-rates.js';
import type { Db } from '../../src/db/client.js';
import { queryRows } from '../../src/db/query.js';
import { BUNDLED_RATES_FILE, loadBundledRates } from '../../src/importers/rates.importer.js';
import { fromRoot } from '../../src/lib/paths.js';
import { convertAmount, rateKey, ratesFor } from '../../src/modules/exchange-rates/exchange-rates.queries.js';
import { buildTestApp } from '../helpers/build-test-app.js';

const BUNDLED_CSV = readFileSync(fromRoot(BUNDLED_RATES_FILE), 'utf8');
const bundledRows = BUNDLED_CSV.trim().split('\n').slice(1).map((l) => l.split(','));
const count = (currency: string) => bundledRows.filter((r) => r[0] === currency).length;
const within = (got: number, expected: number, tolerance: number) => Math.abs(got / expected - 1) <= tolerance;

/** Every stored rate, to prove a rejected load changed nothing. */
async function fingerprint(db: Db) {
  const [row] = await queryRows<{ n: string; h: string | null }>(
    db,
    sql`select count(*) as n,
               md5(string_agg(currency || year || units_per_usd::text || source || origin || coalesce(import_run_id, ''), ',' order by currency, year)) as h
        from exchange_rates`,
  );
  return row;
}

t.test('the committed bundle passes the build script direction check; an inverted series fails it', async (t) => {
  const rates: AnnualRate[] = bundledRows.map(([currency, year, v]) => ({ currency: currency!, year: Number(year), unitsPerUsd: Number(v), months: 12 }));
  t.same(checkDirection(rates), []);
  const inverted = rates.map((r) => (r.currency === 'GBP' ? { ...r, unitsPerUsd: 1 / r.unitsPerUsd } : r));
  const failures = checkDirection(inverted);
  t.equal(failures.length, 2, 'both GBP reference years miss');
  t.ok(failures.every((f) => /^GBP .*inverted/.test(f)));
  t.notOk(bundledRows.some((r) => ['USD', 'KES', 'UGX', 'NPR', 'BDT', 'COP', 'XDR'].includes(r[0]!)), 'no USD and no currency FRED lacks');
});

t.test('exchange rates: bundled defaults, reads, loads with precedence, atomic rejection', async (t) => {
  const { app, database, auth } = await buildTestApp(t);
  const db = database.db;
  const get = async (url: string) => {
    const res = await app.inject({ method: 'GET', url });
    t.equal(res.statusCode, 200, url);
    return res.json();
  };
  const post = (body: string, headers: Record<string, string>, query = '') =>
    app.inject({ method: 'POST', url: `/v1/exchange-rates${query}`, payload: body, headers });

  // The bundled defaults: loaded once, then a no-op.
  await loadBundledRates(db);
  const again = await loadBundledRates(db);
  t.equal(again.run, null, 'a second load does nothing');
  t.equal(again.rates, bundledRows.length);
  const bundledRuns = await get('/v1/imports?kind=exchange-rates');
  t.equal(bundledRuns.total, 1, 'the bundled load is one import run');
  t.match(bundledRuns.items[0], { kind: 'exchange-rates', fileName: BUNDLED_RATES_FILE, status: 'succeeded', actor: 'bundled' });
  t.match(bundledRuns.items[0].sha256, /^[0-9a-f]{64}$/);

  const eur = (await get('/v1/exchange-rates?currency=EUR&year=2021')).items[0];
  t.ok(within(eur.unitsPerUsd, 0.845, 0.01), `EUR 2021 ≈ 0.845 (got ${eur.unitsPerUsd})`);
  t.match(eur, { currency: 'EUR', year: 2021, origin: 'bundled', source: /FRED/, importRunId: bundledRuns.items[0].id });
  const gbp = (await get('/v1/exchange-rates?currency=gbp&year=2021')).items[0];
  t.ok(within(gbp.unitsPerUsd, 0.727, 0.01), `GBP 2021 ≈ 0.727 (got ${gbp.unitsPerUsd})`);
  for (const [currency, expected] of Object.entries({ JPY: 109.8, SEK: 8.58, CAD: 1.254, CHF: 0.914, NOK: 8.59, DKK: 6.29, AUD: 1.331 })) {
    const r = (await get(`/v1/exchange-rates?currency=${currency}&year=2021`)).items[0];
    t.ok(within(r.unitsPerUsd, expected, 0.01), `${currency} 2021 ≈ ${expected} (got ${r.unitsPerUsd})`);
  }

  // Filters and pagination.
  t.equal((await get('/v1/exchange-rates?year=2021&limit=1')).total, 22);
  const both = await get('/v1/exchange-rates?currency=EUR,GBP&limit=500');
  t.equal(both.total, count('EUR') + count('GBP'));
  t.equal(both.items.length, both.total);
  t.equal(both.nextCursor, null);
  const paged: { currency: string; year: number }[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: { items: { currency: string; year: number }[]; nextCursor: string | null; total: number } = await get(
      `/v1/exchange-rates?currency=EUR&currency=GBP&limit=30${cursor ? `&cursor=${cursor}` : ''}`,
    );
    t.equal(page.total, both.total);
    paged.push(...page.items);
    cursor = page.nextCursor;
    pages++;
  } while (cursor);
  t.equal(pages, Math.ceil(both.total / 30));
  t.same(
    paged.map((r) => `${r.currency}${r.year}`),
    both.items.map((r: { currency: string; year: number }) => `${r.currency}${r.year}`),
    'pages add up to the whole list, in order, without repeats',
  );
  t.same([...new Set(paged.map((r) => r.currency))], ['EUR', 'GBP']);
  t.equal((await get('/v1/exchange-rates?currency=KES')).total, 0, 'no bundled KES rate');
  t.equal((await app.inject({ method: 'GET', url: '/v1/exchange-rates?cursor=nope' })).statusCode, 400);
  t.equal((await app.inject({ method: 'GET', url: '/v1/exchange-rates?currency=EURO' })).statusCode, 400);
  t.equal((await app.inject({ method: 'GET', url: '/v1/exchange-rates?year=1900' })).statusCode, 400);

  // Loading rates: admin only, CSV only.
  const DAC = 'OECD DAC annual exchange rates';
  const csv = [
    'currency,year,unitsPerUsd,source',
    `EUR,2021,0.8455,${DAC}`,
    `KES,2021,109.64,${DAC}`,
    `KES,2020,106.45,${DAC}`,
    `USD,2021,1,${DAC}`,
  ].join('\n');
  const before = await fingerprint(db);
  const anon = await post(csv, { 'content-type': 'text/csv' });
  t.equal(anon.statusCode, 401);
  t.match(anon.headers['content-type'], /application\/problem\+json/);
  t.equal((await post(csv, { 'content-type': 'text/csv', ...auth.reader })).statusCode, 403);
  t.equal((await post(csv, { 'content-type': 'text/csv', ...auth.editor })).statusCode, 403);
  const json = await post(JSON.stringify({ currency: 'EUR' }), { 'content-type': 'application/json', ...auth.admin });
  t.equal(json.statusCode, 415);
  t.match(json.headers['content-type'], /application\/problem\+json/);
  t.same(await fingerprint(db), before, 'refused requests wrote nothing');

  const dry = await post(csv, { 'content-type': 'text/csv', ...auth.admin }, '?dryRun=true');
  t.equal(dry.statusCode, 200);
  t.match(dry.json(), { dryRun: true, counts: { inserted: 2, updated: 1, unchanged: 1 } });
  t.same(await fingerprint(db), before, 'a dry run writes nothing');

  const loaded = await post(csv, { 'content-type': 'text/csv; charset=utf-8', 'x-file-name': 'dac-2021.csv', ...auth.admin });
  t.equal(loaded.statusCode, 201);
  const run = loaded.json();
  t.match(run, { kind: 'exchange-rates', fileName: 'dac-2021.csv', status: 'succeeded', actor: 'test-admin', counts: { read: 4, inserted: 2, updated: 1, unchanged: 1, rejected: 0 } });
  t.match(run.sha256, /^[0-9a-f]{64}$/);

  // The loaded rate replaced the bundled one and is reported with its source.
  const eurNow = (await get('/v1/exchange-rates?currency=EUR&year=2021')).items;
  t.equal(eurNow.length, 1, 'still one rate per currency and year');
  t.match(eurNow[0], { currency: 'EUR', year: 2021, unitsPerUsd: 0.8455, source: DAC, origin: 'loaded', importRunId: run.id });
  t.match((await get('/v1/exchange-rates?currency=EUR&year=2020')).items[0], { origin: 'bundled' }, 'other years keep the default');
  t.equal((await get('/v1/exchange-rates?currency=KES')).total, 2);
  t.equal((await get('/v1/exchange-rates?origin=loaded')).total, 3);
  t.equal((await get('/v1/exchange-rates?currency=USD')).total, 0, 'USD is not stored');

  // The same file again: nothing changes.
  const repeat = (await post(csv, { 'content-type': 'text/csv', ...auth.admin })).json();
  t.match(repeat.counts, { inserted: 0, updated: 0, unchanged: 4 });

  // A new bundled file never overwrites a loaded rate, but does update the bundled ones.
  const changedBundle = join(tmpdir(), `annual-rates-${process.pid}.csv`);
  writeFileSync(changedBundle, BUNDLED_CSV.replace(/^EUR,2020,[^,]+,/m, 'EUR,2020,0.9,'));
  const reload = await loadBundledRates(db, changedBundle);
  t.ok(reload.run, 'a changed bundle is loaded');
  t.match(reload.run!.counts, { updated: 1, keptLoaded: 1 });
  t.match((await get('/v1/exchange-rates?currency=EUR&year=2021')).items[0], { source: DAC, origin: 'loaded', unitsPerUsd: 0.8455 });
  t.match((await get('/v1/exchange-rates?currency=EUR&year=2020')).items[0], { origin: 'bundled', unitsPerUsd: 0.9 });
  await loadBundledRates(db); // back to the committed file

  // What the coverage engine reads.
  const rates = await ratesFor(db, [
    { currency: 'EUR', year: 2021 },
    { currency: 'KES', year: 2021 },
    { currency: 'GBP', year: 2021 },
    { currency: 'USD', year: 2021 },
    { currency: 'NPR', year: 2021 },
  ]);
  t.match(rates.get(rateKey('EUR', 2021)), { unitsPerUsd: 0.8455, source: DAC, origin: 'loaded', importRunId: run.id });
  t.match(rates.get(rateKey('GBP', 2021)), { origin: 'bundled', source: /FRED/ });
  t.match(rates.get(rateKey('USD', 2021)), { unitsPerUsd: 1, origin: 'base' });
  t.notOk(rates.has(rateKey('NPR', 2021)), 'no rate: the amount stays unconverted');
  t.equal(convertAmount(rates, 109.64, 'KES', 'USD', 2021), 1);
  t.ok(within(convertAmount(rates, 100, 'KES', 'EUR', 2021)!, (100 / 109.64) * 0.8455, 1e-12));
  t.equal(convertAmount(rates, 100, 'NPR', 'USD', 2021), undefined);
  t.equal(convertAmount(rates, 100, 'USD', 'USD', 2021), 100);

  // A file with bad rows is rejected whole, naming every bad line and field.
  const beforeBad = await fingerprint(db);
  const bad = [
    'currency,year,unitsPerUsd,source',
    `UGX,2021,3587.05,${DAC}`, // valid, but the file is atomic
    `NPR,2021,-117.9,${DAC}`,
    `eur,2021,0.85,${DAC}`,
    `BDT,1950,84.8,${DAC}`,
    'COP,2021,3743.6,',
    `XYZ,2021,2,${DAC}`,
    `UGX,2021,3600,${DAC}`,
    `USD,2021,1.1,${DAC}`,
    `EUR,2022,abc,${DAC}`,
  ].join('\n');
  const rejected = await post(bad, { 'content-type': 'text/csv', ...auth.admin });
  t.equal(rejected.statusCode, 422);
  t.match(rejected.headers['content-type'], /application\/problem\+json/);
  const problem = rejected.json();
  t.match(problem, { status: 422, title: 'Import rejected', importRun: { kind: 'exchange-rates', status: 'rejected' } });
  t.same(
    problem.errors.map((e: { path: string }) => e.path),
    [
      'line 3: unitsPerUsd',
      'line 4: currency',
      'line 5: year',
      'line 6: source',
      'line 7: currency',
      'line 8: year',
      'line 9: unitsPerUsd',
      'line 10: unitsPerUsd',
    ],
  );
  t.match(problem.errors.find((e: { path: string }) => e.path === 'line 7: currency').message, /Currency codelist/);
  t.match(problem.errors.find((e: { path: string }) => e.path === 'line 8: year').message, /line 2/);
  t.same(await fingerprint(db), beforeBad, 'the table is exactly as before');
  const stored = (await get(`/v1/imports/${problem.importRun.id}`)).problems;
  t.equal(stored.length, 8, 'the run keeps every problem');

  const noColumn = await post('currency,year,rate,source\nEUR,2021,0.8,x\n', { 'content-type': 'text/csv', ...auth.admin });
  t.equal(noColumn.statusCode, 422);
  t.match(noColumn.json().errors, [{ path: 'line 1: unitsPerUsd' }]);
  const empty = await post('', { 'content-type': 'text/csv', ...auth.admin });
  t.equal(empty.statusCode, 422);
  t.same(await fingerprint(db), beforeBad);

  // Every load is an import run that provenance can cite.
  t.equal((await get('/v1/imports?kind=exchange-rates&limit=500')).total, 9);
});
