import { sql } from 'drizzle-orm';
import t from 'tap';
import { queryRows } from '../../src/db/query.js';
import { buildTestApp } from '../helpers/build-test-app.js';
import { seedKenya } from '../helpers/seed.js';
import type { Link } from '../../src/modules/links/links.schemas.js';

interface Problem {
  status: number;
  detail: string;
  errors?: { in: string; path: string; message: string }[];
  [k: string]: unknown;
}

// One database for the file, seeded with the sample UPR Info CSV and the Kenya IATI file; each test makes its own pairs.
const { app, database, auth } = await buildTestApp(t);
await seedKenya(database);

const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });
const enc = encodeURIComponent;

/** Real ids, read through the API: Kenyan activities and recommendations, and the other States' recommendations. */
const activityIds: string[] = (await get('/v1/activities?country=KE&limit=500')).json().items.map((a: { iatiIdentifier: string }) => a.iatiIdentifier);
const keRecs: { id: string; themes: string[] }[] = (await get('/v1/recommendations?country=KE&limit=500')).json().items;
const ugRecs: { id: string }[] = (await get('/v1/recommendations?country=UG&limit=50')).json().items;
const bdRecs: { id: string }[] = (await get('/v1/recommendations?country=BD&limit=50')).json().items;
// Activities of the Kenya file that also work elsewhere: used for the country rule.
const bdActivities: string[] = (await get('/v1/activities?country=BD&limit=500')).json().items.map((a: { iatiIdentifier: string }) => a.iatiIdentifier);
const ugActivities = new Set<string>(
  (await get('/v1/activities?country=UG&limit=500')).json().items.map((a: { iatiIdentifier: string }) => a.iatiIdentifier),
);

// Hands out pairs no other test uses.
let nextActivity = 0;
const freshActivity = () => {
  for (;;) {
    const a = activityIds[nextActivity++];
    if (!a) throw new Error('ran out of sample activities');
    if (!ugActivities.has(a) && !bdActivities.includes(a)) return a;
  }
};
const rec = (i: number) => keRecs[i]!.id;

