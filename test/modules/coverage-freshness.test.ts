/**
 * coverage_tx_shares (the per-country shares of every transaction, maintained by triggers: docs/coverage.md,
 * "Design") stays correct under imports, link changes and rate loads: import an activity, link it, re-import a
 * newer version with other countries and transactions, and the very next answer has the new money; after every
 * step the table equals a full recomputation.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/db/query.js';
import { importFile } from '../../src/importers/index.js';
import { loadBundledRates } from '../../src/importers/rates.importer.js';
import { createLink, updateLink, type Actor } from '../../src/modules/links/links.queries.js';
import { buildTestApp } from '../helpers/build-test-app.js';
import { SAMPLE_UPR } from '../helpers/seed.js';

const ctx = await buildTestApp(t);
const { app, database } = ctx;
const db = database.db;
await loadBundledRates(db);
await importFile(db, 'upr-info', SAMPLE_UPR, { mode: 'atomic', dryRun: false });

const A = 'XX-COVTEST-1';
const R1 = 'upr-ke-s08-02415d701927';
const R2 = 'upr-ke-s08-031779ca1494';
const EUR_2020 = 0.87618;

const tx = (type: string, date: string, value: number, currency: string, country?: string) =>
  `<transaction><transaction-type code="${type}"/><transaction-date iso-date="${date}"/><value currency="${currency}" value-date="${date}">${value}</value>${
    country ? `<recipient-country code="${country}"/>` : ''
  }</transaction>`;
const activity = (lastUpdated: string, countries: string, txs: string[]) => `<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03" generated-datetime="${lastUpdated}">
  <iati-activity last-updated-datetime="${lastUpdated}" default-currency="USD">
    <iati-identifier>${A}</iati-identifier>
    <reporting-org ref="XX-COVTEST" type="10"><narrative>Coverage test donor</narrative></reporting-org>
    <title><narrative>Coverage freshness</narrative></title>
    <activity-status code="2"/>
    <activity-date iso-date="2019-01-01" type="2"/>
    ${countries}
    ${txs.join('\n    ')}
  </iati-activity>
</iati-activities>
`;
const dir = t.testdir({});
const imp = async (name: string, xml: string) => {
  const path = join(dir, name);
  writeFileSync(path, xml);
  const r = await importFile(db, 'iati', path, { mode: 'atomic', dryRun: false });
  if (r.status !== 'succeeded') throw new Error(JSON.stringify(r));
  return r;
};
const URL = '/v1/coverage?country=KE&from=2020-01-01&to=2020-12-31';
const totals = async () => {
  const res = await app.inject({ method: 'GET', url: URL });
  t.equal(res.statusCode, 200, res.body);
  return { etag: res.headers.etag as string, totals: res.json().totals };
};
const donorMoney = async (country: string) => {
  const res = await app.inject({ method: 'GET', url: `/v1/coverage/donors?country=${country}&from=2020-01-01&to=2020-12-31` });
  const row = res.json().items.find((i: { donor: string }) => i.donor === 'XX-COVTEST');
  return row ? row.moneyInCountry.amount : 0;
};
/** The triggers' table equals a full recomputation from the inputs. */
const consistent = async (t: TapTest, label: string) => {
  const [d] = await queryRows<{ n: number }>(
    db,
    sql`with before as (select activity_id, position, country, type, date, year, currency, amount from coverage_tx_shares)
      select count(*)::int as n from (
        (select * from before except all select * from coverage_shares_recomputed())
        union all
        (select * from coverage_shares_recomputed() except all select * from before)) x`,
  );
  t.equal(d!.n, 0, `${label}: coverage_tx_shares equals a full recomputation`);
  // coverage_tx_buckets equals coverage_tx_shares summed per (country, basis, activity, currency, year), computed
  // here independently of the stored function.
  const [b] = await queryRows<{ n: number; buckets: number }>(
    db,
    sql`with want as (
        select country, case when type = '2' then 'commitment' else 'disbursement' end as basis, activity_id, currency, year,
          min(date) as first_date, max(date) as last_date, (count(*) - count(date))::int as undated, sum(amount) as amount
        from coverage_tx_shares group by 1, 2, 3, 4, 5),
      got as (select country, basis, activity_id, currency, year, first_date, last_date, undated, amount from coverage_tx_buckets)
      select (select count(*)::int from ((select * from want except all select * from got) union all (select * from got except all select * from want)) x) as n,
        (select count(*)::int from got) as buckets`,
  );
  t.equal(b!.n, 0, `${label}: coverage_tx_buckets equals coverage_tx_shares summed per bucket (${b!.buckets} buckets)`);
};
const cents = (x: number) => Math.round(x * 100) / 100;
type TapTest = Pick<typeof t, 'equal'>;

// A recomputation for the comparison (test only): the stored function writes into the table, so run it into a
// temporary copy.
await db.execute(sql`create or replace function coverage_shares_recomputed()
  returns table (activity_id text, "position" integer, country text, type text, date date, year integer, currency text, amount numeric)
  language plpgsql as $$
  begin
    create temp table if not exists cov_snapshot as select * from coverage_tx_shares with no data;
    delete from cov_snapshot;
    insert into cov_snapshot select * from coverage_tx_shares;
    perform coverage_shares_rebuild();
    return query select s.activity_id, s.position, s.country, s.type, s.date, s.year, s.currency, s.amount from coverage_tx_shares s;
    delete from coverage_tx_shares;
    insert into coverage_tx_shares select * from cov_snapshot;
  end $$`);

