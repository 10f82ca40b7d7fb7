/**
 * Coverage invariants on random data (fast-check), checked against an independent oracle of the method
 * (docs/coverage.md). With DATABASE_URL set, every random dataset is loaded into PGlite and PostgreSQL
 * alike and the two engines' answers must be identical.
 */
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import t, { type Test } from 'tap';
import { sql } from 'drizzle-orm';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDb, type Database } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { loadBundledRates } from '../../src/importers/rates.importer.js';
import { loadReferenceData } from '../../src/importers/reference.importer.js';
import { dataVersion } from '../../src/modules/coverage/coverage.queries.js';
import {
  sqlCoverageByDonor,
  sqlCoverageByRecommendation,
  sqlCoverageMatrix,
  sqlCoverageSummary,
  sqlDonorAlignment,
} from '../../src/modules/coverage/coverage.sql.js';
import { buildTestApp, createTestDatabase } from '../helpers/build-test-app.js';

const RATES: Record<string, Record<number, number>> = {
  EUR: { 2019: 0.893177, 2020: 0.87618, 2021: 0.845071 },
  GBP: { 2019: 0.782875, 2020: 0.778998, 2021: 0.726697 },
};

// ---------------------------------------------------------------- random datasets

interface Tx {
  type: '2' | '3' | '4';
  year: number;
  /** Day of the year (0-363) of the transaction date; null: no transaction date (a value date in `year` gives the rate). */
  day: number | null;
  value: number;
  currency: 'USD' | 'EUR' | 'GBP' | 'XDR';
  country: 'KE' | 'UG' | null;
}
interface Act {
  countries: { code: 'KE' | 'UG' | 'TZ'; pct: number | null }[];
  region: number | null;
  txs: Tx[];
}
interface Dataset {
  recs: number;
  acts: Act[];
  links: { act: number; rec: number; weight: number }[];
}

const txArb: fc.Arbitrary<Tx> = fc.record({
  type: fc.constantFrom('2', '3', '4'),
  year: fc.integer({ min: 2019, max: 2021 }),
  day: fc.option(fc.integer({ min: 0, max: 363 }), { nil: null, freq: 4 }),
  value: fc.integer({ min: 1, max: 5_000_000 }).map((c) => c / 100),
  currency: fc.constantFrom('USD', 'EUR', 'GBP', 'XDR'),
  country: fc.constantFrom('KE', 'UG', null, null, null),
});
const actArb: fc.Arbitrary<Act> = fc.record({
  countries: fc.uniqueArray(
    fc.record({ code: fc.constantFrom('KE', 'UG', 'TZ'), pct: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }) }),
    { minLength: 1, maxLength: 3, selector: (c) => c.code },
  ),
  region: fc.option(fc.integer({ min: 0, max: 60 }), { nil: null, freq: 4 }),
  txs: fc.array(txArb, { maxLength: 6 }),
});
const datasetArb: fc.Arbitrary<Dataset> = fc
  .record({ recs: fc.integer({ min: 1, max: 6 }), acts: fc.array(actArb, { minLength: 1, maxLength: 5 }) })
  .chain((d) =>
    fc
      .uniqueArray(
        fc.record({
          act: fc.integer({ min: 0, max: d.acts.length - 1 }),
          rec: fc.integer({ min: 0, max: d.recs - 1 }),
          weight: fc.integer({ min: 1, max: 100 }).map((w) => w / 100),
        }),
        { maxLength: 10, selector: (l) => `${l.act}:${l.rec}` },
      )
      .map((links) => ({ ...d, links })),
  );

// ---------------------------------------------------------------- the oracle: the method, in plain code

/** A transaction's date (ISO), or null. */
const txDate = (x: Tx) => (x.day === null ? null : new Date(Date.UTC(x.year, 0, 1 + x.day)).toISOString().slice(0, 10));

/**
 * An activity's money in KE (USD, types 3 and 4) and what could not be converted; with a period, only the
 * transactions dated in it (one without a transaction date counts only without a period).
 */