const post = (body: unknown, who: 'reader' | 'editor' | 'admin' = 'editor', headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/v1/links', headers: { ...auth[who], ...headers }, payload: body as object });
const patch = (id: string, body: unknown, headers: Record<string, string>, who: 'reader' | 'editor' | 'admin' = 'editor') =>
  app.inject({ method: 'PATCH', url: `/v1/links/${id}`, headers: { ...auth[who], ...headers }, payload: body as object });
const del = (id: string, headers: Record<string, string> = {}, who: 'reader' | 'editor' | 'admin' = 'editor') =>
  app.inject({ method: 'DELETE', url: `/v1/links/${id}`, headers: { ...auth[who], ...headers } });

t.test('sample data has what these tests need', async (t) => {
  t.equal(activityIds.length, 288);
  t.equal(keRecs.length, 166);
  t.ok(ugRecs.length > 0 && bdRecs.length > 0);
  t.ok(bdActivities.length > 0, 'some Kenyan activities also work in Bangladesh');
});

t.test('link life cycle: create, read, change, retire, with history', async (t) => {
  const activity = freshActivity();
  const recommendation = rec(0);
  const created = await post(
    { activity, recommendation, rationale: '  Funds the national human rights institution.  ', evidenceUrl: 'https://example.org/report.pdf' },
    'editor',
    { 'x-request-id': 'req-create-1' },
  );
  t.equal(created.statusCode, 201, created.body);
  const link: Link = created.json();
  t.match(link, {
    activity,
    recommendation,
    country: 'KE',
    weight: 1,
    status: 'accepted',
    method: 'manual',
    confidence: null,
    rationale: 'Funds the national human rights institution.',
    evidenceUrl: 'https://example.org/report.pdf',
    evidence: null,
    suggestionId: null,
    createdBy: 'test-editor',
    updatedBy: 'test-editor',
    version: 1,
  });
  t.match(link.id, /^[0-9a-f-]{36}$/);
  t.equal(created.headers.etag, `W/"${link.id}-1"`);
  t.equal(created.headers.location, `/v1/links/${link.id}`);
  t.ok(!Number.isNaN(Date.parse(link.createdAt)));

  const read = await get(`/v1/links/${link.id}`);
  t.equal(read.statusCode, 200);
  t.same(read.json(), link);
  t.equal(read.headers.etag, `W/"${link.id}-1"`);
  const notModified = await get(`/v1/links/${link.id}`, { 'if-none-match': `W/"${link.id}-1"` });
  t.equal(notModified.statusCode, 304);

  // The activity and the recommendation list it.
  const act = (await get(`/v1/activities/${enc(activity)}`)).json();
  t.same(act.links.map((l: { id: string }) => l.id), [link.id]);
  t.match(act.links[0], { recommendation, weight: 1, status: 'accepted', method: 'manual', version: 1 });
  const r = (await get(`/v1/recommendations/${enc(recommendation)}`)).json();
  t.ok(r.links.some((l: { id: string; activity: string }) => l.id === link.id && l.activity === activity));
  t.notOk('links' in (await get('/v1/recommendations?country=KE&limit=1')).json().items[0], 'lists do not carry links');

  // A change by another key bumps the version and the ETag.
  const changed = await patch(link.id, { weight: 0.4, status: 'suggested' }, { 'if-match': `W/"${link.id}-1"`, 'x-request-id': 'req-patch-1' }, 'admin');
  t.equal(changed.statusCode, 200, changed.body);
  t.match(changed.json(), { weight: 0.4, status: 'suggested', version: 2, updatedBy: 'test-admin', createdBy: 'test-editor' });
  t.equal(changed.headers.etag, `W/"${link.id}-2"`);
  // The strong form of the same tag is accepted too; a change to nothing changes nothing.
  const same = await patch(link.id, { weight: 0.4 }, { 'if-match': `"${link.id}-2"` });
  t.equal(same.statusCode, 200);
  t.equal(same.json().version, 2);
  const cleared = await patch(link.id, { evidenceUrl: null, rationale: 'Builds the NHRI complaints system.' }, { 'if-match': `W/"${link.id}-2"` });
  t.match(cleared.json(), { evidenceUrl: null, rationale: 'Builds the NHRI complaints system.', version: 3 });

  // Retiring: a stale tag is refused; then the link leaves every query, and its pair is free again.
  t.equal((await del(link.id, { 'if-match': `W/"${link.id}-2"` })).statusCode, 412);
  const retired = await del(link.id, { 'if-match': `W/"${link.id}-3"`, 'x-request-id': 'req-retire-1' });
  t.equal(retired.statusCode, 204);
  t.equal((await get(`/v1/links/${link.id}`)).statusCode, 404);
  t.equal((await patch(link.id, { weight: 0.5 }, { 'if-match': `W/"${link.id}-4"` })).statusCode, 404);
  t.equal((await del(link.id)).statusCode, 404);
  t.equal((await get(`/v1/links?activity=${enc(activity)}`)).json().total, 0);
  t.same((await get(`/v1/activities/${enc(activity)}`)).json().links, []);
  t.notOk((await get(`/v1/recommendations/${enc(recommendation)}`)).json().links.some((l: { id: string }) => l.id === link.id));

  // The history stays: every change, oldest first, with actor, request id, before and after.
  const history = await get(`/v1/links/${link.id}/history`);
  t.equal(history.statusCode, 200);
  const h = history.json();
  t.equal(h.linkId, link.id);
  t.equal(h.retired, true);
  t.same(
    h.items.map((i: { action: string; actor: string; requestId: string }) => [i.action, i.actor, i.requestId]),
    [
      ['create', 'test-editor', 'req-create-1'],
      ['update', 'test-admin', 'req-patch-1'],
      ['update', 'test-editor', cleared.headers['x-request-id']],
      ['retire', 'test-editor', 'req-retire-1'],
    ],
  );
  const [create, update, , retire] = h.items;
  t.equal(create.before, null);
  t.match(create.after, { activity, recommendation, weight: 1, status: 'accepted', version: 1, retiredAt: null });
  t.same(update.changed.sort(), ['status', 'weight']);
  t.match(update.before, { weight: 1, status: 'accepted', version: 1 });
  t.match(update.after, { weight: 0.4, status: 'suggested', version: 2, updatedBy: 'test-admin' });
  t.same(retire.changed.sort(), ['retiredAt', 'retiredBy']);
  t.match(retire.after, { version: 4, retiredBy: 'test-editor' });
  t.type(retire.after.retiredAt, 'string');
  t.ok(h.items.every((i: { seq: number; at: string }, n: number) => n === 0 || i.seq > h.items[n - 1].seq), 'oldest first');

  const again = await post({ activity, recommendation, rationale: 'Linked again after retirement.' });
  t.equal(again.statusCode, 201, 'a retired pair can be linked anew');
  t.not(again.json().id, link.id);
});

t.test('409, 412, 422, 428 and 400 cases', async (t) => {
  const activity = freshActivity();
  const first = (await post({ activity, recommendation: rec(1), rationale: 'First.', weight: 0.25 })).json() as Link;
  t.equal(first.weight, 0.25);

  // 409: one live link per pair, and the problem names it.
  const dup = await post({ activity, recommendation: rec(1), rationale: 'Second.' });
  t.equal(dup.statusCode, 409);
  t.match(dup.headers['content-type'], /application\/problem\+json/);
  const dupBody: Problem = dup.json();
  t.equal(dupBody.linkId, first.id);
  t.match(dupBody.detail, first.id);

  // 422: the activity must exist, the recommendation must exist, and the activity must work in its country.
  const noActivity = await post({ activity: 'XX-NO-SUCH-ACTIVITY', recommendation: rec(1), rationale: 'x' });
  t.equal(noActivity.statusCode, 422);
  t.same((noActivity.json() as Problem).errors!.map((e) => e.path), ['activity']);
  t.match(noActivity.json().detail, /no activity with iati-identifier "XX-NO-SUCH-ACTIVITY"/);
  const noRec = await post({ activity, recommendation: 'upr-xx-s01-000000000000', rationale: 'x' });
  t.equal(noRec.statusCode, 422);
  t.same((noRec.json() as Problem).errors!.map((e) => e.path), ['recommendation']);
  t.match(noRec.json().detail, /no recommendation with id/);
  const neither = await post({ activity: 'XX-NO', recommendation: 'nope', rationale: 'x' });
  t.same((neither.json() as Problem).errors!.map((e) => e.path), ['activity', 'recommendation']);

  const wrongCountry = await post({ activity, recommendation: ugRecs[0]!.id, rationale: 'Works in Kenya only.' });
  t.equal(wrongCountry.statusCode, 422);
  t.match(wrongCountry.json().detail, /does not work in UG, the recommendation's country/);
  t.match(wrongCountry.json().detail, /KE/);
  // A Kenyan activity that also works in Bangladesh may support a Bangladeshi recommendation.
  const bd = await post({ activity: bdActivities[0], recommendation: bdRecs[0]!.id, rationale: 'Multi-country programme.' });
  t.equal(bd.statusCode, 201, bd.body);
  t.equal(bd.json().country, 'BD');

  // 400: the body, field by field.
  for (const [body, field] of [
    [{ activity, recommendation: rec(2), rationale: 'x', weight: 0 }, 'weight'],
    [{ activity, recommendation: rec(2), rationale: 'x', weight: 1.5 }, 'weight'],
    [{ activity, recommendation: rec(2), rationale: 'x', weight: -0.2 }, 'weight'],
    [{ activity, recommendation: rec(2), rationale: 'x', weight: 'heavy' }, 'weight'],
    [{ activity, recommendation: rec(2) }, 'rationale'],
    [{ activity, recommendation: rec(2), rationale: '   ' }, 'rationale'],
    [{ activity, recommendation: rec(2), rationale: 'x', evidenceUrl: 'not a url' }, 'evidenceUrl'],
    [{ activity, recommendation: rec(2), rationale: 'x', evidenceUrl: 'ftp://example.org/a' }, 'evidenceUrl'],
    [{ activity, recommendation: rec(2), rationale: 'x', status: 'maybe' }, 'status'],
    [{ recommendation: rec(2), rationale: 'x' }, 'activity'],
  ] as const) {
    const res = await post(body);
    t.equal(res.statusCode, 400, JSON.stringify(body));
    const p: Problem = res.json();
    t.ok(p.errors!.some((e) => e.path === field), `${JSON.stringify(body)} names ${field}`);
  }
  const unknownField = await post({ activity, recommendation: rec(2), rationale: 'x', method: 'sdg-match' });
  t.equal(unknownField.statusCode, 400, 'the method of a manual link is not the caller\'s to set');

  // 428: no If-Match, or `*`; 412: a stale tag or another link's.
  const noTag = await patch(first.id, { weight: 0.5 }, {});
  t.equal(noTag.statusCode, 428);
  t.match(noTag.json().detail, /If-Match/);
  const star = await patch(first.id, { weight: 0.5 }, { 'if-match': '*' });
  t.equal(star.statusCode, 428);
  const ok = await patch(first.id, { weight: 0.5 }, { 'if-match': `W/"${first.id}-1"` });
  t.equal(ok.statusCode, 200);
  const stale = await patch(first.id, { weight: 0.6 }, { 'if-match': `W/"${first.id}-1"` });
  t.equal(stale.statusCode, 412);
  t.match(stale.json().detail, /version 2/);
  t.equal((await patch(first.id, { weight: 0.6 }, { 'if-match': `W/"${bd.json().id}-2"` })).statusCode, 412, "another link's tag");
  t.equal((await patch(first.id, { weight: 0.6 }, { 'if-match': 'W/"garbage"' })).statusCode, 412);
  t.equal((await get(`/v1/links/${first.id}`)).json().weight, 0.5, 'refused changes changed nothing');

  // PATCH bodies: something to change, only the changeable fields, weights in range.
  const tag = { 'if-match': `W/"${first.id}-2"` };
  t.equal((await patch(first.id, {}, tag)).statusCode, 400);
  const pairChange = await patch(first.id, { activity: 'other' }, tag);
  t.equal(pairChange.statusCode, 400);
  const w = await patch(first.id, { weight: 2 }, tag);
  t.equal(w.statusCode, 400);
  t.ok((w.json() as Problem).errors!.some((e) => e.path === 'weight'));

  // 404 and 400 on ids.
  t.equal((await get('/v1/links/00000000-0000-4000-8000-000000000000')).statusCode, 404);
  t.equal((await get('/v1/links/00000000-0000-4000-8000-000000000000/history')).statusCode, 404);
  t.equal((await get('/v1/links/not-a-uuid')).statusCode, 400);
  // DELETE with If-Match `*` only asks that the link exist.
  t.equal((await del(bd.json().id, { 'if-match': '*' })).statusCode, 204);
});

t.test('authorisation: readers read, editors write, the actor is recorded', async (t) => {
  const activity = freshActivity();
  const body = { activity, recommendation: rec(3), rationale: 'Access to justice programme.' };
  t.equal((await app.inject({ method: 'POST', url: '/v1/links', payload: body })).statusCode, 401);
  const asReader = await post(body, 'reader');
  t.equal(asReader.statusCode, 403);
  t.match(asReader.json().detail, /editor/);
  const created = await post(body, 'editor');
  t.equal(created.statusCode, 201);
  const link: Link = created.json();
  t.equal(link.createdBy, 'test-editor');

  t.equal((await get(`/v1/links/${link.id}`, auth.reader)).statusCode, 200, 'a reader reads');
  t.equal((await get(`/v1/links/${link.id}/history`, auth.reader)).statusCode, 200);
  t.equal((await patch(link.id, { weight: 0.3 }, { 'if-match': `W/"${link.id}-1"` }, 'reader')).statusCode, 403);
  t.equal((await del(link.id, {}, 'reader')).statusCode, 403);
  const imp = await app.inject({ method: 'POST', url: '/v1/links/import', headers: auth.reader, payload: [] });
  t.equal(imp.statusCode, 403);

  // Without PUBLIC_READS, reads need a key too.
  t.equal((await get('/v1/links')).statusCode, 200, 'reads are public by default');

  const byAdmin = await patch(link.id, { weight: 0.3 }, { 'if-match': `W/"${link.id}-1"` }, 'admin');
  t.equal(byAdmin.json().updatedBy, 'test-admin');
  const h = (await get(`/v1/links/${link.id}/history`)).json();
  t.same(h.items.map((i: { actor: string }) => i.actor), ['test-editor', 'test-admin']);
  t.equal((await get(`/v1/links?createdBy=test-editor&activity=${enc(activity)}`)).json().total, 1);
  t.equal((await get(`/v1/links?createdBy=test-admin&activity=${enc(activity)}`)).json().total, 0);
});

t.test('lists: filters, pagination, CSV export', async (t) => {
  const activity = freshActivity();
  const torture = keRecs.filter((r) => r.themes.includes('Torture and other CID treatment')).slice(0, 2);
  t.equal(torture.length, 2);
  const ids: string[] = [];
  for (const [i, r] of [torture[0]!.id, torture[1]!.id, rec(10), rec(11), rec(12)].entries()) {
    const res = await post({ activity, recommendation: r, rationale: `Rationale ${i}, with "quotes"\nand a second line`, weight: (i + 1) / 10, status: i === 4 ? 'rejected' : 'accepted' });
    t.equal(res.statusCode, 201, res.body);
    ids.push(res.json().id);
  }
  const list = (q: string) => get(`/v1/links?activity=${enc(activity)}&${q}`).then((r) => r.json());

  t.equal((await list('')).total, 5);
  t.same((await list('')).items.map((l: Link) => l.id), [...ids].reverse(), 'newest first');
  t.equal((await list('country=KE')).total, 5);
  t.equal((await list('country=UG')).total, 0);
  t.equal((await list('status=accepted')).total, 4);
  t.equal((await list('status=rejected')).total, 1);
  t.equal((await list('status=accepted,rejected')).total, 5);
  t.equal((await list('method=manual')).total, 5);
  t.equal((await list('method=sdg-match')).total, 0);
  t.equal((await list('mechanism=UPR')).total, 5);
  t.equal((await list('mechanism=TB')).total, 0);
  t.equal((await list(`theme=${enc('Torture and other CID treatment')}`)).total, 2);
  t.equal((await list(`recommendation=${enc(rec(10))}`)).total, 1);
  t.equal((await get('/v1/links?status=maybe')).statusCode, 400);
  t.equal((await get('/v1/links?cursor=nope')).statusCode, 400);

  // Pages of two walk all five once.
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: Link[]; nextCursor: string | null; total: number } = await list(`limit=2${cursor ? `&cursor=${enc(cursor)}` : ''}`);
    t.equal(page.total, 5);
    seen.push(...page.items.map((l) => l.id));
    cursor = page.nextCursor;
  } while (cursor);
  t.same(seen, [...ids].reverse());

  // CSV: the same rows and fields, by format=csv or by Accept; limit does not cut an export.
  const csv = await get(`/v1/links?activity=${enc(activity)}&format=csv&limit=1`);
  t.equal(csv.statusCode, 200);
  t.match(csv.headers['content-type'], /^text\/csv/);
  t.match(csv.headers['content-disposition'], /attachment; filename="links.csv"/);
  const { parse } = await import('csv-parse/sync');
  const rows: Record<string, string>[] = parse(csv.body, { columns: true });
  t.same(Object.keys(rows[0]!), [
    'id', 'activity', 'recommendation', 'country', 'weight', 'status', 'method', 'confidence', 'rationale',
    'evidenceUrl', 'evidence', 'suggestionId', 'createdBy', 'createdAt', 'updatedBy', 'updatedAt', 'version',
  ]);
  t.same(rows.map((r) => r.id), [...ids].reverse());
  const json: Link[] = (await list('')).items;
  t.same(rows.map((r) => [r.weight, r.rationale, r.confidence, r.createdAt, r.version]), json.map((l) => [String(l.weight), l.rationale, '', l.createdAt, String(l.version)]));
  const byAccept = await get(`/v1/links?activity=${enc(activity)}`, { accept: 'text/csv' });
  t.match(byAccept.headers['content-type'], /^text\/csv/);
  t.equal(byAccept.body, csv.body);
  const jsonWins = await get(`/v1/links?activity=${enc(activity)}&format=json`, { accept: 'text/csv' });
  t.match(jsonWins.headers['content-type'], /application\/json/);
  t.match((await get(`/v1/links?activity=${enc(activity)}`, { accept: 'application/json, text/csv;q=0.5' })).headers['content-type'], /application\/json/);
  t.match((await get(`/v1/links?activity=${enc(activity)}`, { accept: '*/*' })).headers['content-type'], /application\/json/);
  const empty = await get('/v1/links?country=NP&format=csv');
  t.equal(empty.body.trim().split('\n').length, 1, 'an empty export still has its header');
});

