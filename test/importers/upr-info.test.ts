import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import t from 'tap';
import type { Db } from '../../src/db/client.js';
import { queryRows } from '../../src/db/query.js';
import { importFile, importStream } from '../../src/importers/index.js';
import { bundledCountryResolver, loadCountryResolver } from '../../src/importers/reference.importer.js';
import { decodeStream, detectEncoding } from '../../src/importers/upr-info.importer.js';
import { fromRoot } from '../../src/lib/paths.js';
import { createTestDatabase } from '../helpers/build-test-app.js';

// Expected values below were computed independently with Python (csv module; the Mac Roman slice read with the
// mac_roman codec; distinct recommendations = distinct (To, Session, From, normalised Text); ids with hashlib.sha256).
// See test/fixtures/upr-info/SOURCES.md for how each slice was cut.
const SAMPLE = fromRoot('data/sample/upr-info_recommendations_sample.csv');
const FIX = (f: string) => fromRoot('test/fixtures/upr-info', f);
const MACROMAN = FIX('macroman-cr_sessions18-20_first450.csv');
const UTF8 = FIX('utf8_sessions18-20_first450.csv');
const atomic = { mode: 'atomic' as const, dryRun: false };
const skip = { mode: 'skip-invalid' as const, dryRun: false };

type Row = Record<string, unknown>;
async function tableCounts(db: Db) {
  const [r] = await queryRows<Row>(
    db,
    sql`select (select count(*) from recommendations)::int as recommendations,
               (select count(*) from recommendation_sources)::int as sources,
               (select max(updated_at)::text from recommendations) as last_update`,
  );
  return r!;
}
async function snapshot(db: Db) {
  return queryRows<Row>(
    db,
    sql`select r.id, r.content_hash, r.import_run_id, r.updated_at::text, s.import_run_id as source_run
        from recommendations r left join recommendation_sources s on s.recommendation_id = r.id order by r.id`,
  );
}