function oracleMoney(a: Act, period?: { from?: string; to?: string }): { usd: number; unconverted: Record<string, number> } {
  const geo = [...a.countries.map((c) => ({ code: c.code as string, pct: c.pct, country: true })), ...(a.region === null ? [] : [{ code: '298', pct: a.region, country: false }])];
  const given = geo.filter((g) => g.pct !== null);
  const s = given.reduce((x, g) => x + g.pct!, 0);
  const m = geo.length - given.length;
  const rem = m ? Math.max(100 - s, 0) / m : 0;
  const total = s + m * rem;
  const ke = geo.filter((g) => g.country && g.code === 'KE');
  const share = total > 0 ? ke.reduce((x, g) => x + (g.pct ?? rem), 0) / total : ke.length / geo.length;
  let usd = 0;
  const unconverted: Record<string, number> = {};
  for (const tx of a.txs) {
    if (tx.type === '2') continue;
    const date = txDate(tx);
    if (period && (date === null || (period.from && date < period.from) || (period.to && date > period.to))) continue;
    const f = tx.country === null ? share : tx.country === 'KE' ? 1 : 0;
    const amount = tx.value * f;
    if (tx.currency === 'USD') usd += amount;
    else if (RATES[tx.currency]) usd += amount / RATES[tx.currency]![tx.year]!;
    else unconverted[tx.currency] = (unconverted[tx.currency] ?? 0) + amount;
  }
  return { usd, unconverted };
}

// ---------------------------------------------------------------- loading

const recId = (i: number) => `prop-r-${i}`;
const actId = (i: number) => `prop-a-${i}`;
const donorOf = (i: number) => `PROP-DONOR-${i}`;

/** A PostgreSQL array literal (drizzle would expand a JS array into a row). */
const pgArray = (xs: string[]) => `{${xs.map((x) => JSON.stringify(x)).join(',')}}`;

async function load(database: Database, d: Dataset) {
  const db = database.db;
  // DELETE, not TRUNCATE: link_history refuses truncation (it stays empty here: links are inserted directly).
  for (const table of ['links', 'suggestions', 'transactions', 'activity_recipient_countries', 'activity_recipient_regions', 'activities', 'recommendations']) {
    await db.execute(sql.raw(`delete from ${table}`));
  }
  for (let i = 0; i < d.recs; i++) {
    await db.execute(sql`insert into recommendations (id, country, mechanism, body, response, themes, text, content_hash)
      values (${recId(i)}, 'KE', 'UPR', 'UPR', ${i % 2 ? 'noted' : 'supported'}, ${pgArray(i % 3 ? ["Women's rights"] : ["Women's rights", 'Justice'])}::text[], ${`Recommendation ${i}`}, ${`h${i}`})`);
  }
  for (const [i, a] of d.acts.entries()) {
    const codes = [...new Set([...a.countries.map((c) => c.code), ...a.txs.flatMap((x) => (x.country ? [x.country] : []))])];
    await db.execute(sql`insert into activities (iati_identifier, reporting_org_ref, reporting_org_name, country_codes, content_hash)
      values (${actId(i)}, ${donorOf(i)}, ${`Donor ${i}`}, ${pgArray(codes)}::text[], ${`h${i}`})`);
    for (const [k, c] of a.countries.entries()) {
      await db.execute(sql`insert into activity_recipient_countries (activity_id, position, code, percentage) values (${actId(i)}, ${k + 1}, ${c.code}, ${c.pct})`);
    }
    if (a.region !== null) {
      await db.execute(sql`insert into activity_recipient_regions (activity_id, position, code, percentage) values (${actId(i)}, 1, '298', ${a.region})`);
    }
    for (const [k, x] of a.txs.entries()) {
      await db.execute(sql`insert into transactions (activity_id, position, type, date, value_date, value, currency, recipient_country)
        values (${actId(i)}, ${k + 1}, ${x.type}, ${txDate(x)}::date, ${x.day === null ? `${x.year}-07-01` : null}::date, ${String(x.value)}, ${x.currency}, ${x.country})`);
    }
  }
  for (const [k, l] of d.links.entries()) await addLink(database, k, l);
}

async function addLink(database: Database, k: number | string, l: { act: number; rec: number; weight: number }) {
  await database.db.execute(sql`insert into links (id, activity_id, recommendation_id, country, weight, status, rationale, created_by, updated_by)
    values (${`prop-l-${k}`}, ${actId(l.act)}, ${recId(l.rec)}, 'KE', ${l.weight}, 'accepted', 'property test', 'test', 'test')`);
}

// ---------------------------------------------------------------- engines

const main = await buildTestApp(t);
await loadBundledRates(main.database.db);
const engines: { name: string; app: typeof main.app; database: Database }[] = [{ name: main.database.engine, app: main.app, database: main.database }];
if (process.env.DATABASE_URL) {
  // The other engine: an in-memory PGlite beside the PostgreSQL database of buildTestApp.
  const other = await createDb({});
  t.teardown(() => other.close());
  await runMigrations(other);
  await loadReferenceData(other.db);
  await loadBundledRates(other.db);
  const app = await buildApp({ config: loadConfig({ NODE_ENV: 'test', RATE_LIMIT_MAX: '0' }), database: other });
  t.teardown(() => app.close());
  engines.push({ name: 'pglite', app, database: other });
}
void createTestDatabase;

