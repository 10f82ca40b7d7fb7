import t from 'tap';
import { buildTestApp } from '../helpers/build-test-app.js';
import { seedKenya } from '../helpers/seed.js';

// Truths computed from data/sample/iati/dportal-covid19-2021_recipient-KE.xml with Python's ElementTree:
// 288 distinct activities; DAC 15160 on the activity or a transaction: 3; any 151xx code: 35;
// SDG goal 5 (tag vocabulary 2/3 or sector vocabulary 7/8): 56; reported by SE-0: 75; @humanitarian=1: 45.
// GB-CHC-202918-KEND15: type 1 GBP 5,765,143 (10 transactions), type 2 GBP 7,488,651 (2),
// type 3 GBP 3,013,804.17 (2), type 4 GBP 2,751,339 (2).
t.test('activities: filters, detail, totals, pagination', async (t) => {
  const { app, database } = await buildTestApp(t);
  await seedKenya(database);
  const get = (url: string) => app.inject({ method: 'GET', url });

  t.equal((await get('/v1/activities?country=KE')).json().total, 288);
  t.equal((await get('/v1/activities?country=KE&sector=15160')).json().total, 3);
  t.equal((await get('/v1/activities?country=KE&sector=151')).json().total, 35);
  t.equal((await get('/v1/activities?country=KE&sdg=5')).json().total, 56);
  t.equal((await get('/v1/activities?reportingOrg=SE-0')).json().total, 75);
  t.equal((await get('/v1/activities?country=KE&humanitarian=true')).json().total, 45);
  t.equal((await get('/v1/activities?country=KE&humanitarian=false')).json().total, 288 - 45);

  const detail = await get(`/v1/activities/${encodeURIComponent('GB-CHC-202918-KEND15')}`);
  t.equal(detail.statusCode, 200);
  const a = detail.json();
  t.equal(a.iatiIdentifier, 'GB-CHC-202918-KEND15');
  t.equal(a.reportingOrg.ref, 'GB-CHC-202918');
  const total = (type: string) => a.totals.find((x: { type: string; currency: string }) => x.type === type && x.currency === 'GBP');
  t.match(total('1'), { value: 5765143, count: 10 });
  t.match(total('2'), { value: 7488651, count: 2 });
  t.match(total('3'), { value: 3013804.17, count: 2 });
  t.match(total('4'), { value: 2751339, count: 2 });
  t.equal(a.transactions.length, 16);
  t.ok(a.recipientCountries.some((c: { code: string; name: string }) => c.code === 'KE' && c.name === 'Kenya'));

  // Full-text search on titles and descriptions.
  const covid = (await get('/v1/activities?country=KE&q=vaccine&limit=500')).json();
  t.ok(covid.total > 0 && covid.total < 288, 'a word search narrows the list');
  for (const item of covid.items.slice(0, 5)) {
    const d = (await get(`/v1/activities/${encodeURIComponent(item.iatiIdentifier)}`)).json();
    const text = `${d.title ?? ''} ${d.description ?? ''}`.toLowerCase();
    t.ok(/vaccin/.test(text), `${item.iatiIdentifier} mentions vaccines`);
  }

  // Pagination walks every activity once.
  const seen = new Set<string>();
  let cursor: string | null = null;
  let n = 0;
  do {
    const page: { items: { iatiIdentifier: string }[]; nextCursor: string | null } = (await get(`/v1/activities?country=KE&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)).json();
    for (const i of page.items) seen.add(i.iatiIdentifier);
    n += page.items.length;
    cursor = page.nextCursor;
  } while (cursor);
  t.equal(n, 288);
  t.equal(seen.size, 288);

  t.equal((await get('/v1/activities/NO-SUCH-ACTIVITY')).statusCode, 404);
  t.equal((await get('/v1/activities?sector=12')).statusCode, 400);
  t.equal((await get('/v1/activities?sdg=goal')).statusCode, 400);

  const ke = (await get('/v1/countries/ke')).json();
  t.match(ke, { code: 'KE', alpha3: 'KEN', name: 'Kenya', recommendations: { total: 166, UPR: 166, TB: 0, SP: 0 }, activities: 288 });
  const withData = (await get('/v1/countries?hasData=true&limit=500')).json();
  t.ok(withData.items.some((c: { code: string }) => c.code === 'KE'));
  t.ok(withData.items.every((c: { recommendations: { total: number }; activities: number }) => c.recommendations.total + c.activities > 0));
  t.equal((await get('/v1/countries/ZZ')).statusCode, 404);

  const orgs = (await get('/v1/organisations?limit=500')).json();
  t.match(orgs.items.find((o: { ref: string }) => o.ref === 'SE-0'), { activities: 75 });
});
