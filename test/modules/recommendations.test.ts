import t from 'tap';
import { buildTestApp } from '../helpers/build-test-app.js';
import { seedKenya } from '../helpers/seed.js';

// Truths computed from data/sample/upr-info_recommendations_sample.csv with Python's csv module:
// Kenya (session 8): 166 rows, 144 Accepted and 22 Noted; 11 with the issue "Torture and other CID treatment";
// 7 recommended by Norway. Rows per State: BD 332, CO 279, NP 193, UG 182, KE 166.
t.test('recommendations: filters, search, pagination, errors', async (t) => {
  const { app, database } = await buildTestApp(t);
  await seedKenya(database);

  const get = (url: string) => app.inject({ method: 'GET', url });

  const ke = (await get('/v1/recommendations?country=KE&limit=500')).json();
  t.equal(ke.total, 166, 'Kenya has 166 UPR Info recommendations');
  t.equal(ke.items.length, 166);
  t.equal(ke.nextCursor, null);
  t.ok(ke.items.every((r: { country: string; mechanism: string; session: number; cycle: number }) =>
    r.country === 'KE' && r.mechanism === 'UPR' && r.session === 8 && r.cycle === 1));

  t.equal((await get('/v1/recommendations?country=KE&response=supported')).json().total, 144);
  t.equal((await get('/v1/recommendations?country=KE&response=noted')).json().total, 22);
  t.equal((await get('/v1/recommendations?country=ke&theme=Torture%20and%20other%20CID%20treatment')).json().total, 11);
  t.equal((await get('/v1/recommendations?country=KE&recommendingState=NO')).json().total, 7);
  t.equal((await get('/v1/recommendations?country=KE,UG')).json().total, 166 + 182);
  t.equal((await get('/v1/recommendations?country=KE&country=UG&country=NP')).json().total, 166 + 182 + 193);
  t.equal((await get('/v1/recommendations?cycle=2&country=BD')).json().total, 232, 'Bangladesh session 16 is cycle 2');

  // Obligations: the instrument filter selects exactly the recommendations whose obligations name it.
  for (const instrument of ['CAT', 'CEDAW', 'CRC', 'ICESCR']) {
    const expectedIds = ke.items
      .filter((r: { obligations: { instrument: string }[] }) => r.obligations.some((o) => o.instrument === instrument))
      .map((r: { id: string }) => r.id)
      .sort();
    const filtered = (await get(`/v1/recommendations?country=KE&instrument=${instrument}&limit=500`)).json();
    t.ok(expectedIds.length > 0, `some Kenyan recommendations speak to ${instrument}`);
    t.same(filtered.items.map((r: { id: string }) => r.id).sort(), expectedIds, `instrument=${instrument}`);
  }
  const torture = ke.items.filter((r: { themes: string[] }) => r.themes.includes('Torture and other CID treatment'));
  t.ok(torture.every((r: { obligations: { instrument: string }[] }) => r.obligations.some((o) => o.instrument === 'CAT')),
    'torture recommendations reach the CAT through the crosswalk');
  t.equal((await get('/v1/recommendations?instrument=NOPE')).statusCode, 400);

  // Full-text search finds exactly the rows whose text has the phrase.
  const expected = ke.items
    .filter((r: { text: string }) => /genital\s+mutilation/i.test(r.text))
    .map((r: { id: string }) => r.id)
    .sort();
  t.ok(expected.length >= 5, 'the sample has FGM recommendations');
  const found = (await get('/v1/recommendations?country=KE&q=%22genital%20mutilation%22&limit=500')).json();
  t.same(found.items.map((r: { id: string }) => r.id).sort(), expected);

  // Pagination walks every row once, in a stable order.
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const url: string = `/v1/recommendations?country=KE&limit=17${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = (await get(url)).json();
    t.equal(page.total, 166);
    seen.push(...page.items.map((r: { id: string }) => r.id));
    cursor = page.nextCursor;
    pages++;
  } while (cursor && pages < 50);
  t.equal(pages, 10);
  t.equal(seen.length, 166);
  t.equal(new Set(seen).size, 166);
  t.same(seen, [...seen].sort());

  // One recommendation, with its source.
  const one = ke.items[0];
  const res = await get(`/v1/recommendations/${one.id}`);
  t.equal(res.statusCode, 200);
  const { links, ...detail } = res.json();
  t.same(detail, one, 'the detail is the list item plus its live links');
  t.same(links, [], 'no links yet');
  t.equal(one.source.importer, 'upr-info');
  t.type(one.source.importRunId, 'string');

  const missing = await get('/v1/recommendations/upr-xx-s01-000000000000');
  t.equal(missing.statusCode, 404);
  t.match(missing.headers['content-type'], /application\/problem\+json/);

  for (const [url, param] of [
    ['/v1/recommendations?limit=0', 'limit'],
    ['/v1/recommendations?limit=501', 'limit'],
    ['/v1/recommendations?country=KEN', 'country'],
    ['/v1/recommendations?mechanism=XYZ', 'mechanism'],
    ['/v1/recommendations?cursor=not-a-cursor', 'cursor'],
  ] as const) {
    const bad = await get(url);
    t.equal(bad.statusCode, 400, url);
    t.match(bad.headers['content-type'], /application\/problem\+json/);
    const body = bad.json();
    t.equal(body.status, 400);
    t.ok(body.errors.some((e: { path: string }) => e.path.startsWith(param)), `${url} names ${param}`);
  }
});

t.test('the instrument codes of the API are those of data/reference/instruments.csv', async (t) => {
  const { readFileSync } = await import('node:fs');
  const { fromRoot } = await import('../../src/lib/paths.js');
  const { INSTRUMENT_CODES } = await import('../../src/modules/obligations/obligations.schemas.js');
  const codes = readFileSync(fromRoot('data/reference/instruments.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]);
  t.same([...INSTRUMENT_CODES].sort(), codes.sort());
});
