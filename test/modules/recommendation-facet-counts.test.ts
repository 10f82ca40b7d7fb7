import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import t, { type Test } from 'tap';
import type { Db } from '../../src/db/client.js';
import { queryRows } from '../../src/db/query.js';
import { recommendations } from '../../src/db/schema.js';
import { importFile } from '../../src/importers/index.js';
import { fromRoot } from '../../src/lib/paths.js';
import { recommendationWhere, soleCountedFacet, type RecommendationFilters } from '../../src/modules/recommendations/recommendations.queries.js';
import { buildTestApp } from '../helpers/build-test-app.js';

// recommendation_facet_counts answers the `total` of a list filtered by one multi-valued facet alone. It is kept
// by triggers; here it is checked against the list's own WHERE clause (the GIN and crosswalk path every other
// filter combination takes) after real imports, merges, hand edits, deletions and crosswalk changes, and on
// random write sequences.

type Counted = { facet: string; value: string; n: number };

const FILTER_OF: Record<string, (v: string) => RecommendationFilters> = {
  all: () => ({}),
  mechanism: (v) => ({ mechanism: v }),
  body: (v) => ({ body: v }),
  cycle: (v) => ({ cycle: Number(v) }),
  response: (v) => ({ response: v }),
  theme: (v) => ({ theme: v }),
  affectedPerson: (v) => ({ affectedPerson: v }),
  sdgGoal: (v) => ({ sdg: v }),
  sdgTarget: (v) => ({ sdg: v }),
  recommendingState: (v) => ({ recommendingState: v }),
  instrument: (v) => ({ instrument: v }),
};

