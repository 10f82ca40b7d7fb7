/**
 * Coverage: the README's worked example (docs/coverage.md), on the real Kenya sample, with every number
 * derived by hand there and written here as literals; then the endpoints, CSV, ETag and freshness.
 */
import { parse } from 'csv-parse/sync';
import t from 'tap';
import { suggestions } from '../../src/db/schema.js';
import { loadBundledRates } from '../../src/importers/rates.importer.js';
import { createLink, updateLink, type Actor } from '../../src/modules/links/links.queries.js';
import { buildTestApp } from '../helpers/build-test-app.js';
import { seedKenya } from '../helpers/seed.js';

const ctx = await buildTestApp(t);
const { app, database } = ctx;
const db = database.db;
await loadBundledRates(db);
await seedKenya(database);

// The worked example's activities (data/sample/iati/dportal-covid19-2021_recipient-KE.xml).
const A1 = 'XM-DAC-5-7-6614861'; // EUR; KE 15 %, SO 85 %
const A2 = 'GB-GOV-1-300645-102'; // GBP; KE 100 %
const A3 = 'XM-DAC-301-2-109563-001'; // CAD; KE 30 %, PH 40 %, region 289 30 %
const A4 = '46002-P-KE-K00-007'; // XDR (no rate): unconverted
const A5 = 'KR-GOV-051-2020010102506'; // KRW; transactions name KE
// Kenyan recommendations of the UPR Info sample (2nd cycle, session 8).
const R1 = 'upr-ke-s08-02415d701927';
const R2 = 'upr-ke-s08-031779ca1494';
const R3 = 'upr-ke-s08-0a3ea2798ff7';
const R4 = 'upr-ke-s08-0baca0ec5089';
const R5 = 'upr-ke-s08-006b9753b1c0';

const actor: Actor = { name: 'worked-example', requestId: null };
const link = (activityId: string, recommendationId: string, weight: number) =>
  createLink(db, { activityId, recommendationId, weight, rationale: 'worked example', method: 'manual' }, actor);
const l1a = await link(A1, R1, 0.5);
await link(A1, R2, 0.5);
await link(A2, R1, 0.8);
await link(A2, R3, 0.6);
await link(A3, R2, 0.4);
await link(A4, R3, 1);
await db.insert(suggestions).values({
  id: 'worked-example-suggestion',
  activityId: A5,
  recommendationId: R4,
  country: 'KE',
  score: 0.8,
  methods: ['sdg-match'],
  evidence: { note: 'worked example' },
});

const PERIOD = 'country=KE&from=2020-01-01&to=2020-12-31';
const get = async (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });
const json = async (url: string) => {
  const res = await get(url);
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return res.json();
};
type Rec = { id: string; covered: boolean; activities: number; donors: number; money: { amount: number }; unconverted: { currency: string; amount: number }[] };
const byId = (items: Rec[]) => new Map(items.map((i) => [i.id, i]));

t.test('the worked example: totals in USD', async (t) => {
  const a = await json(`/v1/coverage?${PERIOD}`);
  t.same(a.totals, {
    recommendations: 166,
    covered: 3,
    coverageRatio: 3 / 166,
    activities: 4,
    donors: 4,
    money: { amount: 522568.12, currency: 'USD' },
    unconverted: [{ currency: 'XDR', amount: 152861684.57 }],
  });
  t.same(a.provenance.period, { from: '2020-01-01', to: '2020-12-31' });
  t.same(a.provenance.transactionTypes, ['3', '4']);
  t.same(
    a.provenance.rates.map((r: { currency: string; year: number; rate: number }) => [r.currency, r.year, r.rate]),
    [
      ['CAD', 2020, 1.34136],
      ['EUR', 2020, 0.87618],
      ['GBP', 2020, 0.778998],
    ],
  );
  t.same(a.provenance.missingRates, [{ currency: 'XDR', year: 2020 }]);
  t.same(a.provenance.links.statuses, ['accepted']);
  t.equal(a.provenance.links.suggestionsCounted, false);
  const kinds = new Set(a.provenance.importRuns.map((r: { kind: string }) => r.kind));
  t.ok(kinds.has('iati') && kinds.has('upr-info') && kinds.has('exchange-rates'), 'names the IATI, UPR Info and rate runs');
  t.ok(a.provenance.importRuns.every((r: { sha256: string | null }) => /^[0-9a-f]{64}$/.test(r.sha256 ?? '')), 'with their sha256');
});

