import { sql } from 'drizzle-orm';
import t from 'tap';
import { queryRows } from '../../src/db/query.js';
import {
  loadCountryResolver,
  loadReferenceData,
  normaliseCountryName,
  resolveCountry,
} from '../../src/importers/reference.importer.js';
import { createTestDatabase } from '../helpers/build-test-app.js';

type Row = Record<string, unknown>;

t.test('normaliseCountryName', async (t) => {
  t.equal(normaliseCountryName("Côte d’Ivoire"), 'cote d ivoire');
  t.equal(normaliseCountryName("  Cote d'Ivoire "), 'cote d ivoire');
  t.equal(normaliseCountryName('St Kitts & Nevis'), 'st kitts and nevis');
  t.equal(normaliseCountryName('Türkiye'), 'turkiye');
  t.equal(normaliseCountryName('Korea (the Republic of)'), 'korea the republic of');
});

t.test('codelists, countries and aliases are loaded (createTestDatabase already ran loadReferenceData)', async (t) => {
  const { db } = await createTestDatabase(t);
  const lists = await queryRows<{ list: string; n: number; withdrawn: number }>(
    db,
    sql`select list, count(*)::int as n, count(*) filter (where withdrawn)::int as withdrawn
        from codelist_items group by list order by list`,
  );
  const by = Object.fromEntries(lists.map((l) => [l.list, l]));
  // counts as given in shared/data/SOURCES.md (codelists/ and sdg/ sections)
  t.match(by['UNSDG-Goals'], { n: 17 });
  t.match(by['UNSDG-Targets'], { n: 169 });
  t.match(by.Sector, { n: 325, withdrawn: 30 });
  t.match(by.SectorCategory, { n: 44, withdrawn: 2 });
  t.match(by.Country, { n: 251, withdrawn: 1 });
  t.match(by.Currency, { n: 176, withdrawn: 9 });
  t.match(by.TagVocabulary, { n: 6 });
  t.match(by.TransactionType, { n: 13 });
  t.equal(lists.length, 19);

  const [sector] = await queryRows<Row>(db, sql`select * from codelist_items where list = 'Sector' and code = '15160'`);
  t.match(sector, { name: 'Human rights', category: '151', withdrawn: false });
  t.type(sector!.name_fr, 'string');
  const [target] = await queryRows<Row>(db, sql`select * from codelist_items where list = 'UNSDG-Targets' and code = '16.a'`);
  t.match(target!.name, /^Strengthen relevant national institutions/);
  const [goal] = await queryRows<Row>(db, sql`select name from codelist_items where list = 'UNSDG-Goals' and code = '4'`);
  t.match(goal!.name, /education/i);

  const [ke] = await queryRows<Row>(db, sql`select * from countries where code = 'KE'`);
  t.same(ke, { code: 'KE', alpha3: 'KEN', name: 'Kenya', withdrawn: false });
  const [counts] = await queryRows<Row>(
    db,
    sql`select count(*)::int as n, count(alpha3)::int as with_alpha3 from countries`,
  );
  t.same(counts, { n: 251, with_alpha3: 250 }, 'all but the withdrawn AN (Netherlands Antilles) have an alpha-3');

  const resolve = await loadCountryResolver(db);
  const expect: [string, string][] = [
    ['Bolivia (Plurinational State of)', 'BO'],
    ['Türkiye', 'TR'],
    ['Turkey', 'TR'],
    ["Côte d'Ivoire", 'CI'],
    ["Cote d'Ivoire", 'CI'],
    ['Venezuela (Bolivarian Republic of)', 'VE'],
    ['United Kingdom of Great Britain and Northern Ireland', 'GB'],
    ["Democratic People's Republic of Korea", 'KP'],
    ['Republic of Moldova', 'MD'],
    ['State of Palestine', 'PS'],
    ['Holy See', 'VA'],
    ["Lao People's Democratic Republic", 'LA'],
    ['Syrian Arab Republic', 'SY'],
    ['Micronesia (Federated States of)', 'FM'],
    ['Czechia', 'CZ'],
    ['Eswatini', 'SZ'],
    ['North Macedonia', 'MK'],
    ['Cabo Verde', 'CV'],
    ['Iran (Islamic Republic of)', 'IR'],
    ['Iran', 'IR'],
    ['Tanzania', 'TZ'],
    ['Viet Nam', 'VN'],
    ['Vietnam', 'VN'],
    ['Congo', 'CG'],
    ['Kenya', 'KE'],
    ['KE', 'KE'],
  ];
  t.same(
    expect.map(([n]) => [n, resolve(n)]),
    expect,
  );
  t.equal(resolve('Atlantis'), undefined);
  t.equal(await resolveCountry(db, 'DPR Korea'), 'KP');
  t.equal(await resolveCountry(db, 'Narnia'), undefined);
  t.equal(resolveCountry(resolve, 'Macedonia FYR'), 'MK');
});

t.test('a second load is a no-op, and a damaged table is repaired', async (t) => {
  const { db } = await createTestDatabase(t);
  const snap = () =>
    queryRows<Row>(
      db,
      sql`select (select count(*) from codelist_items)::int as items, (select count(*) from countries)::int as countries,
                 (select count(*) from country_aliases)::int as aliases,
                 (select xmin::text from codelist_items where list = 'Sector' and code = '15160') as xmin`,
    );
  const before = await snap();
  const t0 = performance.now();
  const counts = await loadReferenceData(db);
  const ms = performance.now() - t0;
  t.same(await snap(), before, 'no row rewritten (same xmin)');
  t.match(counts, { codelistItems: before[0]!.items, countries: 251 });
  t.ok(ms < 300, `fast path took ${ms.toFixed(0)} ms`);

  await db.execute(sql`delete from codelist_items where list = 'UNSDG-Targets'`);
  await db.execute(sql`delete from country_aliases where alias = 'dpr korea'`);
  await loadReferenceData(db);
  const [after] = await snap();
  t.equal(after!.items, before[0]!.items);
  t.equal(after!.aliases, before[0]!.aliases);
});