const getJson = async (app: typeof main.app, url: string) => {
  const res = await app.inject({ method: 'GET', url });
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return res.json();
};
const RUNS = Number(process.env.COVERAGE_PROPERTY_RUNS ?? 12);
const CENT = 0.005;

t.test('invariants of the method, against the oracle', async (t) => {
  await fc.assert(
    fc.asyncProperty(datasetArb, async (d) => {
      const answers: unknown[] = [];
      for (const e of engines) {
        await load(e.database, d);
        const totals = await getJson(e.app, '/v1/coverage?country=KE');
        const recs = await getJson(e.app, '/v1/coverage/recommendations?country=KE&limit=500&sort=money');
        const donors = await getJson(e.app, '/v1/coverage/donors?country=KE');
        answers.push([totals.totals, recs.items, donors.items]);

        // coverageRatio is covered ÷ recommendations.
        t.equal(totals.totals.recommendations, d.recs);
        t.equal(totals.totals.coverageRatio, totals.totals.covered / totals.totals.recommendations);

        // An activity's money in KE is the oracle's; what links attribute to it never exceeds it.
        const oracle = d.acts.map((a) => oracleMoney(a));
        for (const [i, o] of oracle.entries()) {
          const row = donors.items.find((x: { donor: string }) => x.donor === donorOf(i));
          const inKe = row ? row.moneyInCountry.amount : 0;
          if (Math.abs(inKe - Math.round(o.usd * 100) / 100) > 0.011) t.fail(`activity ${i}: ${inKe} ≠ oracle ${o.usd}`);
          const attributed = row ? row.linkedMoney.amount : 0;
          if (attributed > inKe + CENT) t.fail(`activity ${i}: attributed ${attributed} > money in KE ${inKe}`);
        }
        // The recommendations' attributed money adds up to at most the linked activities' money in KE.
        const linked = new Set(d.links.map((l) => l.act));
        const linkedMoney = [...linked].reduce((s, i) => s + oracle[i]!.usd, 0);
        const attributedSum = recs.items.reduce((s: number, r: { money: { amount: number } }) => s + r.money.amount, 0);
        if (attributedSum > linkedMoney + CENT * (recs.items.length + 1)) t.fail(`attributed ${attributedSum} > linked money ${linkedMoney}`);
        // Totals' money is the attribution summed once (each link's share of one activity).
        if (Math.abs(totals.totals.money.amount - attributedSum) > CENT * (recs.items.length + 1)) t.fail('totals ≠ sum over recommendations');

        // CSV carries the JSON's numbers.
        const csv = await e.app.inject({ method: 'GET', url: '/v1/coverage/recommendations?country=KE&limit=500&sort=money&format=csv' });
        const rows = parse(csv.body, { columns: true }) as Record<string, string>[];
        t.same(
          rows.map((r) => [r.id, Number(r.money), Number(r.activities), r.covered === 'true']),
          recs.items.map((r: { id: string; money: { amount: number }; activities: number; covered: boolean }) => [r.id, r.money.amount, r.activities, r.covered]),
        );
      }
      if (answers.length === 2) t.same(answers[1], answers[0], 'PGlite and PostgreSQL answer the same');
    }),
    { numRuns: RUNS, seed: Number(process.env.COVERAGE_PROPERTY_SEED ?? 20260101) },
  );
});

// A period cuts coverage_tx_buckets (README, "Coverage", "Design"): the statements take the buckets inside it
// whole and re-read the rows of the buckets it cuts. Random periods (either end open, or both), against the oracle.
// Disbursements all in 2020, in USD, EUR or XDR, none naming another country, so that buckets hold several rows
// (some without a transaction date) and periods cut them.
const periodDatasetArb = datasetArb.map((d) => ({
  ...d,
  acts: d.acts.map((a) => ({
    ...a,
    txs: a.txs.map((x) => ({
      ...x,
      type: x.type === '2' ? ('3' as const) : x.type,
      year: 2020,
      currency: x.currency === 'GBP' ? ('USD' as const) : x.currency,
      country: x.country === 'UG' ? null : x.country,
    })),
  })),
}));
const dayArb = fc.integer({ min: -20, max: 386 }).map((n) => new Date(Date.UTC(2020, 0, 1 + n)).toISOString().slice(0, 10));
const periodArb = fc
  .record({ from: fc.option(dayArb, { nil: undefined }), to: fc.option(dayArb, { nil: undefined }) })
  .map((p) => (p.from && p.to && p.from > p.to ? { from: p.to, to: p.from } : p));