/** Every facet value present in the data, counted through recommendationWhere (no use of the counts table). */
async function oracle(db: Db): Promise<Map<string, number>> {
  const values = await queryRows<{ facet: string; value: string }>(
    db,
    sql`select 'all' as facet, '' as value
        union select distinct 'mechanism', mechanism from recommendations
        union select distinct 'body', body from recommendations
        union select distinct 'cycle', cycle::text from recommendations where cycle is not null
        union select distinct 'response', response from recommendations where response is not null
        union select distinct 'theme' as facet, unnest(themes) as value from recommendations
        union select distinct 'affectedPerson', unnest(affected_persons) from recommendations
        union select distinct 'sdgGoal', unnest(sdg_goals) from recommendations
        union select distinct 'sdgTarget', unnest(sdg_targets) from recommendations
        union select distinct 'recommendingState', unnest(recommending_states) from recommendations
        union select 'instrument', code from instruments`,
  );
  const out = new Map<string, number>();
  for (const { facet, value } of values) {
    const where = recommendationWhere(FILTER_OF[facet]!(value)) ?? sql`true`;
    const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from recommendations where ${where}`);
    if (row!.n > 0) out.set(`${facet}|${value}`, row!.n);
  }
  return out;
}

async function stored(db: Db): Promise<Map<string, number>> {
  const rows = await queryRows<Counted>(db, sql`select facet, value, n::int as n from recommendation_facet_counts where n <> 0`);
  return new Map(rows.map((r) => [`${r.facet}|${r.value}`, Number(r.n)]));
}

const sorted = (m: Map<string, number>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

t.test('the list total of a sole facet filter is the count table row, kept exact under every writer', async (t) => {
  const { app, database, auth } = await buildTestApp(t);
  const db = database.db;
  const FIX = (f: string) => fromRoot('test/fixtures/uhri', f);
  const check = async (t: Test, when: string) => {
    const want = await oracle(db);
    t.ok(want.size > 0, `${when}: some facet values`);
    t.same(sorted(await stored(db)), sorted(want), `${when}: the counts table equals a recount through the list's WHERE`);
    // And through the API: the total that GET /v1/recommendations answers from the table.
    let asked = 0;
    for (const [key, n] of want) {
      const [facet, value] = key.split('|') as [string, string];
      const param = facet === 'sdgGoal' || facet === 'sdgTarget' ? 'sdg' : facet;
      if (facet !== 'all' && asked++ % 7) continue; // a seventh of them over HTTP is plenty
      const query = facet === 'all' ? '' : `${param}=${encodeURIComponent(value)}&`;
      const res = await app.inject({ method: 'GET', url: `/v1/recommendations?${query}limit=1`, headers: auth.reader });
      t.equal(res.statusCode, 200);
      t.equal(res.json().total, n, `${when}: ${query || 'no filter'}`);
    }
    // GET /v1/facets without filters answers from the table too: the same counts.
    const facets = (await app.inject({ method: 'GET', url: '/v1/facets', headers: auth.reader })).json() as Record<string, { value: string; count: number }[]> & { total: number };
    t.equal(facets.total, want.get('all|'), `${when}: facets total`);
    const FACETS: Record<string, string> = { mechanism: 'mechanism', body: 'body', cycle: 'cycle', response: 'response', theme: 'theme', affectedPerson: 'affectedPerson', sdg: 'sdgGoal', instrument: 'instrument' };
    for (const [name, facet] of Object.entries(FACETS)) {
      const expected = [...want].filter(([k]) => k.startsWith(`${facet}|`)).map(([k, n]) => [k.slice(facet.length + 1), n] as [string, number]);
      const got = facets[name]!.map((c) => [c.value, c.count] as [string, number]);
      t.same(got.sort(([a], [b]) => (a < b ? -1 : 1)), expected.sort(([a], [b]) => (a < b ? -1 : 1)), `${when}: facet ${name}`);
    }
  };

  await importFile(db, 'upr-info', fromRoot('data/sample/upr-info_recommendations_sample.csv'), { mode: 'atomic', dryRun: false });
  await check(t, 'after the UPR Info sample');
  const u = await importFile(db, 'uhri', FIX('uhri-export.json'), { mode: 'atomic', dryRun: false });
  t.equal(u.status, 'succeeded');
  await check(t, 'after UHRI (new records and merges into UPR Info ones)');
  await importFile(db, 'uhri', FIX('uhri-export.xlsx'), { mode: 'atomic', dryRun: false });
  await check(t, 'after the same records again from XLSX');

  await db.execute(sql`update recommendations set themes = themes || '{Right to education}'::text[], sdg_goals = '{}', sdg_targets = '{}'
                       where country = 'KE' and mechanism = 'UPR'`);
  await check(t, 'after a hand edit of themes and SDGs');
  await db.execute(sql`update recommendations set mechanism = 'TB', body = 'CEDAW' where id in (select id from recommendations where country = 'UG' order by id limit 5)`);
  await check(t, 'after recommendations change mechanism (instrument by body)');
  await db.execute(sql`delete from recommendations where country = 'NP'`);
  await check(t, 'after a deletion');
  await db.execute(sql`delete from theme_instrument where instrument = 'CEDAW'`);
  await check(t, 'after a crosswalk change');

  t.test('unknown values and combined filters', async (t) => {
    const res = await app.inject({ method: 'GET', url: '/v1/recommendations?theme=No%20such%20theme', headers: auth.reader });
    t.equal(res.json().total, 0);
    t.same(res.json().items, []);
    const unknownInstrument = await app.inject({ method: 'GET', url: '/v1/recommendations?instrument=NOPE', headers: auth.reader });
    t.equal(unknownInstrument.statusCode, 400, 'an unknown instrument is refused, not counted');
    t.match(unknownInstrument.body, /instrument/);
    t.same(soleCountedFacet({ theme: 'x', country: ['KE'] }), undefined, 'two filters take the general count');
    t.same(soleCountedFacet({ theme: 'x', country: [] }), { facet: 'theme', value: 'x' }, 'an empty list is no filter');
    t.same(soleCountedFacet({ sdg: '16.3' }), { facet: 'sdgTarget', value: '16.3' });
    t.same(soleCountedFacet({ sdg: '16' }), { facet: 'sdgGoal', value: '16' });
    t.same(soleCountedFacet({ mechanism: 'TB' }), { facet: 'mechanism', value: 'TB' });
    t.same(soleCountedFacet({ session: 8 }), undefined, 'session is not counted');
    t.same(soleCountedFacet({}), { facet: 'all', value: '' });
  });
});

