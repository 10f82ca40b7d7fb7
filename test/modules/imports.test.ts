import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import t from 'tap';
import { queryRows } from '../../src/db/query.js';
import { createKey, revokeKey } from '../../src/modules/keys/keys.queries.js';
import { buildTestApp } from '../helpers/build-test-app.js';
import { SAMPLE_UPR, sampleIati } from '../helpers/seed.js';

const KE_XML = readFileSync(sampleIati('KE'));
const UPR_CSV = readFileSync(SAMPLE_UPR, 'utf8');

/** A fingerprint of every table an import writes, to prove a rejected import changed nothing. */
async function fingerprint(db: Parameters<typeof queryRows>[0]) {
  const [row] = await queryRows<{ recs: number; srcs: number; acts: number; txs: number; h: string | null }>(
    db,
    sql`select (select count(*)::int from recommendations) as recs,
               (select count(*)::int from recommendation_sources) as srcs,
               (select count(*)::int from activities) as acts,
               (select count(*)::int from transactions) as txs,
               (select md5(string_agg(id || content_hash || coalesce(response, ''), ',' order by id)) from recommendations) as h`,
  );
  return row;
}

t.test('imports over HTTP: auth, media types, reports, idempotence, atomic rejection', async (t) => {
  const { app, database, auth } = await buildTestApp(t);
  const post = (url: string, body: string | Buffer, headers: Record<string, string>) =>
    app.inject({ method: 'POST', url, payload: body, headers });

  // Authentication and roles.
  const anon = await post('/v1/imports/iati', KE_XML, { 'content-type': 'application/xml' });
  t.equal(anon.statusCode, 401);
  t.match(anon.headers['content-type'], /application\/problem\+json/);
  t.equal((await post('/v1/imports/iati', KE_XML, { 'content-type': 'application/xml', ...auth.reader })).statusCode, 403);
  t.equal((await post('/v1/imports/iati', KE_XML, { 'content-type': 'application/xml', ...auth.editor })).statusCode, 403);
  t.equal((await post('/v1/imports/iati', KE_XML, { 'content-type': 'application/xml', authorization: 'Bearer orm_000000000000_notarealkeyatallnotreal' })).statusCode, 401);
  const revoked = await createKey(database.db, 'old-admin', 'admin');
  await revokeKey(database.db, revoked.id);
  const rv = await post('/v1/imports/iati', KE_XML, { 'content-type': 'application/xml', authorization: `Bearer ${revoked.key}` });
  t.equal(rv.statusCode, 403);
  t.match(rv.json().detail, /revoked/);
  t.equal((await fingerprint(database.db))!.acts, 0, 'nothing was imported by refused requests');

  // Media types.
  const wrong = await post('/v1/imports/iati', UPR_CSV, { 'content-type': 'text/csv', ...auth.admin });
  t.equal(wrong.statusCode, 415);
  t.match(wrong.headers['content-type'], /application\/problem\+json/);
  t.equal((await post('/v1/imports/upr-info', '{"a":1}', { 'content-type': 'application/json', ...auth.admin })).statusCode, 415);
  t.equal((await post('/v1/imports/upr-info', 'x', { 'content-type': 'application/pdf', ...auth.admin })).statusCode, 415);

  // A dry run writes nothing but says what an import would do.
  const dry = await post('/v1/imports/iati?dryRun=true', KE_XML, { 'content-type': 'application/xml', ...auth.admin });
  t.equal(dry.statusCode, 200);
  t.match(dry.json(), { dryRun: true, status: 'succeeded', counts: { read: 288, inserted: 288 } });
  t.equal((await fingerprint(database.db))!.acts, 0);

  // The real import, then the same file again: every record unchanged.
  const first = await post('/v1/imports/iati', KE_XML, { 'content-type': 'application/xml', 'x-file-name': 'KE.xml', ...auth.admin });
  t.equal(first.statusCode, 201);
  const report = first.json();
  t.match(report, { kind: 'iati', fileName: 'KE.xml', status: 'succeeded', actor: 'test-admin', counts: { read: 288, inserted: 288, rejected: 0 } });
  t.match(report.sha256, /^[0-9a-f]{64}$/);
  t.equal(report.bytes, KE_XML.length);
  const again = (await post('/v1/imports/iati', KE_XML, { 'content-type': 'application/xml', ...auth.admin })).json();
  t.match(again.counts, { read: 288, inserted: 0, updated: 0, unchanged: 288 });
  t.equal(again.sha256, report.sha256);

  const upr = await post('/v1/imports/upr-info', UPR_CSV, { 'content-type': 'text/csv; charset=utf-8', ...auth.admin });
  t.equal(upr.statusCode, 201);
  t.match(upr.json().counts, { read: 1152, rejected: 0 });
  const before = await fingerprint(database.db);

  // A corrupted copy: one unknown State, one bad response, and one new (valid) row. Atomic: all refused.
  const lines = UPR_CSV.split('\n');
  lines[5] = lines[5]!.replace(/^Bangladesh,/, 'Atlantis,');
  lines[9] = lines[9]!.replace(/,(Accepted|Noted),/, ',Maybe,');
  lines.push('Kenya,Africa,,A new recommendation written for this test only.,Norway,WEOG,,Accepted,4,Justice,8');
  const corrupted = lines.join('\n');
  const rejected = await post('/v1/imports/upr-info', corrupted, { 'content-type': 'text/csv', ...auth.admin });
  t.equal(rejected.statusCode, 422);
  t.match(rejected.headers['content-type'], /application\/problem\+json/);
  const problem = rejected.json();
  t.match(problem, { status: 422, title: 'Import rejected', importRun: { status: 'rejected' } });
  t.ok(problem.errors.some((e: { path: string }) => /^line 6\b.*To/.test(e.path)), 'names line 6 and the field To');
  t.ok(problem.errors.some((e: { path: string }) => /^line 10\b.*Response/.test(e.path)), 'names line 10 and the field Response');
  t.same(await fingerprint(database.db), before, 'the database is exactly as before');

  // skip-invalid keeps the valid rows and lists the invalid ones.
  const partial = await post('/v1/imports/upr-info?mode=skip-invalid', corrupted, { 'content-type': 'text/csv', ...auth.admin });
  t.equal(partial.statusCode, 201);
  t.match(partial.json(), { status: 'partial', counts: { rejected: 2, inserted: 1 } });

  // Runs are listed newest first and kept with their problems.
  const iatiRuns = (await app.inject({ method: 'GET', url: '/v1/imports?limit=500&kind=iati' })).json();
  t.same(iatiRuns.items.map((r: { status: string; dryRun: boolean }) => [r.status, r.dryRun]), [
    ['succeeded', false],
    ['succeeded', false],
    ['succeeded', true],
  ]);
  const uprRuns = (await app.inject({ method: 'GET', url: '/v1/imports?limit=500&kind=upr-info' })).json();
  t.same(uprRuns.items.map((r: { status: string }) => r.status), ['partial', 'rejected', 'succeeded']);
  const rejectedRun = (await app.inject({ method: 'GET', url: `/v1/imports/${problem.importRun.id}` })).json();
  t.equal(rejectedRun.status, 'rejected');
  t.ok(rejectedRun.problems.some((p: { line: number; field: string }) => p.line === 6 && p.field === 'To'));
  t.equal((await app.inject({ method: 'GET', url: '/v1/imports/00000000-0000-4000-8000-000000000000' })).statusCode, 404);
  t.equal((await app.inject({ method: 'GET', url: '/v1/imports/nope' })).statusCode, 400);
});

t.test('size limit: 413 and nothing written', async (t) => {
  const { app, database, auth } = await buildTestApp(t, { IMPORT_MAX_BYTES: '100000' });
  const big = await app.inject({
    method: 'POST',
    url: '/v1/imports/iati',
    payload: KE_XML,
    headers: { 'content-type': 'application/xml', ...auth.admin },
  });
  t.equal(big.statusCode, 413);
  t.match(big.headers['content-type'], /application\/problem\+json/);
  t.equal((await fingerprint(database.db))!.acts, 0);
});

t.test('PUBLIC_READS=false: reads need a key', async (t) => {
  const { app, auth } = await buildTestApp(t, { PUBLIC_READS: 'false' });
  const anon = await app.inject({ method: 'GET', url: '/v1/recommendations' });
  t.equal(anon.statusCode, 401);
  t.match(anon.headers['www-authenticate'], /Bearer/);
  t.equal((await app.inject({ method: 'GET', url: '/v1/recommendations', headers: auth.reader })).statusCode, 200);
  t.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200, 'health stays public');
});
