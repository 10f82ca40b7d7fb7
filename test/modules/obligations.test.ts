import { readFileSync } from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import { and, count, eq } from 'drizzle-orm';
import t from 'tap';
import { recommendations } from '../../src/db/schema.js';
import { importFile } from '../../src/importers/index.js';
import {
  buildCrosswalk,
  importRatification,
  loadObligationsData,
  summariseRatification,
} from '../../src/importers/obligations.importer.js';
import { fromRoot } from '../../src/lib/paths.js';
import { instrumentFilterSql, obligationsForRecommendations } from '../../src/modules/obligations/obligations.queries.js';
import { buildTestApp } from '../helpers/build-test-app.js';
import { SAMPLE_UPR } from '../helpers/seed.js';

type Row = Record<string, string>;
const csv = (path: string) => parseCsv(readFileSync(fromRoot(path), 'utf8'), { columns: true, skip_empty_lines: true }) as Row[];
const issuesOf = (r: Row) => [...new Set((r.Issue ?? '').split(',').map((s) => s.replace(/\s+/g, ' ').trim()).filter(Boolean))];

interface Obligation {
  instrument: string;
  body: string;
  status: string | null;
  date: string | null;
  year: number | null;
  statusSource: string | null;
  disagreement: boolean;
  disagreements: string[];
  sources: { source: string; status: string; date: string | null; year: number | null }[];
  recommendations: { fromBody: number; viaThemes: number };
}