t.test('the worked example: per recommendation', async (t) => {
  const a = await json(`/v1/coverage/recommendations?${PERIOD}&covered=true&sort=money`);
  t.same(a.items.map((i: Rec) => i.id), [R1, R3, R2], 'most money first');
  const m = byId(a.items);
  t.equal(m.get(R1)!.money.amount, 276013.59);
  t.equal(m.get(R2)!.money.amount, 110163.39);
  t.equal(m.get(R3)!.money.amount, 136391.14);
  t.same(m.get(R3)!.unconverted, [{ currency: 'XDR', amount: 152861684.57 }]);
  t.same([m.get(R1)!.activities, m.get(R2)!.activities, m.get(R3)!.activities], [2, 2, 2]);
  t.same([m.get(R1)!.donors, m.get(R2)!.donors, m.get(R3)!.donors], [2, 2, 2]);
  const gaps = await json(`/v1/coverage/recommendations?${PERIOD}&covered=false&limit=500`);
  t.equal(gaps.total, 163);
  t.ok(gaps.items.some((i: Rec) => i.id === R5 && !i.covered && i.money.amount === 0), 'R5 is a gap');
});

t.test('the worked example: in euros', async (t) => {
  const a = await json(`/v1/coverage/recommendations?${PERIOD}&covered=true&currency=EUR`);
  const m = byId(a.items);
  t.equal(m.get(R1)!.money.amount, 241837.59);
  t.equal(m.get(R2)!.money.amount, 96522.96);
  t.equal(m.get(R3)!.money.amount, 119503.19);
  const totals = await json(`/v1/coverage?${PERIOD}&currency=EUR`);
  t.same(totals.totals.money, { amount: 457863.74, currency: 'EUR' });
});

t.test('the worked example: suggestions counted only when asked', async (t) => {
  const a = await json(`/v1/coverage?${PERIOD}&links=accepted,suggested&minScore=0.7`);
  t.equal(a.totals.covered, 4);
  t.equal(a.totals.money.amount, 539239.03);
  t.equal(a.provenance.links.suggestionsCounted, true);
  t.match(a.provenance.links.rule, /weight 1/);
  const high = await json(`/v1/coverage?${PERIOD}&links=accepted,suggested&minScore=0.9`);
  t.equal(high.totals.covered, 3, 'a score below minScore does not count');
});

t.test('the worked example: donors and alignment', async (t) => {
  const a = await json(`/v1/coverage/donors?${PERIOD}`);
  const gb = a.items.find((d: { donor: string }) => d.donor === 'GB-GOV-1');
  // GB-GOV-1 has a second Kenyan activity (GB-GOV-1-300143-104: 6,095,900.12), not linked.
  t.same(gb.moneyInCountry, { amount: 6414146.12, currency: 'USD' });
  t.same(gb.linkedMoney, { amount: 318246.0, currency: 'USD' });
  t.equal(gb.linkedShare, 0.049616, '318,246.00 ÷ 6,414,146.12');
  t.equal(gb.links, 2);
  t.equal(gb.recommendations, 2);
  const ca = a.items.find((d: { donor: string }) => d.donor === 'XM-DAC-301-2');
  t.equal(ca.linkedMoney.amount, 16004.65, '40 % of 40,011.63');
  t.equal(ca.moneyInCountry.amount, 580902.99, 'its eight Kenyan activities');
  t.equal(ca.linkedShare, 0.027551);
  const al = await json(`/v1/donors/XM-DAC-5-7/alignment?from=2020-01-01&to=2020-12-31`);
  const ke = al.items.find((c: { country: string }) => c.country === 'KE');
  t.same(ke.linkedMoney, { amount: 188317.47, currency: 'USD' });
  t.ok(ke.moneyInCountry.amount >= 188317.47);
});

