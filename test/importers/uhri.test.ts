import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import t from 'tap';
import type { Db } from '../../src/db/client.js';
import { queryRows } from '../../src/db/query.js';
import { importFile } from '../../src/importers/index.js';
import { classifyBody, excelSerialToIso, parseSdgLabel, splitParagraph } from '../../src/importers/uhri/fields.js';
import { jaccard, matchText } from '../../src/importers/uhri/merge.js';
import { fromRoot } from '../../src/lib/paths.js';
import { buildTestApp, createTestDatabase } from '../helpers/build-test-app.js';

// Fixtures: test/fixtures/uhri/SOURCES.md. Expected values below are read off the fixture by hand: 19 annotations
// (8 UPR, 8 TB, 3 SP); 6 of the 8 UPR ones have a twin among the 16 UPR Info rows (5 equal texts, 1 nearly equal).
const FIX = (f: string) => fromRoot('test/fixtures/uhri', f);
const JSON_EXPORT = FIX('uhri-export.json');
const XLSX_EXPORT = FIX('uhri-export.xlsx');
const UNKNOWN_NAMES = FIX('uhri-unknown-names.json');
const UPR_INFO = FIX('upr-info_ke-s08_ug-s12.csv');
const atomic = { mode: 'atomic' as const, dryRun: false };
const TWINS = 6;

type Row = Record<string, unknown>;
/** Every recommendation, without what differs between two imports of the same content (runs, timestamps). */
const contentOf = (db: Db) =>
  queryRows<Row>(
    db,
    sql`select r.id, r.country, r.mechanism, r.body, r.session, r.cycle, r.response, r.action_category,
          r.recommending_states, r.recommending_state_names, r.themes, r.affected_persons, r.sdg_targets, r.sdg_goals,
          r.regions, r.document_id, r.text, r.text_html, r.document_symbol, r.paragraph, r.annotation_type,
          r.published_on::text, r.content_hash
        from recommendations r order by r.id`,
  );
const snapshot = (db: Db) =>
  queryRows<Row>(
    db,
    sql`select r.id, r.content_hash, r.import_run_id, r.updated_at::text, r.themes, s.importer, s.source_ref, s.import_run_id as source_run
        from recommendations r left join recommendation_sources s on s.recommendation_id = r.id order by r.id, s.importer`,
  );

t.test('field rules', async (t) => {
  t.same(parseSdgLabel('16.3 - Promote the rule of law at the national and international levels'), { target: '16.3', goal: '16' });
  t.same(parseSdgLabel('16.a - Strengthen relevant national institutions'), { target: '16.a', goal: '16' });
  t.same(parseSdgLabel('SDG 4.1'), { target: '4.1', goal: '4' });
  t.equal(parseSdgLabel('16.13 - not on the UN list'), undefined);
  t.equal(parseSdgLabel('18.1 - no goal 18'), undefined);
  t.same(splitParagraph('96.21. Ratify the Convention'), { paragraph: '96.21', rest: 'Ratify the Convention' });
  t.same(splitParagraph('12. The Committee recommends'), { paragraph: '12', rest: 'The Committee recommends' });
  t.same(splitParagraph('49.The Committee notes'), { paragraph: '49', rest: 'The Committee notes' });
  t.same(splitParagraph('(a) Adopt a law'), { paragraph: '(a)', rest: 'Adopt a law' });
  t.same(splitParagraph('2010 was a year'), { paragraph: null, rest: '2010 was a year' });
  t.equal(excelSerialToIso(46078), '2026-02-25');
  t.equal(excelSerialToIso(40346), '2010-06-17');
  t.same(classifyBody('- CEDAW'), { mechanism: 'TB', body: 'CEDAW' });
  t.same(classifyBody('CRC-OP-AC'), { mechanism: 'TB', body: 'CRC-OP-AC' });
  t.same(classifyBody('Human Rights Committee'), { mechanism: 'TB', body: 'CCPR' });
  t.same(classifyBody('UPR'), { mechanism: 'UPR', body: 'UPR' });
  t.same(classifyBody('SR on the right to food'), { mechanism: 'SP', body: 'SR on the right to food' });
  t.same(classifyBody('Special Procedures: WG on Arbitrary Detention'), { mechanism: 'SP', body: 'WG on Arbitrary Detention' });
  t.equal(classifyBody('Committee of Friends'), undefined);
  t.equal(matchText('101.1. Consider ratifying ICRMW (Algeria);'), matchText('Consider ratifying ICRMW '));
  t.equal(matchText('Ratify the OP-CAT (Optional Protocol)'), 'ratify the op cat optional protocol', 'a parenthesis that names no State stays');
  t.ok(jaccard('a b c d e f g h i j', 'a b c d e f g h i j k') >= 0.9);
});