t.test('obligations: instruments, ratification by source, crosswalk counts, errors', async (t) => {
  const { app, database } = await buildTestApp(t);
  const db = database.db;
  // Reference data is loaded by the helper; the obligations data until it is wired into loadReferenceData.
  await loadObligationsData(db);
  await importFile(db, 'upr-info', SAMPLE_UPR, { mode: 'atomic', dryRun: false });
  const get = (url: string) => app.inject({ method: 'GET', url });

  // ---------------------------------------------------------------- instruments
  const inst = await get('/v1/instruments');
  t.equal(inst.statusCode, 200);
  const codes = inst.json().items.map((i: { code: string }) => i.code);
  t.same(codes, [
    'ICERD', 'ICCPR', 'ICCPR-OP1', 'ICCPR-OP2', 'ICESCR', 'ICESCR-OP', 'CEDAW', 'CEDAW-OP', 'CAT', 'OPCAT',
    'CRC', 'CRC-OP-AC', 'CRC-OP-SC', 'CRC-OP-IC', 'ICMW', 'CPED', 'CRPD', 'CRPD-OP',
  ]);
  const opcat = inst.json().items.find((i: { code: string }) => i.code === 'OPCAT');
  t.match(opcat, { kind: 'protocol', parent: 'CAT', body: 'SPT', recommendationBody: 'SPT' });

  // ---------------------------------------------------------------- Kenya's statuses
  const ke = await get('/v1/countries/ke/obligations');
  t.equal(ke.statusCode, 200);
  t.equal(ke.json().country, 'KE');
  const items = ke.json().items as Obligation[];
  t.equal(items.length, 18, 'every instrument');
  const of = (code: string) => items.find((i) => i.instrument === code)!;
  // Expected values read from data/ratification/hr_status_<file>.csv, row KE (status and year columns), and
  // for ICESCR also from ohchr_ICESCR_status_lastupdated-2025-10-10.csv, row Kenya (ratified 1972-05-01).
  const expected: [string, string, number | null][] = [
    ['ICCPR', 'party', 1972], // hr_status_iccpr.csv
    ['CAT', 'party', 1997], // hr_status_cat.csv
    ['CEDAW', 'party', 1984], // hr_status_cedaw.csv
    ['CRC', 'party', 1990], // hr_status_crc.csv
    ['CRPD', 'party', 2008], // hr_status_crpd.csv
    ['ICERD', 'party', 2001], // hr_status_icerd.csv
    ['CRC-OP-AC', 'party', 2002], // hr_status_op_crc_ac.csv
    ['CRC-OP-SC', 'signatory', null], // hr_status_op_crc_sc.csv
    ['CPED', 'signatory', null], // hr_status_cped.csv
    ['OPCAT', 'none', null], // hr_status_opcat.csv
    ['ICMW', 'none', null], // hr_status_icmw.csv
    ['ICCPR-OP2', 'none', null], // hr_status_iccpr_op2.csv
  ];
  for (const [code, status, year] of expected) {
    t.match(of(code), { status, year, disagreement: false, statusSource: 'hr-status' }, `Kenya ${code}`);
    t.equal(of(code).sources.length, 1, `${code}: one source`);
  }
  const icescr = of('ICESCR');
  t.match(icescr, { status: 'party', date: '1972-05-01', year: 1972, disagreement: false, statusSource: 'ohchr', body: 'CESCR' });
  t.same(icescr.sources.map((s) => [s.source, s.status, s.year]), [['ohchr', 'party', 1972], ['hr-status', 'party', 1972]]);

  // ---------------------------------------------------------------- a real disagreement between the two ICESCR sources
  // hr_status_icescr.csv: TV,Tuvalu,1,1976,0,0,state party,"Signature tied to the UK's"; the OHCHR table: Tuvalu, no dates.
  const tv = ((await get('/v1/countries/TV/obligations')).json().items as Obligation[]).find((i) => i.instrument === 'ICESCR')!;
  t.match(tv, { status: 'none', statusSource: 'ohchr', disagreement: true });
  t.same(tv.sources.map((s) => [s.source, s.status, s.year]), [['ohchr', 'none', null], ['hr-status', 'party', 1976]]);
  t.match(tv.disagreements[0], /status: ohchr .*none; hr-status .*party 1976/);
  const report = await importRatification(db);
  t.same(
    report.disagreements.map((d) => `${d.country} ${d.instrument}`),
    ['AD ICESCR', 'KN ICESCR', 'SS ICESCR', 'TV ICESCR'],
    'the reload reports every disagreement (AD signed 2025, KN and SS joined 2024, TV)',
  );
  t.same(report.bySource, { 'hr-status': 18 * 193, ohchr: 197 }, 'every hr_status row; OHCHR minus the European Union');
  t.equal(report.problems.length, 1);
  t.match(report.problems[0]!.message, /European Union/);
  t.match(summariseRatification([
    { source: 'a', sourceAsOf: '2020-01-01', status: 'party', date: null, year: 1990 },
    { source: 'b', sourceAsOf: '2025-01-01', status: 'party', date: '1991-02-03', year: 1991 },
  ]), { status: 'party', year: 1991, disagreement: true }, 'a different year for a party is a disagreement');

  // Idempotent: a second load changes nothing and answers from the marker.
  const again = await loadObligationsData(db);
  t.match(again, { instruments: 18, ratifications: 18 * 193 + 197 });
  t.notOk('report' in again, 'nothing reloaded');

  // ---------------------------------------------------------------- recommendations per instrument
  const crosswalk = csv('data/crosswalks/theme-instrument.csv');
  const themesOf = (code: string) => new Set(crosswalk.filter((r) => r.instrument === code).map((r) => r.theme));
  const kenyaRows = csv('data/sample/upr-info_recommendations_sample.csv').filter((r) => r.To === 'Kenya');
  t.equal(kenyaRows.length, 166);
  for (const item of items) {
    const mapped = themesOf(item.instrument);
    const want = kenyaRows.filter((r) => issuesOf(r).some((i) => mapped.has(i))).length;
    t.equal(item.recommendations.viaThemes, want, `${item.instrument}: ${want} Kenyan UPR recommendations via themes`);
    t.equal(item.recommendations.fromBody, 0, `${item.instrument}: no Treaty Body data yet`);
  }
  t.ok(of('CRC').recommendations.viaThemes > 0 && of('CEDAW').recommendations.viaThemes > 0);
  t.equal(of('ICCPR-OP1').recommendations.viaThemes, 0, 'a communications protocol is reached by no theme');

  // The recommendation filter counts the same rows.
  for (const code of ['ICESCR', 'CAT', 'CEDAW', 'OPCAT']) {
    const [{ n } = { n: -1 }] = await db
      .select({ n: count() })
      .from(recommendations)
      .where(and(eq(recommendations.country, 'KE'), instrumentFilterSql(code)));
    t.equal(n, of(code).recommendations.viaThemes, `instrumentFilterSql(${code})`);
  }

  // Treaty Body recommendations reach their body's treaty; inserted directly (no TB importer yet).
  const tb = (id: string, body: string) => ({
    id, country: 'KE', mechanism: 'TB', body, text: `TB test ${id}`, contentHash: id, themes: ['Right to education'],
  });
  await db.insert(recommendations).values([tb('tb-ke-1', 'CESCR'), tb('tb-ke-2', 'CESCR'), tb('tb-ke-3', 'SPT'), tb('tb-ke-4', 'CRC-OP-AC'), tb('tb-ke-5', 'WG-X')]);
  const after = ((await get('/v1/countries/KE/obligations')).json().items as Obligation[]);
  const fb = (code: string) => after.find((i) => i.instrument === code)!.recommendations;
  t.same(fb('ICESCR'), { fromBody: 2, viaThemes: of('ICESCR').recommendations.viaThemes }, 'TB themes do not count via themes');
  t.equal(fb('OPCAT').fromBody, 1);
  t.equal(fb('CRC-OP-AC').fromBody, 1);
  t.equal(fb('CRC').fromBody, 0, 'CRC-OP-AC observations are not CRC observations');

  const sampleRecs = await db
    .select({ id: recommendations.id, mechanism: recommendations.mechanism, body: recommendations.body, themes: recommendations.themes })
    .from(recommendations)
    .where(eq(recommendations.country, 'KE'));
  const obl = await obligationsForRecommendations(db, sampleRecs);
  t.equal(obl.size, sampleRecs.length, 'every recommendation has an entry');
  t.same(obl.get('tb-ke-1'), [{ instrument: 'ICESCR', articles: [] }]);
  t.same(obl.get('tb-ke-3'), [{ instrument: 'OPCAT', articles: [] }]);
  t.same(obl.get('tb-ke-5'), [], 'an unknown body maps to nothing');
  const edu = sampleRecs.find((r) => r.mechanism === 'UPR' && r.themes.includes('Right to education') && r.themes.includes('Rights of the Child'));
  t.ok(edu, 'a Kenyan recommendation on education and children');
  const eduObl = obl.get(edu!.id)!;
  t.same(eduObl.find((o) => o.instrument === 'ICESCR'), { instrument: 'ICESCR', articles: ['13', '14'] });
  t.same(eduObl.find((o) => o.instrument === 'CRC'), { instrument: 'CRC', articles: ['28', '29'] }, 'articles merged; whole-CRC mapping adds none');
  t.equal(new Set(eduObl.map((o) => o.instrument)).size, eduObl.length, 'de-duplicated');
  t.same((await obligationsForRecommendations(db, [])).size, 0);

  // ---------------------------------------------------------------- crosswalk completeness
  const cw = (await get('/v1/crosswalks/themes?vocabulary=upr-info')).json();
  const classified = new Set([...cw.items, ...cw.unmapped].map((r: { theme: string }) => r.theme));
  const fixture = readFileSync(fromRoot('test/fixtures/obligations/upr-info-issues.txt'), 'utf8').split('\n').filter(Boolean);
  t.equal(fixture.length, 54, 'the 54 UPR Info issues of sessions 1–20');
  t.same(fixture.filter((i) => !classified.has(i)), [], 'every UPR Info issue is mapped or listed as unmapped');
  const sampleIssues = new Set(csv('data/sample/upr-info_recommendations_sample.csv').flatMap(issuesOf));
  t.same([...sampleIssues].filter((i) => !fixture.includes(i)), [], 'the sample uses no issue outside the full list');
  t.same(cw.unclassified, [], 'no stored theme is left unclassified');
  const readme = readFileSync(fromRoot('data/crosswalks/README.md'), 'utf8');
  for (const u of (await get('/v1/crosswalks/themes')).json().unmapped as { theme: string }[]) {
    t.ok(readme.includes(`- ${u.theme} — `), `README lists unmapped "${u.theme}"`);
  }
  const cat = (await get('/v1/crosswalks/themes?instrument=cat')).json();
  t.ok(cat.items.length > 0 && cat.items.every((r: { instrument: string }) => r.instrument === 'CAT'));
  t.ok(cat.items.some((r: { theme: string; vocabulary: string }) => r.theme === 'Torture and other CID treatment' && r.vocabulary === 'upr-info'));

  // The loader refuses a theme that the two vocabularies map differently.
  const codes18 = new Set(codes as string[]);
  t.throws(
    () => buildCrosswalk('vocabulary,theme,instrument,articles,reason\nupr-info,Migrants,ICMW,,a\nuhri,Migrants,CRC,,b\n', 'vocabulary,theme,reason\n', codes18),
    /maps differently/,
  );
  t.throws(() => buildCrosswalk('vocabulary,theme,instrument,articles,reason\nupr-info,X,NOPE,,a\n', 'vocabulary,theme,reason\n', codes18), /unknown instrument/);

  // ---------------------------------------------------------------- errors
  const unknown = await get('/v1/countries/QQ/obligations');
  t.equal(unknown.statusCode, 404);
  t.match(unknown.headers['content-type'], /application\/problem\+json/);
  for (const url of ['/v1/countries/KEN/obligations', '/v1/countries/1x/obligations', '/v1/crosswalks/themes?vocabulary=nope']) {
    const bad = await get(url);
    t.equal(bad.statusCode, 400, url);
    t.match(bad.headers['content-type'], /application\/problem\+json/);
  }
});