t.test('the bundled sample (1,152 rows, KE UG NP BD CO) imports, field by field', async (t) => {
  const { db } = await createTestDatabase(t);
  const report = await importFile(db, 'upr-info', SAMPLE, atomic);
  t.equal(report.status, 'succeeded');
  t.match(report.counts, { read: 1152, inserted: 1152, updated: 0, unchanged: 0, rejected: 0, warnings: 0 });
  t.same(report.problems, []);

  const perCountry = await queryRows<{ country: string; n: number }>(
    db,
    sql`select country, count(*)::int as n from recommendations group by country order by country`,
  );
  t.same(perCountry, [
    { country: 'BD', n: 332 },
    { country: 'CO', n: 279 },
    { country: 'KE', n: 166 },
    { country: 'NP', n: 193 },
    { country: 'UG', n: 182 },
  ]);
  const responses = await queryRows<{ response: string; n: number }>(
    db,
    sql`select response, count(*)::int as n from recommendations group by response order by response`,
  );
  t.same(responses, [
    { response: 'noted', n: 253 },
    { response: 'supported', n: 899 },
  ]);

  // Sample line 214: Kenya,Africa,"AU, Commonwealth",Consider ratifying ICRMW ,Algeria,Africa,"AU, OIC, AL",Accepted,3,
  //                  "International instruments,Labour,Migrants",8
  const [ke] = await queryRows<Row>(db, sql`select * from recommendations where id = 'upr-ke-s08-2143655b6bc3'`);
  t.ok(ke, 'the id is derived from content as documented');
  t.match(ke, {
    country: 'KE',
    mechanism: 'UPR',
    body: 'UPR',
    session: 8,
    cycle: 1,
    response: 'supported',
    action_category: 3,
    recommending_states: ['DZ'],
    recommending_state_names: ['Algeria'],
    themes: ['International instruments', 'Labour', 'Migrants'],
    text: 'Consider ratifying ICRMW',
    import_run_id: report.id,
  });
  const [src] = await queryRows<Row>(db, sql`select * from recommendation_sources where recommendation_id = ${ke!.id}`);
  t.match(src, { importer: 'upr-info', source_ref: 'upr-ke-s08-2143655b6bc3', import_run_id: report.id });

  // Sample line 220: Kenya … "Extend an open and standing invitation to all United Nations special procedures ",Argentina,…,Noted,5,
  const [noted] = await queryRows<Row>(
    db,
    sql`select response, action_category, recommending_states, themes from recommendations
        where country = 'KE' and text = 'Extend an open and standing invitation to all United Nations special procedures'
          and recommending_states = '{AR}'`,
  );
  t.same(noted, { response: 'noted', action_category: 5, recommending_states: ['AR'], themes: ['Special procedures'] });

  const [cycles] = await queryRows<Row>(
    db,
    sql`select count(*) filter (where cycle = 1 and session <= 12)::int as c1,
               count(*) filter (where cycle = 2 and session between 13 and 26)::int as c2 from recommendations`,
  );
  t.same(cycles, { c1: 100 + 112 + 166 + 193 + 182, c2: 232 + 167 }, 'cycle derived from the session');

  t.test('re-import: all unchanged, tables unchanged', async (t) => {
    const before = await snapshot(db);
    const again = await importFile(db, 'upr-info', SAMPLE, atomic);
    t.equal(again.status, 'succeeded');
    t.match(again.counts, { read: 1152, inserted: 0, updated: 0, unchanged: 1152, rejected: 0 });
    t.same(await snapshot(db), before);
  });

  t.test('a changed row is updated (and only it)', async (t) => {
    const dir = t.testdir();
    const text = readFileSync(SAMPLE, 'utf8').split('\n');
    // line 214: Accepted → Noted, action 3 → 2
    t.match(text[213], /^Kenya,.*Consider ratifying ICRMW ,Algeria,.*,Accepted,3,/);
    text[213] = text[213]!.replace(',Accepted,3,', ',Noted,2,');
    const path = join(dir, 'changed.csv');
    writeFileSync(path, text.join('\n'));
    const r = await importFile(db, 'upr-info', path, atomic);
    t.match(r.counts, { read: 1152, inserted: 0, updated: 1, unchanged: 1151 });
    const [row] = await queryRows<Row>(
      db,
      sql`select response, action_category, import_run_id from recommendations where id = 'upr-ke-s08-2143655b6bc3'`,
    );
    t.same(row, { response: 'noted', action_category: 2, import_run_id: r.id });
    const [s] = await queryRows<Row>(
      db,
      sql`select import_run_id from recommendation_sources where source_ref = 'upr-ke-s08-2143655b6bc3'`,
    );
    t.equal(s!.import_run_id, r.id);
  });
});

t.test('Mac Roman CR slice == the same rows in UTF-8', async (t) => {
  const { db } = await createTestDatabase(t);
  const mac = await importFile(db, 'upr-info', MACROMAN, atomic); // encoding detected
  t.equal(mac.status, 'succeeded', mac.message ?? '');
  t.match(mac.counts, { read: 450, inserted: 450, rejected: 0 });
  const fromMac = await queryRows<Row>(db, sql`select id, text, themes, recommending_states from recommendations order by id`);

  const utf = await importFile(db, 'upr-info', UTF8, atomic);
  t.match(utf.counts, { read: 450, inserted: 0, updated: 0, unchanged: 450 }, 'same ids and same content');
  t.same(await queryRows<Row>(db, sql`select id, text, themes, recommending_states from recommendations order by id`), fromMac);

  const texts = fromMac.map((r) => String(r.text)).join('\n');
  t.notOk(/\uFFFD|Ã|Â|\u008d/.test(texts), 'no replacement characters or mojibake');
  t.equal(fromMac.filter((r) => /[^\x00-\x7f]/.test(String(r.text))).length, 3, 'the three rows with "ç"');
  // Mac file line 444: Angola … "Strengthen the mandate of the Provedor de Justiça …",South Africa,…,Accepted,4,NHRI,20
  const [ao] = await queryRows<Row>(db, sql`select * from recommendations where id = 'upr-ao-s20-85ab8d6be208'`);
  t.match(ao, {
    country: 'AO',
    session: 20,
    cycle: 2,
    recommending_states: ['ZA'],
    text: 'Strengthen the mandate of the Provedor de Justiça and ensure it functions in accordance with the Paris Principles',
  });

  t.test('explicit macroman gives the same; explicit utf-8 on the Mac file is refused, naming the byte', async (t) => {
    const again = await importFile(db, 'upr-info', MACROMAN, { ...atomic, encoding: 'macroman' });
    t.match(again.counts, { read: 450, unchanged: 450 });
    const before = await tableCounts(db);
    const bad = await importFile(db, 'upr-info', MACROMAN, { ...atomic, encoding: 'utf-8' });
    t.equal(bad.status, 'rejected');
    t.match(bad.message, /not valid UTF-8 at byte 109894; pass encoding=macroman or windows-1252/);
    t.same(await tableCounts(db), before);
  });

  t.test('windows-1252 (LF endings) is detected too', async (t) => {
    const dir = t.testdir();
    const path = join(dir, 'cp1252.csv');
    // é, ç… are the same bytes in Latin-1 and windows-1252.
    writeFileSync(path, Buffer.from(readFileSync(UTF8, 'utf8'), 'latin1'));
    const r = await importFile(db, 'upr-info', path, atomic);
    t.match(r.counts, { read: 450, unchanged: 450, inserted: 0, updated: 0 });
  });
});