t.test('the JSON export, field by field; re-import unchanged; the XLSX export gives the same recommendations', async (t) => {
  const { db } = await createTestDatabase(t);
  const r = await importFile(db, 'uhri', JSON_EXPORT, atomic);
  t.equal(r.status, 'succeeded', r.message ?? '');
  t.match(r.counts, { read: 19, inserted: 19, updated: 0, unchanged: 0, rejected: 0, warnings: 0 });
  t.notOk(r.counts.matched, 'nothing to match on an empty database');

  t.same(
    await queryRows(db, sql`select mechanism, count(*)::int as n from recommendations group by 1 order by 1`),
    [
      { mechanism: 'SP', n: 3 },
      { mechanism: 'TB', n: 8 },
      { mechanism: 'UPR', n: 8 },
    ],
  );
  t.same(
    await queryRows(db, sql`select country, count(*)::int as n from recommendations group by 1 order by 1`),
    [
      { country: 'BO', n: 1 },
      { country: 'CI', n: 1 },
      { country: 'CO', n: 1 },
      { country: 'KE', n: 12 },
      { country: 'TR', n: 1 },
      { country: 'UG', n: 3 },
    ],
    '"Bolivia (Plurinational State of)", "Türkiye", "Côte d\'Ivoire" through the alias table',
  );

  const [crc] = await queryRows<Row>(db, sql`select * from recommendations where id = 'uhri-9f1c2b7d-3e4a-4c5b-8d6e-7f8091a2b301'`);
  t.match(crc, {
    country: 'KE',
    mechanism: 'TB',
    body: 'CRC',
    document_symbol: 'CRC/C/KEN/CO/3-5',
    paragraph: '22',
    annotation_type: 'Recommendations',
    published_on: '2016-03-21',
    response: null,
    session: null,
    cycle: null,
    recommending_states: [],
    sdg_targets: ['5.3', '16.2'],
    sdg_goals: ['5', '16'],
    affected_persons: ['Children', 'Girls'],
    regions: ['Africa'],
    text: /^The Committee urges the State party to strengthen its measures/,
    text_html: /^<p>22\. The Committee urges/,
    import_run_id: r.id,
  });
  const [lettered] = await queryRows<Row>(db, sql`select paragraph, text from recommendations where id = 'uhri-9f1c2b7d-3e4a-4c5b-8d6e-7f8091a2b302'`);
  t.same(lettered, {
    paragraph: '(b)',
    text: 'Ensure that all children, including children with disabilities and children in arid and semi-arid lands, have access to free and quality primary and secondary education;',
  });
  const [cescr] = await queryRows<Row>(db, sql`select body, annotation_type from recommendations where document_symbol = 'E/C.12/KEN/CO/2-5'`);
  t.same(cescr, { body: 'CESCR', annotation_type: 'Concerns/Observations' }, 'the "- " prefix of the type is dropped');
  const [cedaw] = await queryRows<Row>(db, sql`select text from recommendations where document_symbol = 'CEDAW/C/KEN/CO/8'`);
  t.match(cedaw!.text, /access to effective remedies and shelters & protection\.$/, 'tags dropped, entities decoded');

  const [sp] = await queryRows<Row>(db, sql`select * from recommendations where document_symbol = 'A/HRC/11/2/Add.6'`);
  t.match(sp, {
    mechanism: 'SP',
    body: 'SR on extrajudicial, summary or arbitrary executions',
    paragraph: '90',
    response: null,
    recommending_states: [],
    sdg_targets: ['16.1', '16.3'],
    sdg_goals: ['16'],
    published_on: '2009-05-26',
  });

  const [upr] = await queryRows<Row>(db, sql`select * from recommendations where id = 'uhri-0b6a3f2e-5c1d-4f7a-9e2b-8d4c1a7e3f02'`);
  t.match(upr, {
    mechanism: 'UPR',
    body: 'UPR',
    session: 8,
    cycle: 1,
    response: 'noted',
    recommending_states: ['AR'],
    recommending_state_names: ['Argentina'],
    document_symbol: 'A/HRC/15/8',
    paragraph: '102.2',
    text: 'Extend an open and standing invitation to all United Nations special procedures (Argentina);',
  });
  const [ug] = await queryRows<Row>(db, sql`select session, cycle, response from recommendations where id = 'uhri-5d2e8c41-7a3b-4e19-b6f0-2c9d8e4a1b07'`);
  t.same(ug, { session: 12, cycle: 1, response: 'supported' });

  const [src] = await queryRows<Row>(db, sql`select * from recommendation_sources where source_ref = '9f1c2b7d-3e4a-4c5b-8d6e-7f8091a2b301'`);
  t.match(src, { importer: 'uhri', recommendation_id: 'uhri-9f1c2b7d-3e4a-4c5b-8d6e-7f8091a2b301', import_run_id: r.id });

  t.test('re-import: all unchanged, tables unchanged', async (t) => {
    const before = await snapshot(db);
    const again = await importFile(db, 'uhri', JSON_EXPORT, atomic);
    t.match(again.counts, { read: 19, inserted: 0, updated: 0, unchanged: 19 });
    t.same(await snapshot(db), before);
  });

  t.test('the XLSX export: the same records, so unchanged here and identical in a fresh database', async (t) => {
    const before = await snapshot(db);
    const x = await importFile(db, 'uhri', XLSX_EXPORT, atomic);
    t.equal(x.status, 'succeeded', x.message ?? '');
    t.match(x.counts, { read: 19, inserted: 0, updated: 0, unchanged: 19, rejected: 0, warnings: 1 });
    t.match(x.problems, [{ severity: 'warning', field: 'Date of publication on UHRI', message: /not read/ }]);
    t.same(await snapshot(db), before);

    const fresh = await createTestDatabase(t);
    const y = await importFile(fresh.db, 'uhri', XLSX_EXPORT, atomic);
    t.match(y.counts, { read: 19, inserted: 19 });
    t.same(await contentOf(fresh.db), await contentOf(db), 'JSON and XLSX give identical recommendations');

    t.test('…and the reverse merge order on it: UHRI first, then UPR Info', async (t) => {
      const u = await importFile(fresh.db, 'upr-info', UPR_INFO, atomic);
      t.equal(u.status, 'succeeded', u.message ?? '');
      t.match(u.counts, { read: 16, inserted: 16 - TWINS, updated: TWINS, matched: TWINS });
      t.equal(await total(fresh.db), 19 + 16 - TWINS, 'nothing counted twice');
      const merged = await mergedContent(fresh.db);
      t.equal(merged.length, TWINS);
      t.ok(merged.every((m) => String(m.id).startsWith('uhri-')), 'the recommendations keep their UHRI ids');
      mergedOrderB = merged;
      const again = await importFile(fresh.db, 'upr-info', UPR_INFO, atomic);
      t.match(again.counts, { read: 16, inserted: 0, updated: 0, unchanged: 16 });
      const againUhri = await importFile(fresh.db, 'uhri', JSON_EXPORT, atomic);
      t.match(againUhri.counts, { read: 19, inserted: 0, updated: 0, unchanged: 19 });
    });
  });

  t.test('unknown names: the file is rejected naming record and field; nothing changes', async (t) => {
    const before = await snapshot(db);
    const bad = await importFile(db, 'uhri', UNKNOWN_NAMES, atomic);
    t.equal(bad.status, 'rejected');
    t.match(bad.counts, { read: 3, rejected: 3, inserted: 0 });
    const errors = bad.problems.filter((p) => p.severity === 'error');
    t.match(errors, [
      { recordId: 'e0e0e0e0-0000-4000-8000-000000000002', field: 'Countries', message: /unknown country "Atlantis"/ },
      { recordId: 'e0e0e0e0-0000-4000-8000-000000000003', field: 'UprRecommendingStates', message: /unknown recommending State "Narnia"/ },
    ]);
    t.match(bad.problems, [{ severity: 'warning', field: 'Sdgs', message: /"18\.1 - Not a target" is not an SDG target/ }]);
    t.same(await snapshot(db), before, 'tables unchanged');

    const partial = await importFile(db, 'uhri', UNKNOWN_NAMES, { mode: 'skip-invalid', dryRun: false });
    t.equal(partial.status, 'partial');
    t.match(partial.counts, { read: 3, inserted: 1, rejected: 2 });
    const [kept] = await queryRows<Row>(db, sql`select sdg_targets, sdg_goals from recommendations where id = 'uhri-e0e0e0e0-0000-4000-8000-000000000001'`);
    t.same(kept, { sdg_targets: ['16.9'], sdg_goals: ['16'] });
  });

  t.test('files that are not UHRI exports are refused whole', async (t) => {
    const notExport = await importFile(db, 'uhri', fromRoot('test/fixtures/uhri/upr-info_ke-s08_ug-s12.csv'), atomic);
    t.equal(notExport.status, 'rejected');
    t.match(notExport.message, /neither a JSON array nor an XLSX workbook/);
  });
});