t.test('money in a period, against the oracle', async (t) => {
  await fc.assert(
    fc.asyncProperty(periodDatasetArb, periodArb, async (d, period) => {
      const q = [period.from ? `from=${period.from}` : '', period.to ? `to=${period.to}` : ''].filter(Boolean).join('&');
      const answers: unknown[] = [];
      for (const e of engines) {
        await load(e.database, d);
        const donors = await getJson(e.app, `/v1/coverage/donors?country=KE${q ? `&${q}` : ''}`);
        const totals = await getJson(e.app, `/v1/coverage?country=KE${q ? `&${q}` : ''}`);
        answers.push([donors.items, totals.totals]);
        for (const [i, a] of d.acts.entries()) {
          const o = oracleMoney(a, q ? period : undefined);
          const row = donors.items.find((x: { donor: string }) => x.donor === donorOf(i));
          const inKe = row ? row.moneyInCountry.amount : 0;
          if (Math.abs(inKe - Math.round(o.usd * 100) / 100) > 0.011) t.fail(`activity ${i}, ${q}: ${inKe} ≠ oracle ${o.usd}`);
          for (const [cur, amount] of Object.entries(o.unconverted)) {
            const got = (row?.moneyInCountryUnconverted ?? []).find((u: { currency: string }) => u.currency === cur)?.amount ?? 0;
            if (Math.abs(got - Math.round(amount * 100) / 100) > 0.011) t.fail(`activity ${i}, ${q}: unconverted ${cur} ${got} ≠ oracle ${amount}`);
          }
        }
        // Totals: each activity's money in the period times the share its links attribute (Σ weights, at most 1).
        let want = 0;
        for (const [i, a] of d.acts.entries()) {
          const w = d.links.filter((l) => l.act === i).reduce((s, l) => s + l.weight, 0);
          want += oracleMoney(a, q ? period : undefined).usd * Math.min(w, 1);
        }
        if (Math.abs(totals.totals.money.amount - want) > 0.011 * (d.acts.length + 1)) t.fail(`${q}: totals ${totals.totals.money.amount} ≠ oracle ${want}`);
      }
      if (answers.length === 2) t.same(answers[1], answers[0], 'PGlite and PostgreSQL answer the same');
      t.pass(`period ${q || '(none)'}`);
    }),
    { numRuns: Math.max(RUNS, 20), seed: Number(process.env.COVERAGE_PROPERTY_SEED ?? 20260101) + 1 },
  );
});

t.test('adding a link never lowers a recommendation\'s reach', async (t) => {
  const e = engines[0]!;
  await fc.assert(
    fc.asyncProperty(
      datasetArb,
      fc.record({ act: fc.nat(), rec: fc.nat(), weight: fc.integer({ min: 1, max: 100 }).map((w) => w / 100) }),
      async (d, extra) => {
        await load(e.database, d);
        // The facts of the loaded dataset are held before the link is added.
        await getJson(e.app, '/v1/coverage?country=KE');
        const l = { act: extra.act % d.acts.length, rec: extra.rec % d.recs, weight: extra.weight };
        const before = await getJson(e.app, '/v1/coverage/recommendations?country=KE&limit=500');
        if (!d.links.some((x) => x.act === l.act && x.rec === l.rec)) await addLink(e.database, 'extra', l);
        const after = await getJson(e.app, '/v1/coverage/recommendations?country=KE&limit=500');
        const reach = (items: { id: string; activities: number; donors: number; covered: boolean }[]) => new Map(items.map((i) => [i.id, i]));
        const b = reach(before.items);
        for (const [id, a] of reach(after.items)) {
          const was = b.get(id)!;
          if (a.activities < was.activities || a.donors < was.donors || (was.covered && !a.covered)) t.fail(`${id}: reach fell`);
        }
        const target = reach(after.items).get(recId(l.rec))!;
        t.ok(target.covered, 'the newly linked recommendation is covered');
        // Only links changed: the engine reloaded the links alone (coverage.facts.ts, patch); its answer is still
        // the SQL formulation's.
        const v = await dataVersion(e.database.db);
        const want = JSON.parse(JSON.stringify(await sqlCoverageByRecommendation(e.database.db, { country: 'KE', basis: 'disbursement', currency: 'USD', sort: 'priority', limit: 500 }, v)));
        return sameAnswer(t, after, want, 'after a new link');
      },
    ),
    { numRuns: Math.max(4, Math.round(RUNS / 2)), seed: 7 },
  );
});