t.test('groups: by theme, a recommendation counts in each of its themes', async (t) => {
  const a = await json(`/v1/coverage?${PERIOD}&groupBy=theme`);
  const g = new Map(a.groups.map((x: { key: string; money: { amount: number }; covered: number }) => [x.key, x]));
  // R3 has three themes: each carries its 136,391.14.
  for (const theme of ['Freedom of opinion and expression', 'Human rights defenders', 'International instruments']) {
    t.equal((g.get(theme) as { money: { amount: number } }).money.amount, 136391.14, theme);
  }
  const byMech = await json(`/v1/coverage?${PERIOD}&groupBy=mechanism`);
  t.same(byMech.groups.map((x: { key: string; label: string }) => [x.key, x.label]), [['UPR', 'Universal Periodic Review']]);
  t.equal(byMech.groups[0].money.amount, 522568.12, 'single-valued groups add up to the totals');
  const byDonor = await json(`/v1/coverage?${PERIOD}&groupBy=donor`);
  t.equal(byDonor.groups.length, 4);
  t.ok(byDonor.groups.every((x: { recommendations: number }) => x.recommendations === 166));
});

t.test('matrix', async (t) => {
  const a = await json(`/v1/coverage/matrix?${PERIOD}&rows=donor&cols=response`);
  t.equal(a.rows.dimension, 'donor');
  const cell = a.cells.find((c: { row: string; col: string }) => c.row === 'GB-GOV-1' && c.col === 'supported');
  t.equal(cell.money.amount, 318246.0);
  t.equal(cell.covered, 2);
  const bad = await get(`/v1/coverage/matrix?${PERIOD}&rows=theme&cols=theme`);
  t.equal(bad.statusCode, 400);
});

t.test('CSV answers carry the JSON numbers to the cent', async (t) => {
  const j = await json(`/v1/coverage/recommendations?${PERIOD}&sort=money&limit=10`);
  const c = await get(`/v1/coverage/recommendations?${PERIOD}&sort=money&limit=10`, { accept: 'text/csv' });
  t.match(c.headers['content-type'], /text\/csv/);
  const rows = parse(c.body, { columns: true }) as Record<string, string>[];
  t.same(rows.map((r) => [r.id, Number(r.money), r.covered === 'true']), j.items.map((i: Rec) => [i.id, i.money.amount, i.covered]));
  const g = await get(`/v1/coverage?${PERIOD}&groupBy=theme&format=csv`);
  const gj = await json(`/v1/coverage?${PERIOD}&groupBy=theme`);
  const grows = parse(g.body, { columns: true }) as Record<string, string>[];
  t.same(grows.map((r) => Number(r.money)), gj.groups.map((x: { money: { amount: number } }) => x.money.amount));
});

t.test('ETag, 304, and no stale answer after a change', async (t) => {
  const url = `/v1/coverage?${PERIOD}`;
  const first = await get(url);
  const etag = first.headers.etag as string;
  t.ok(etag);
  const again = await get(url, { 'if-none-match': etag });
  t.equal(again.statusCode, 304);
  // A changed weight shows in the very next answer.
  await updateLink(db, l1a.id, l1a.version, { weight: 0.25 }, actor);
  const changed = await get(url, { 'if-none-match': etag });
  t.equal(changed.statusCode, 200);
  t.not(changed.headers.etag, etag);
  t.equal(changed.json().totals.money.amount, 475488.76, 'R1 lost a quarter of A1');
  // A new rate shows too: a rate for XDR in 2020 converts the AfDB disbursement.
  const res = await app.inject({
    method: 'POST',
    url: '/v1/exchange-rates',
    headers: { ...ctx.auth.admin, 'content-type': 'text/csv' },
    payload: 'currency,year,unitsPerUsd,source\nXDR,2020,0.7,worked example\n',
  });
  t.equal(res.statusCode, 201, res.body);
  const withXdr = (await get(url)).json();
  t.same(withXdr.totals.unconverted, []);
  t.equal(withXdr.totals.money.amount, 218849323.86);
  t.ok(withXdr.provenance.rates.some((r: { currency: string; origin: string }) => r.currency === 'XDR' && r.origin === 'loaded'));
});

t.test('validation', async (t) => {
  t.equal((await get('/v1/coverage')).statusCode, 400, 'country is required');
  t.equal((await get('/v1/coverage?country=KE&from=2021-01-01&to=2020-01-01')).statusCode, 400);
  t.equal((await get('/v1/coverage?country=KE&groupBy=colour')).statusCode, 400);
  const p = await get('/v1/coverage/recommendations?country=KE&cursor=nonsense');
  t.equal(p.statusCode, 400);
});