const total = async (db: Db) => (await queryRows<{ n: number }>(db, sql`select count(*)::int as n from recommendations`))[0]!.n;
/** The merged recommendations (two sources), keyed by their UHRI annotation, without ids, runs and timestamps. */
const mergedContent = (db: Db) =>
  queryRows<Row>(
    db,
    sql`select u.source_ref as annotation, r.id, r.country, r.session, r.cycle, r.response, r.action_category,
          r.recommending_states, r.themes, r.affected_persons, r.sdg_targets, r.sdg_goals, r.regions, r.text, r.text_html,
          r.document_symbol, r.paragraph, r.annotation_type, r.published_on::text,
          (select array_agg(importer order by importer) from recommendation_sources s where s.recommendation_id = r.id) as importers
        from recommendations r join recommendation_sources u on u.recommendation_id = r.id and u.importer = 'uhri'
        where exists (select 1 from recommendation_sources s where s.recommendation_id = r.id and s.importer = 'upr-info')
        order by u.source_ref`,
  );
let mergedOrderB: Row[] = [];

t.test('UPR Info first, then UHRI through POST /v1/imports/uhri: one recommendation, both sources', async (t) => {
  const { app, database, auth } = await buildTestApp(t);
  const db = database.db;
  const u = await importFile(db, 'upr-info', UPR_INFO, atomic);
  t.match(u.counts, { read: 16, inserted: 16 });

  const post = (body: Buffer | string, type: string, url = '/v1/imports/uhri') =>
    app.inject({ method: 'POST', url, headers: { ...auth.admin, 'content-type': type, 'x-file-name': 'uhri-export.json' }, payload: body });
  const res = await post(readFileSync(JSON_EXPORT), 'application/json');
  t.equal(res.statusCode, 201, res.body);
  const report = res.json();
  t.match(report, { kind: 'uhri', fileName: 'uhri-export.json', status: 'succeeded' });
  t.match(report.counts, { read: 19, inserted: 19 - TWINS, updated: TWINS, matched: TWINS });
  t.equal(await total(db), 16 + 19 - TWINS, 'nothing counted twice');

  const merged = await mergedContent(db);
  t.equal(merged.length, TWINS);
  t.ok(merged.every((m) => String(m.id).startsWith('upr-')), 'the recommendations keep their UPR Info ids');
  t.ok(merged.every((m) => (m.importers as string[]).join() === 'uhri,upr-info'));

  // UPR Info line 214: Consider ratifying ICRMW, Algeria, Accepted, action 3, issues International instruments, Labour, Migrants
  const icrmw = merged.find((m) => m.annotation === '0b6a3f2e-5c1d-4f7a-9e2b-8d4c1a7e3f01')!;
  t.match(icrmw, {
    id: 'upr-ke-s08-2143655b6bc3',
    response: 'supported',
    action_category: 3,
    text: 'Consider ratifying ICRMW',
    sdg_targets: ['10.7'],
    sdg_goals: ['10'],
    affected_persons: ['Migrants'],
    document_symbol: 'A/HRC/15/8',
    paragraph: '101.1',
    published_on: '2010-06-17',
    themes: ['International instruments', 'Migrants', 'Labour'],
  });
  // The nearly equal text ("and also completely eradicate" / "and completely eradicate") matched too.
  const vaw = merged.find((m) => m.annotation === '0b6a3f2e-5c1d-4f7a-9e2b-8d4c1a7e3f03')!;
  t.match(vaw, { action_category: 4, paragraph: '101.9', text: /and also completely eradicate the practice of female genital mutilation$/ });
  t.same(
    vaw.themes,
    ['Violence against women', 'Internally displaced persons', 'Asylum-seekers - refugees', 'Rights of the Child', 'Torture and other CID treatment', "Women's rights"],
    'themes: the union of both vocabularies (UHRI\'s first: sources in the order of their importer names)',
  );

  const detail = (await app.inject({ method: 'GET', url: `/v1/recommendations/${icrmw.id}`, headers: auth.reader })).json();
  t.same(detail.sources.map((s: { importer: string }) => s.importer).sort(), ['uhri', 'upr-info'], 'both sources listed');
  t.match(detail, { actionCategory: 3, sdgTargets: ['10.7'], documentSymbol: 'A/HRC/15/8', paragraph: '101.1', textHtml: /^<p>101\.1\./ });

  // Both orders give the same merged recommendations (their ids aside).
  const strip = (rows: Row[]) => rows.map(({ id: _id, ...rest }) => rest);
  if (mergedOrderB.length) t.same(strip(merged), strip(mergedOrderB), 'UPR Info → UHRI equals UHRI → UPR Info');

  const again = await post(readFileSync(JSON_EXPORT), 'application/json');
  t.match(again.json().counts, { read: 19, inserted: 0, updated: 0, unchanged: 19 });
  const againUpr = await importFile(db, 'upr-info', UPR_INFO, atomic);
  t.match(againUpr.counts, { read: 16, inserted: 0, updated: 0, unchanged: 16 });

  const xlsx = await post(readFileSync(XLSX_EXPORT), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  t.equal(xlsx.statusCode, 201, xlsx.body);
  t.match(xlsx.json().counts, { read: 19, unchanged: 19 });

  const csv = await post('To,Text\n', 'text/csv');
  t.equal(csv.statusCode, 415);
  const mismatch = await post(readFileSync(XLSX_EXPORT), 'application/json');
  t.equal(mismatch.statusCode, 422);
  t.match(mismatch.json().detail, /declared JSON but the file is XLSX/);
  const unknown = await post(readFileSync(UNKNOWN_NAMES), 'application/json');
  t.equal(unknown.statusCode, 422);
  t.match(unknown.json().errors, [{ path: /record e0e0e0e0-0000-4000-8000-000000000002: Countries/, message: /Atlantis/ }]);
});

t.test('a joint UHRI recommendation pairs with its first State\'s UPR Info row, in either import order', async (t) => {
  // UPR Info writes a joint recommendation once per recommending State. These three rows are real (the bundled
  // sample, Kenya, session 8); the UHRI annotation listing the three States together is written for this test in
  // the export's shape.
  const dir = mkdtempSync(join(tmpdir(), 'uhri-joint-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const sample = readFileSync(fromRoot('data/sample/upr-info_recommendations_sample.csv'), 'utf8').split('\n');
  const rows = sample.filter((l) => l.startsWith('Kenya,') && l.includes(',Abolish the death penalty,'));
  t.equal(rows.length, 3, 'Austria, Germany and Ireland, one row each');
  const uprFile = join(dir, 'upr-info.csv');
  writeFileSync(uprFile, `${sample[0]}\n${rows.join('\n')}\n`);
  const annotation = (id: string, states: string[]) => ({
    AnnotationId: id,
    Text: `<p>101.40. Abolish the death penalty (${states.join(', ')});</p>`,
    Symbol: 'A/HRC/15/8',
    DocumentId: null,
    PublicationDate: '2010-06-17T00:00:00',
    AnnotationType: 'Recommendations',
    Body: 'UPR',
    Countries: ['Kenya'],
    Regions: ['Africa'],
    Themes: ['Right to life'],
    AffectedPersons: ['Persons deprived of their liberty'],
    Sdgs: ['16.1 - Significantly reduce all forms of violence and related death rates everywhere'],
    UprSession: '8',
    UprRecommendingStates: states,
    UprPosition: 'Supported',
  });
  const uhriFile = join(dir, 'uhri.json');
  writeFileSync(uhriFile, JSON.stringify([annotation('7d1c2b3a-0000-4000-8000-0000000000a1', ['Austria', 'Germany', 'Ireland'])]));

  const content = (db: Db) =>
    queryRows<Row>(
      db,
      sql`select r.recommending_states, r.response, r.action_category, r.themes, r.sdg_targets, r.affected_persons,
            r.document_symbol, r.paragraph, r.text,
            (select array_agg(importer order by importer) from recommendation_sources s where s.recommendation_id = r.id) as importers
          from recommendations r order by r.recommending_states[1]`,
    );

  const a = await createTestDatabase(t);
  t.match((await importFile(a.db, 'upr-info', uprFile, atomic)).counts, { read: 3, inserted: 3 });
  const ua = await importFile(a.db, 'uhri', uhriFile, atomic);
  t.match(ua.counts, { read: 1, inserted: 0, updated: 1, matched: 1 }, 'UPR Info first: the joint annotation is matched');
  t.equal(await total(a.db), 3, 'nothing counted twice: three recommendations, as UPR Info has them');
  const A = await content(a.db);
  t.match(A[0], { recommending_states: ['AT'], importers: ['uhri', 'upr-info'], sdg_targets: ['16.1'], paragraph: '101.40', action_category: 5 });
  t.same(A.slice(1).map((r) => [r.recommending_states, r.importers]), [[['DE'], ['upr-info']], [['IE'], ['upr-info']]]);

  const b = await createTestDatabase(t);
  t.match((await importFile(b.db, 'uhri', uhriFile, atomic)).counts, { read: 1, inserted: 1 });
  const ub = await importFile(b.db, 'upr-info', uprFile, atomic);
  t.match(ub.counts, { read: 3, inserted: 2, updated: 1, matched: 1 }, 'UHRI first: Austria\'s row joins the joint annotation');
  t.equal(await total(b.db), 3);
  t.same(await content(b.db), A, 'either order gives the same recommendations');

  // A joint annotation whose first State has no row of its own in UPR Info pairs with nothing: it is kept beside.
  writeFileSync(uhriFile, JSON.stringify([annotation('7d1c2b3a-0000-4000-8000-0000000000a2', ['France', 'Austria'])]));
  const c = await createTestDatabase(t);
  await importFile(c.db, 'upr-info', uprFile, atomic);
  const uc = await importFile(c.db, 'uhri', uhriFile, atomic);
  t.match(uc.counts, { read: 1, inserted: 1 });
  t.equal(uc.counts.matched ?? 0, 0, 'no match');
  t.equal(await total(c.db), 4);
});