t.test('encoding detection and strict decoding', async (t) => {
  t.equal(detectEncoding(Buffer.from('\ufeffTo,Text\n', 'utf8')), 'utf-8');
  t.equal(detectEncoding(Buffer.from('a,Justiça\n', 'utf8'), true), 'utf-8');
  t.equal(detectEncoding(Buffer.from([0x61, 0x8d, 0x0d, 0x62, 0x0d]), true), 'macroman');
  t.equal(detectEncoding(Buffer.from([0x61, 0xe7, 0x0d, 0x0a]), true), 'windows-1252');
  const collect = async (chunks: Buffer[], enc?: 'utf-8') => {
    let s = '';
    for await (const part of decodeStream(Readable.from(chunks), enc)) s += part;
    return s;
  };
  // a multi-byte character split across chunks
  const bytes = Buffer.from('x,Justiça é\n', 'utf8');
  t.equal(await collect([bytes.subarray(0, 8), bytes.subarray(8, 9), bytes.subarray(9)]), 'x,Justiça é\n');
  await t.rejects(collect([Buffer.from('abc'), Buffer.from([0x64, 0xe7, 0x65])], 'utf-8'), /not valid UTF-8 at byte 4/);
  await t.rejects(collect([Buffer.from([0x61, 0xc3])], 'utf-8'), /not valid UTF-8 at byte 1/);
});

t.test('duplicate rows: unchanged, with a warning naming both lines', async (t) => {
  const { db } = await createTestDatabase(t);
  const r = await importFile(db, 'upr-info', FIX('duplicates.csv'), atomic);
  t.equal(r.status, 'succeeded');
  t.match(r.counts, { read: 13, inserted: 9, unchanged: 4, rejected: 0, warnings: 4 });
  // fixture lines: 3/4 ← file lines 11760/11761; 6/7 ← 14566/14622; 8/9 ← 29314/29377; 11/13 ← 31556/31558
  t.same(
    r.problems.map((p) => [p.severity, p.line, p.message.match(/line (\d+) repeats the recommendation of line (\d+)/)?.slice(1)]),
    [
      ['warning', 4, ['4', '3']],
      ['warning', 7, ['7', '6']],
      ['warning', 9, ['9', '8']],
      ['warning', 13, ['13', '11']],
    ],
  );
  t.match(r.problems[1]!.message, /with other values/);
  t.equal((await tableCounts(db)).recommendations, 9);
});