t.test('import, link, re-import a newer version, change a link, load a rate', async (t) => {
  // v1: KE 40 %, UG 60 %; 1,000 + 2,000 USD disbursed in 2020, a 5,000 commitment (other basis).
  await imp('v1.xml', activity('2024-01-01T00:00:00Z', '<recipient-country code="KE" percentage="40"/><recipient-country code="UG" percentage="60"/>', [
    tx('3', '2020-03-01', 1000, 'USD'),
    tx('3', '2020-06-01', 2000, 'USD'),
    tx('2', '2020-01-15', 5000, 'USD'),
  ]));
  await consistent(t, 'v1');
  t.equal(await donorMoney('KE'), 1200, 'v1: 40 % of 3,000 in KE');
  t.equal(await donorMoney('UG'), 1800, 'v1: 60 % of 3,000 in UG');
  const before = await totals();
  const actor: Actor = { name: 'freshness', requestId: null };
  const l = await createLink(db, { activityId: A, recommendationId: R1, weight: 1, rationale: 'test', method: 'manual' }, actor);
  const linked = await totals();
  t.not(linked.etag, before.etag);
  t.equal(linked.totals.money.amount, 1200, 'linked: the activity\'s 1,200 in KE');
  t.equal(linked.totals.covered, 1);
  // Periods that cut the (KE, USD, 2020) bucket (1,000 on 1 March, 2,000 on 1 June) read its rows; one that holds
  // both takes it whole; one that holds neither skips it.
  const moneyIn = async (period: string) =>
    (await app.inject({ method: 'GET', url: `/v1/coverage?country=KE&${period}` })).json().totals.money.amount as number;
  t.equal(await moneyIn('from=2020-04-15'), 800, 'a period from mid-April: 40 % of the June 2,000');
  t.equal(await moneyIn('to=2020-04-15'), 400, 'a period to mid-April: 40 % of the March 1,000');
  t.equal(await moneyIn('from=2020-03-01&to=2020-06-01'), 1200, 'a period holding both: the whole bucket');
  t.equal(await moneyIn('from=2020-03-02&to=2020-05-31'), 0, 'a period between them: nothing');
  t.equal(await moneyIn('from=2020-06-01&to=2020-06-01'), 800, 'a one-day period on the last date');

  // v2 (newer): KE 50 %, TZ 50 %; 700 USD and 100 EUR disbursed, plus 300 USD naming UG; the old transactions are gone.
  const v2 = await imp('v2.xml', activity('2024-02-01T00:00:00Z', '<recipient-country code="KE" percentage="50"/><recipient-country code="TZ" percentage="50"/>', [
    tx('3', '2020-04-01', 700, 'USD'),
    tx('4', '2020-05-01', 100, 'EUR'),
    tx('3', '2020-07-01', 300, 'USD', 'UG'),
  ]));
  t.match(v2.counts, { updated: 1 });
  await consistent(t, 'v2');
  const ke2 = 0.5 * 700 + (0.5 * 100) / EUR_2020;
  const afterV2 = await totals();
  t.not(afterV2.etag, linked.etag);
  t.equal(afterV2.totals.money.amount, cents(ke2), 'v2: half of 700 USD and of 100 EUR');
  t.equal(await donorMoney('UG'), 300, 'v2: only the transaction naming UG');
  t.equal(await donorMoney('TZ'), cents(ke2), 'v2: TZ has the other half');

  // A second link (Σ weights 1.5 > 1: normalised) and a changed weight.
  await createLink(db, { activityId: A, recommendationId: R2, weight: 0.5, rationale: 'test', method: 'manual' }, actor);
  await updateLink(db, l.id, l.version, { weight: 0.25 }, actor);
  const afterLinks = await totals();
  t.equal(afterLinks.totals.money.amount, cents(0.75 * ke2), 'Σ weights 0.75: three quarters attributed');
  t.equal(afterLinks.totals.covered, 2);

  // A loaded EUR rate for 2020 replaces the bundled one.
  const res = await app.inject({
    method: 'POST',
    url: '/v1/exchange-rates',
    headers: { ...ctx.auth.admin, 'content-type': 'text/csv' },
    payload: 'currency,year,unitsPerUsd,source\nEUR,2020,0.5,test\n',
  });
  t.equal(res.statusCode, 201, res.body);
  const afterRate = await totals();
  t.equal(afterRate.totals.money.amount, cents(0.75 * (350 + 50 / 0.5)), 'the loaded rate converts the EUR disbursement');

  // v3 (newer): no recipient countries at all; the transaction names KE.
  await imp('v3.xml', activity('2024-03-01T00:00:00Z', '', [tx('3', '2020-08-01', 400, 'USD', 'KE')]));
  await consistent(t, 'v3');
  t.equal((await totals()).totals.money.amount, cents(0.75 * 400));
  t.equal(await donorMoney('TZ'), 0, 'v3: nothing left in TZ');
});

t.test('deleting and updating inputs keeps the table equal to a recomputation', async (t) => {
  await db.execute(sql`delete from transactions where activity_id = ${A}`);
  await consistent(t, 'delete');
  const [n] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from coverage_tx_shares where activity_id = ${A}`);
  t.equal(n!.n, 0);
  await db.execute(sql`update activity_recipient_countries set percentage = 10`);
  await consistent(t, 'update');
});