/**
 * The service computes coverage in process over per-version facts (coverage.engine.ts); the method written as SQL
 * statements (coverage.sql.ts) is its reference. On random datasets and periods, every answer of the API equals the
 * SQL formulation's: counts, keys, labels and order exactly, amounts to the cent (the engine adds doubles where
 * PostgreSQL adds numerics, so an amount may round the other way at an exact half cent: 0.011 is allowed).
 */
function sameAnswer(t: Test, got: unknown, want: unknown, path: string): boolean {
  if (typeof got === 'number' && typeof want === 'number') {
    if (Math.abs(got - want) <= 0.011) return true;
  } else if (Array.isArray(got) && Array.isArray(want)) {
    if (got.length === want.length) return got.every((g, i) => sameAnswer(t, g, want[i], `${path}[${i}]`));
  } else if (got && want && typeof got === 'object' && typeof want === 'object') {
    const keys = new Set([...Object.keys(got), ...Object.keys(want)]);
    return [...keys].every((k) => sameAnswer(t, (got as Record<string, unknown>)[k], (want as Record<string, unknown>)[k], `${path}.${k}`));
  } else if (got === want) return true;
  t.fail(`${path}: API ${JSON.stringify(got)?.slice(0, 1500)} ≠ SQL ${JSON.stringify(want)?.slice(0, 1500)}`);
  return false;
}

t.test('the in-process engine gives the SQL formulation\'s answers', async (t) => {
  const byId = (items: { id: string }[]) => [...items].sort((a, b) => (a.id < b.id ? -1 : 1));
  await fc.assert(
    fc.asyncProperty(datasetArb, periodArb, fc.boolean(), async (d, period, withPeriod) => {
      const p = { country: 'KE', basis: 'disbursement' as const, currency: 'USD', ...(withPeriod ? period : {}) };
      const q = [p.from ? `from=${p.from}` : '', p.to ? `to=${p.to}` : ''].filter(Boolean).map((x) => `&${x}`).join('');
      for (const e of engines) {
        await load(e.database, d);
        const db = e.database.db;
        const v = await dataVersion(db);
        const json = (x: unknown) => JSON.parse(JSON.stringify(x));
        let ok = true;
        ok &&= sameAnswer(t, await getJson(e.app, `/v1/coverage?country=KE${q}`), json(await sqlCoverageSummary(db, p, v)), 'summary');
        ok &&= sameAnswer(t, await getJson(e.app, `/v1/coverage?country=KE&groupBy=theme${q}`), json(await sqlCoverageSummary(db, { ...p, groupBy: 'theme' }, v)), 'groups');
        ok &&= sameAnswer(t, await getJson(e.app, `/v1/coverage?country=KE&groupBy=donor${q}`), json(await sqlCoverageSummary(db, { ...p, groupBy: 'donor' }, v)), 'donor groups');
        ok &&= sameAnswer(
          t,
          await getJson(e.app, `/v1/coverage/recommendations?country=KE&limit=3&sort=priority${q}`),
          json(await sqlCoverageByRecommendation(db, { ...p, sort: 'priority', limit: 3 }, v)),
          'recommendations (priority, first page)',
        );
        const byMoney = await getJson(e.app, `/v1/coverage/recommendations?country=KE&limit=500&sort=money${q}`);
        const sqlByMoney = json(await sqlCoverageByRecommendation(db, { ...p, sort: 'money', limit: 500 }, v));
        ok &&= sameAnswer(t, byId(byMoney.items), byId(sqlByMoney.items), 'recommendations (money)');
        ok &&= sameAnswer(t, await getJson(e.app, `/v1/coverage/donors?country=KE${q}`), json(await sqlCoverageByDonor(db, p, v)), 'donors');
        ok &&= sameAnswer(
          t,
          await getJson(e.app, `/v1/coverage/matrix?country=KE&rows=donor&cols=theme${q}`),
          json(await sqlCoverageMatrix(db, { ...p, rows: 'donor', cols: 'theme' }, v)),
          'matrix',
        );
        const { country: _c, ...noCountry } = p;
        ok &&= sameAnswer(
          t,
          await getJson(e.app, `/v1/donors/${donorOf(0)}/alignment?basis=disbursement${q}`),
          json(await sqlDonorAlignment(db, donorOf(0), noCountry, v)),
          'alignment',
        );
        if (!ok) return false;
      }
      return true;
    }),
    { numRuns: Math.max(RUNS, 16), seed: Number(process.env.COVERAGE_PROPERTY_SEED ?? 20260101) + 2 },
  );
  t.pass('every answer equal');
});