t.test('the (Unknown) recommending State', async (t) => {
  const { db } = await createTestDatabase(t);
  const r = await importFile(db, 'upr-info', FIX('unknown-recommending-state.csv'), atomic);
  t.equal(r.status, 'succeeded');
  t.match(r.counts, { read: 15, inserted: 15, rejected: 0 });
  const rows = await queryRows<Row>(
    db,
    sql`select id, recommending_states, recommending_state_names from recommendations where recommending_states = '{}'`,
  );
  t.equal(rows.length, 9);
  for (const row of rows) {
    t.same(row.recommending_state_names, ['(Unknown)']);
    t.match(row.id, /^upr-id-s01-[0-9a-f]{12}$/);
  }
});

t.test('invalid rows: atomic rejects everything, skip-invalid keeps the valid rows, dry run writes nothing', async (t) => {
  const { db } = await createTestDatabase(t);
  const before = await tableCounts(db);
  const bad = await importFile(db, 'upr-info', FIX('corrupted.csv'), atomic);
  t.equal(bad.status, 'rejected');
  t.match(bad.counts, { read: 40, inserted: 0, updated: 0, unchanged: 0, rejected: 40 });
  t.same(
    bad.problems.filter((p) => p.severity === 'error').map((p) => [p.line, p.field]),
    [
      [5, 'To'],
      [9, 'Response'],
      [14, 'From'],
    ],
  );
  t.match(bad.problems.find((p) => p.field === 'To')!.message, /Atlantis/);
  t.match(bad.problems.find((p) => p.field === 'From')!.message, /Narnia/);
  t.match(bad.problems.find((p) => p.field === 'Response')!.message, /Maybe/);
  t.same(await tableCounts(db), before, 'nothing written');
  const stored = await queryRows<Row>(
    db,
    sql`select line, field from import_problems where run_id = ${bad.id} order by seq`,
  );
  t.same(stored, [
    { line: 5, field: 'To' },
    { line: 9, field: 'Response' },
    { line: 14, field: 'From' },
  ]);

  const dry = await importFile(db, 'upr-info', FIX('corrupted.csv'), { mode: 'skip-invalid', dryRun: true });
  t.match(dry.counts, { read: 40, inserted: 37, rejected: 3 });
  t.same(await tableCounts(db), before, 'dry run wrote nothing');

  const partial = await importFile(db, 'upr-info', FIX('corrupted.csv'), skip);
  t.equal(partial.status, 'partial');
  t.match(partial.counts, { read: 40, inserted: 37, rejected: 3 });
  t.equal((await tableCounts(db)).recommendations, 37);
  t.equal((await tableCounts(db)).sources, 37);
});

t.test('a file that is not a UPR Info export is rejected as a whole', async (t) => {
  const { db } = await createTestDatabase(t);
  const r = await importStream(db, 'upr-info', Readable.from([Buffer.from('a,b,c\n1,2,3\n')]), 'x.csv', atomic);
  t.equal(r.status, 'rejected');
  t.match(r.message, /column\(s\) To, Text, From, Response, Session missing/);
  const q = await importStream(
    db,
    'upr-info',
    Readable.from([Buffer.from('To,Text,From,Response,Session\nKenya,"unclosed,Algeria,Accepted,8\n')]),
    'q.csv',
    atomic,
  );
  t.equal(q.status, 'rejected');
  t.match(q.message, /not readable as CSV/);
});

t.test('every State name in the full UPR Info files resolves', async (t) => {
  const { db } = await createTestDatabase(t);
  const resolve = await loadCountryResolver(db);
  const names = readFileSync(FIX('upr-info-state-names.txt'), 'utf8').split('\n').filter(Boolean);
  t.equal(names.length, 195);
  const unresolved = names.filter((n) => n !== '&#40;Unknown&#41;' && !resolve(n));
  t.same(unresolved, []);
  t.equal(resolve('DPR Korea'), 'KP');
  t.equal(resolve('Macedonia FYR'), 'MK');
  t.equal(resolve('St Kitts & Nevis'), 'KN');
  t.equal(resolve("Cote d'Ivoire"), 'CI');
  t.equal(resolve('Republic of Congo'), 'CG');
  t.equal(resolve('Democratic Republic of Congo'), 'CD');
  // the importer's parse-time resolver (bundled files) agrees with the database one
  const bundled = bundledCountryResolver();
  t.same(names.map((n) => bundled(n)), names.map((n) => resolve(n)));
});
