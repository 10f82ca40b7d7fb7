import { readFileSync } from 'node:fs';
import t from 'tap';
import { importFile } from '../../src/importers/index.js';
import { fromRoot } from '../../src/lib/paths.js';
import { buildTestApp } from '../helpers/build-test-app.js';

// The UPR Info slice (16 rows) and the UHRI export (19 annotations, 6 of them twins of UPR Info rows): 29
// recommendations. Expected filter counts are computed here from the UHRI fixture itself, not by the importer.
const FIX = (f: string) => fromRoot('test/fixtures/uhri', f);
interface UhriJson {
  AnnotationId: string;
  Symbol: string;
  PublicationDate: string;
  AnnotationType: string;
  AffectedPersons: string[];
  Sdgs: string[];
}
const uhri = JSON.parse(readFileSync(FIX('uhri-export.json'), 'utf8')) as UhriJson[];
const count = (pred: (r: UhriJson) => boolean) => uhri.filter(pred).length;
const targetsOf = (r: UhriJson) => r.Sdgs.map((s) => s.split(' - ')[0]!.trim());

type FacetValue = { value: string; count: number };
type Facets = Record<string, FacetValue[]> & { total: number };

t.test('new recommendation filters and GET /v1/facets', async (t) => {
  const { app, database, auth } = await buildTestApp(t);
  await importFile(database.db, 'upr-info', FIX('upr-info_ke-s08_ug-s12.csv'), { mode: 'atomic', dryRun: false });
  const u = await importFile(database.db, 'uhri', FIX('uhri-export.json'), { mode: 'atomic', dryRun: false });
  t.equal(u.counts.matched, 6);
  const get = async (url: string) => {
    const res = await app.inject({ method: 'GET', url, headers: auth.reader });
    t.equal(res.statusCode, 200, `${url}: ${res.statusCode === 200 ? '' : res.body}`);
    return res.json();
  };
  const totalOf = async (q: string) => (await get(`/v1/recommendations?${q}`)).total as number;

  t.test('each new filter', async (t) => {
    t.equal(await totalOf(''), 29);
    t.equal(await totalOf('affectedPerson=Children'), count((r) => r.AffectedPersons.includes('Children')));
    t.equal(await totalOf('affectedPerson=Women%20%26%20girls'), count((r) => r.AffectedPersons.includes('Women & girls')));
    t.equal(await totalOf('sdg=16'), count((r) => targetsOf(r).some((x) => x.startsWith('16.'))), 'a goal');
    t.equal(await totalOf('sdg=16.3'), count((r) => targetsOf(r).includes('16.3')), 'a target');
    t.equal(await totalOf('sdg=16.A'), count((r) => targetsOf(r).includes('16.a')), 'a lettered target, any case');
    t.equal(await totalOf('documentSymbol=CRC%2FC%2FKEN%2FCO%2F3-5'), 2);
    t.equal(await totalOf('documentSymbol=A%2FHRC%2F15%2F8'), count((r) => r.Symbol === 'A/HRC/15/8'));
    t.equal(await totalOf('annotationType=Concerns%2FObservations'), count((r) => r.AnnotationType.endsWith('Concerns/Observations')));
    t.equal(await totalOf('annotationType=Recommendations'), count((r) => r.AnnotationType === 'Recommendations'));
    t.equal(await totalOf('publishedFrom=2016-01-01'), count((r) => r.PublicationDate >= '2016-01-01'));
    t.equal(await totalOf('publishedTo=2011-12-31'), count((r) => r.PublicationDate.slice(0, 10) <= '2011-12-31'));
    t.equal(await totalOf('publishedFrom=2016-03-21&publishedTo=2016-04-06'), 3, 'both bounds included');
    t.equal(await totalOf('mechanism=TB&country=KE&sdg=5'), 2);
    for (const bad of ['sdg=18', 'sdg=16.x', 'publishedFrom=2016-13-01', 'publishedTo=yesterday']) {
      const res = await app.inject({ method: 'GET', url: `/v1/recommendations?${bad}`, headers: auth.reader });
      t.equal(res.statusCode, 400, bad);
    }
    const page = await get('/v1/recommendations?documentSymbol=CEDAW%2FC%2FKEN%2FCO%2F8');
    t.match(page.items[0], { mechanism: 'TB', body: 'CEDAW', paragraph: '25', publishedOn: '2017-11-22', regions: ['Africa'], textHtml: /^<p>25\./ });
  });

  t.test('facet counts equal the list totals with the facet added', async (t) => {
    for (const filters of ['', 'country=KE', 'mechanism=TB', 'sdg=16']) {
      const f: Facets = await get(`/v1/facets?${filters}`);
      t.equal(f.total, await totalOf(filters), `total ${filters}`);
      const params: Record<string, string> = {
        mechanism: 'mechanism',
        body: 'body',
        cycle: 'cycle',
        response: 'response',
        theme: 'theme',
        affectedPerson: 'affectedPerson',
        sdg: 'sdg',
        instrument: 'instrument',
      };
      for (const [facet, param] of Object.entries(params)) {
        if (filters.startsWith(`${param}=`)) {
          // the facet of the filter itself: only its own value, with the list's total
          t.same(f[facet]!.find((v) => filters === `${param}=${v.value}`)?.count, f.total, `${filters}: its own facet`);
          continue;
        }
        for (const { value, count: n } of f[facet]!) {
          const q = [filters, `${param}=${encodeURIComponent(value)}`].filter(Boolean).join('&');
          t.equal(await totalOf(q), n, `${filters || '(no filter)'}: ${facet} ${value}`);
        }
      }
      const sum = (facet: string) => f[facet]!.reduce((a, v) => a + v.count, 0);
      t.equal(sum('mechanism'), f.total, 'every recommendation has one mechanism');
      t.equal(sum('body'), f.total, 'and one body');
    }
    const all: Facets = await get('/v1/facets');
    t.same(all.mechanism, [
      { value: 'UPR', count: 18 },
      { value: 'TB', count: 8 },
      { value: 'SP', count: 3 },
    ]);
    t.same(all.response, [
      { value: 'supported', count: 14 },
      { value: 'noted', count: 4 },
    ]);
    t.same(all.cycle, [{ value: '1', count: 18 }]);
    t.ok(all.instrument!.length > 0, 'instruments counted');
    t.match(all.sdg![0], { value: '16' });
    const ke: Facets = await get('/v1/facets?country=KE&mechanism=SP');
    t.same(ke.body, [
      { value: 'SR on extrajudicial, summary or arbitrary executions', count: 1 },
      { value: 'SR on the human rights of internally displaced persons', count: 1 },
    ]);
    const bad = await app.inject({ method: 'GET', url: '/v1/facets?country=KEN', headers: auth.reader });
    t.equal(bad.statusCode, 400);
  });
});