t.test('import: atomic, a problem per bad row, CSV and JSON', async (t) => {
  const a1 = freshActivity();
  const a2 = freshActivity();
  const importAs = (payload: string, type: string, who: 'editor' | 'admin' = 'editor') =>
    app.inject({ method: 'POST', url: '/v1/links/import', headers: { ...auth[who], 'content-type': type }, payload });
  const count = async () => Number((await queryRows<{ n: string }>(database.db, sql`select count(*) as n from links`))[0]!.n);
  const before = await count();

  const header = 'activity,recommendation,weight,status,rationale,evidence\n';
  const bad =
    header +
    `${a1},${rec(20)},0.5,accepted,Fine row,\n` + // line 2
    `${a1},${rec(21)},1.5,accepted,"A rationale\nover two lines",\n` + // lines 3–4: weight out of range
    `XX-NOPE,${rec(22)},,,Unknown activity,\n` + // line 5
    `${a2},${ugRecs[0]!.id},,,Wrong country,\n` + // line 6
    `${a1},${rec(20)},,,Repeats line 2,\n` + // line 7
    `${a2},${rec(23)},,,,\n` + // line 8: no rationale
    `${a2},${rec(24)},,,Bad evidence,{not json\n`; // line 9
  const rejected = await importAs(bad, 'text/csv');
  t.equal(rejected.statusCode, 422, rejected.body);
  const p: Problem = rejected.json();
  t.same(
    p.errors!.map((e) => e.path).sort(),
    ['line 3: weight', 'line 5: activity', 'line 6: activity', 'line 7: recommendation', 'line 8: rationale', 'line 9: evidence'].sort(),
  );
  t.ok(p.errors!.every((e) => e.in === 'file'));
  t.match(p.errors!.find((e) => e.path === 'line 7: recommendation')!.message, /line 2/);
  t.equal(await count(), before, 'nothing written');

  const unknownColumn = await importAs('activity,recommendation,rationale,colour\n', 'text/csv');
  t.equal(unknownColumn.statusCode, 422);
  t.same((unknownColumn.json() as Problem).errors!.map((e) => e.path), ['line 1: colour']);
  t.equal((await importAs('activity,weight\n', 'text/csv')).statusCode, 422, 'required columns');
  t.equal((await importAs('<links/>', 'application/xml')).statusCode, 415);

  // JSON: items[N].field.
  const badJson = await importAs(
    JSON.stringify({
      items: [
        { activity: a1, recommendation: rec(25), rationale: 'ok' },
        { activity: a1, recommendation: rec(26), rationale: 'ok', weight: 0 },
        { activity: a1, recommendation: rec(27), rationale: 'ok', colour: 'red' },
        'not a link',
        { activity: a1, recommendation: rec(28), rationale: 'ok', country: 'UG' },
      ],
    }),
    'application/json',
  );
  t.equal(badJson.statusCode, 422);
  t.same(
    (badJson.json() as Problem).errors!.map((e) => e.path),
    ['items[1].weight', 'items[2].colour', 'items[3]', 'items[4].country'],
  );
  t.equal(await count(), before);
  t.equal((await importAs('{"links": []}', 'application/json')).statusCode, 400);

  // A key named "__proto__" in evidence is refused on both paths, with the place named, and nothing is written: JSON
  // text that the API would refuse as a request body is not accepted inside a CSV cell either, so every export
  // re-imports (found by the export → import property, links-roundtrip.test.ts).
  const protoCsv = await importAs(header + `${a2},${rec(29)},,,Evidence with a prototype key,"{""__proto__"":{""admin"":true}}"\n`, 'text/csv');
  t.equal(protoCsv.statusCode, 422, protoCsv.body);
  const protoProblem: Problem = protoCsv.json();
  t.same(protoProblem.errors!.map((e) => e.path), ['line 2: evidence']);
  t.match(protoProblem.errors![0]!.message, /__proto__.*prototype poisoning/);
  const protoJson = await importAs(`{"items": [{"activity": "${a2}", "recommendation": "${rec(29)}", "rationale": "x", "evidence": {"__proto__": {"admin": true}}}]}`, 'application/json');
  t.equal(protoJson.statusCode, 400, protoJson.body);
  t.match(protoJson.headers['content-type'], /^application\/problem\+json/);
  t.match((protoJson.json() as Problem).detail, /request body has a key named "__proto__"/);
  const ctorJson = await importAs('{"items": [{"evidence": {"constructor": {"prototype": {"x": 1}}}}]}', 'application/json');
  t.equal(ctorJson.statusCode, 400);
  t.match((ctorJson.json() as Problem).detail, /"constructor" with "prototype"/);
  const broken = await importAs('{"items": [', 'application/json');
  t.equal(broken.statusCode, 400);
  t.match((broken.json() as Problem).detail, /request body is not valid JSON \(/);
  const emptyBody = await app.inject({ method: 'POST', url: '/v1/links', headers: { ...auth.editor, 'content-type': 'application/json' }, payload: '' });
  t.equal(emptyBody.statusCode, 400);
  t.match((emptyBody.json() as Problem).detail, /empty/);
  t.equal(await count(), before, 'nothing written');

  // A good batch: every row created, with an import history row that keeps the source's identity.
  const good =
    'id,activity,recommendation,weight,status,method,confidence,rationale,evidenceUrl,evidence,createdBy,createdAt\n' +
    `src-1,${a1},${rec(20)},0.5,accepted,sdg-match+text,0.82,"Shared SDG 16.3, per the ""results"" framework",https://example.org/r,"{""sdg"":[""16.3""]}",alice,2024-05-01T10:00:00.000Z\n` +
    `,${a2},${rec(21)},,suggested,,,Plain,,,,\n`;
  const res = await importAs(good, 'text/csv; charset=utf-8', 'admin');
  t.equal(res.statusCode, 201, res.body);
  const out = res.json();
  t.equal(out.created, 2);
  t.match(out.items[0], {
    activity: a1,
    recommendation: rec(20),
    weight: 0.5,
    status: 'accepted',
    method: 'sdg-match+text',
    confidence: 0.82,
    rationale: 'Shared SDG 16.3, per the "results" framework',
    evidenceUrl: 'https://example.org/r',
    evidence: { sdg: ['16.3'] },
    createdBy: 'test-admin',
    version: 1,
  });
  t.not(out.items[0].id, 'src-1');
  t.match(out.items[1], { weight: 1, status: 'suggested', method: 'manual', confidence: null, evidence: null, evidenceUrl: null });
  const h = (await get(`/v1/links/${out.items[0].id}/history`)).json();
  t.equal(h.items.length, 1);
  t.match(h.items[0], { action: 'import', actor: 'test-admin', after: { importedFrom: { id: 'src-1', createdBy: 'alice', createdAt: '2024-05-01T10:00:00.000Z' } } });
  t.equal(await count(), before + 2);

  // The same batch again: its pairs are taken now.
  const again = await importAs(good, 'text/csv');
  t.equal(again.statusCode, 422);
  t.same((again.json() as Problem).errors!.map((e) => e.path), ['line 2: recommendation', 'line 3: recommendation']);
  t.match((again.json() as Problem).errors![0]!.message, /already has a live link/);
});

t.test('link_history is append-only, even to direct SQL', async (t) => {
  const link = (await post({ activity: freshActivity(), recommendation: rec(30), rationale: 'Audit trail.' })).json() as Link;
  const rows = () => queryRows<{ actor: string }>(database.db, sql`select actor from link_history where link_id = ${link.id}`);
  t.same(await rows(), [{ actor: 'test-editor' }]);
  // drizzle wraps the driver's error; the database's own is its cause.
  const refusal = (q: ReturnType<typeof sql>) =>
    database.db.execute(q).then(
      () => null,
      (e: { cause?: { code?: string; message?: string } }) => ({ code: e.cause?.code, message: e.cause?.message }),
    );
  const refused = { code: '42501', message: 'link_history rows are never updated or deleted' };
  t.same(await refusal(sql`update link_history set actor = 'mallory' where link_id = ${link.id}`), refused);
  t.same(await refusal(sql`delete from link_history where link_id = ${link.id}`), refused);
  t.same(await rows(), [{ actor: 'test-editor' }], 'the row is as it was');
  // Nor can a link with history be deleted under it.
  await t.rejects(database.db.execute(sql`delete from links where id = ${link.id}`));
});