t.test('property: on random write sequences the counts table equals a recount', async (t) => {
  const { database } = await buildTestApp(t);
  const db = database.db;
  const themes = ['Right to education', 'Right to health', 'Women\'s rights', 'Torture and other cruel, inhuman or degrading treatment', 'Death penalty'];
  const persons = ['Children', 'Women & girls', 'Migrants'];
  const targets = ['4.1', '5.2', '16.3', '16.a'];
  const rec = fc.record({
    id: fc.integer({ min: 0, max: 30 }).map((i) => `p-${i}`),
    mechanism: fc.constantFrom('UPR', 'TB', 'SP'),
    body: fc.constantFrom('UPR', 'CEDAW', 'CRC', 'CAT', 'SR on torture'),
    themes: fc.uniqueArray(fc.constantFrom(...themes), { maxLength: 3 }),
    persons: fc.uniqueArray(fc.constantFrom(...persons), { maxLength: 2 }),
    targets: fc.uniqueArray(fc.constantFrom(...targets), { maxLength: 2 }),
    states: fc.uniqueArray(fc.constantFrom('FR', 'DE', 'BR'), { maxLength: 2 }),
    cycle: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
    response: fc.option(fc.constantFrom('supported', 'noted'), { nil: null }),
  });
  const op = fc.oneof(
    fc.record({ kind: fc.constant('upsert' as const), recs: fc.array(rec, { minLength: 1, maxLength: 6 }) }),
    fc.record({ kind: fc.constant('delete' as const), ids: fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 5 }) }),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 6 }), async (ops) => {
      await db.execute(sql`delete from recommendations where id like 'p-%'`);
      for (const o of ops) {
        if (o.kind === 'delete') {
          if (o.ids.length) await db.execute(sql`delete from recommendations where id in (select jsonb_array_elements_text(${JSON.stringify(o.ids.map((i) => `p-${i}`))}::jsonb))`);
          continue;
        }
        const byId = new Map(o.recs.map((r) => [r.id, r])); // one row per id in a statement
        await db
          .insert(recommendations)
          .values(
            [...byId.values()].map((r) => ({
              id: r.id,
              country: 'KE',
              mechanism: r.mechanism,
              body: r.mechanism === 'UPR' ? 'UPR' : r.body,
              text: `text of ${r.id}`,
              contentHash: r.id,
              themes: r.themes,
              affectedPersons: r.persons,
              sdgTargets: r.targets,
              sdgGoals: [...new Set(r.targets.map((x) => x.split('.')[0]!))],
              recommendingStates: r.states,
              cycle: r.cycle,
              response: r.response,
            })),
          )
          .onConflictDoUpdate({
            target: recommendations.id,
            set: {
              mechanism: sql`excluded.mechanism`,
              body: sql`excluded.body`,
              themes: sql`excluded.themes`,
              affectedPersons: sql`excluded.affected_persons`,
              sdgTargets: sql`excluded.sdg_targets`,
              sdgGoals: sql`excluded.sdg_goals`,
              recommendingStates: sql`excluded.recommending_states`,
              cycle: sql`excluded.cycle`,
              response: sql`excluded.response`,
            },
          });
      }
      const want = await oracle(db);
      const got = await stored(db);
      t.same(sorted(got), sorted(want));
      return JSON.stringify(sorted(got)) === JSON.stringify(sorted(want));
    }),
    { numRuns: Number(process.env.FACET_PROPERTY_RUNS ?? 15) },
  );
});
