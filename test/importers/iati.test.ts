/**
 * IATI activity importer against real files: the five D-Portal country files in data/sample/iati/ and the
 * single-activity fixtures in test/fixtures/iati/ (see SOURCES.md there). Variants (older/newer copies, a
 * DOCTYPE, a corrupted value…) are derived here by string replacement and written to the test's own dir.
 *
 * Expected figures were computed independently of the importer, from the XML, with Python's ElementTree and
 * decimal.Decimal (sum of transaction/value text per transaction-type/@code and value/@currency, falling back to
 * the activity's @default-currency; distinct iati-identifier per file and the overlap with the files before).
 */
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import t, { type Test } from 'tap';
import type { Db } from '../../src/db/client.js';
import { queryRows } from '../../src/db/query.js';
import { iatiImporter } from '../../src/importers/iati.importer.js';
import { importFile, type FileImportOptions } from '../../src/importers/index.js';
import { runImport, type RunReport } from '../../src/importers/run.js';
import { createTestDatabase } from '../helpers/build-test-app.js';

const root = join(import.meta.dirname, '..', '..');
const sample = (c: string) => join(root, 'data', 'sample', 'iati', `dportal-covid19-2021_recipient-${c}.xml`);
const fixture = (name: string) => join(root, 'test', 'fixtures', 'iati', `iati-flattener_${name}-activity.xml`);
const read = (path: string) => readFileSync(path, 'utf8');

const TABLES = [
  'activities',
  'activity_recipient_countries',
  'activity_recipient_regions',
  'activity_sectors',
  'activity_tags',
  'activity_policy_markers',
  'activity_participating_orgs',
  'transactions',
  'budgets',
  'organisations',
] as const;

async function imp(db: Db, path: string, opts: Partial<FileImportOptions> = {}): Promise<RunReport> {
  return importFile(db, 'iati', path, { mode: 'atomic', dryRun: false, ...opts });
}

/** Row count of every activity table. */
async function counts(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) {
    const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from ${sql.identifier(table)}`);
    out[table] = row!.n;
  }
  return out;
}

/** An md5 over every row of every activity table (row text, in a fixed order): equal = nothing changed. */
async function checksum(db: Db): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of TABLES) {
    const [row] = await queryRows<{ h: string | null }>(
      db,
      sql`select md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as h from ${sql.identifier(table)} x`,
    );
    out[table] = row!.h ?? '';
  }
  return out;
}

/** Sum of transactions per type|currency as text, e.g. { '3|EUR': '125074' }. */
async function txSums(db: Db, id: string): Promise<Record<string, string>> {
  const rows = await queryRows<{ k: string; s: string }>(
    db,
    sql`select type || '|' || coalesce(currency, '') as k, sum(value)::text as s
        from transactions where activity_id = ${id} group by 1 order by 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.k, r.s]));
}

async function activity(db: Db, id: string) {
  const [row] = await queryRows<Record<string, unknown>>(db, sql`select * from activities where iati_identifier = ${id}`);
  return row;
}

const errors = (r: RunReport) => r.problems.filter((p) => p.severity === 'error');
const warningsLike = (r: RunReport, re: RegExp) => r.problems.filter((p) => p.severity === 'warning' && re.test(p.message));

/**
 * NP with one transaction value corrupted, imported after KE and UG: atomic leaves every table exactly as it
 * was; skip-invalid commits the 137 valid new activities.
 */
async function corruptedCopyOfNP(t: Test, db: Db) {
  // The first transaction value of XM-DAC-41114-OUTPUT-00120914 (activity 107 of 143, its <iati-activity>
  // on line 21695) replaced: "20000" → "abc", on line 21780.
  const text = read(sample('NP'));
  const at = text.indexOf('<iati-identifier>XM-DAC-41114-OUTPUT-00120914</iati-identifier>');
  const v = text.indexOf('<value', text.indexOf('<transaction>', at));
  const end = text.indexOf('</value>', v);
  t.equal(text.slice(v, end), '<value currency="USD" value-date="2020-12-31">20000');
  const dir = t.testdir({ 'np-corrupt.xml': text.slice(0, v) + '<value currency="USD" value-date="2020-12-31">abc' + text.slice(end) });
  const file = join(dir, 'np-corrupt.xml');

  const before = await counts(db);
  const sumBefore = await checksum(db);
  // Small batches, so that four batches are written inside the transaction before the bad record is read.
  const atomic = await runImport(db, iatiImporter({ batchSize: 25 }), createReadStream(file), {
    fileName: 'np-corrupt.xml',
    mode: 'atomic',
    dryRun: false,
  });
  t.equal(atomic.status, 'rejected');
  t.match(atomic.counts, { read: 143, inserted: 0, updated: 0, unchanged: 0, rejected: 143 });
  t.same(
    errors(atomic).map((p) => ({ line: p.line, recordId: p.recordId, field: p.field, message: p.message })),
    [
      {
        line: 21780,
        recordId: 'XM-DAC-41114-OUTPUT-00120914',
        field: 'transaction/value',
        message: 'transaction 1: value "abc" is not a number',
      },
    ],
    'exactly one reject, with its reason',
  );
  t.same(await counts(db), before, 'atomic: row counts of every table unchanged');
  t.same(await checksum(db), sumBefore, 'atomic: every row unchanged');

  const skip = await imp(db, file, { mode: 'skip-invalid' });
  t.equal(skip.status, 'partial');
  // NP: 143 activities, 5 of them also in KE or UG (Python), 1 rejected → 137 new.
  t.match(skip.counts, { read: 143, inserted: 137, unchanged: 5, updated: 0, rejected: 1 });
  t.equal((await counts(db)).activities, before.activities! + 137);
  t.notOk(await activity(db, 'XM-DAC-41114-OUTPUT-00120914'), 'the invalid activity is not stored');
}

t.test('the five D-Portal country files', async (t) => {
  const { db } = await createTestDatabase(t);

  // Dry run first: exact counts, nothing written.
  const dry = await imp(db, sample('NP'), { dryRun: true });
  t.equal(dry.status, 'succeeded');
  t.match(dry.counts, { read: 143, inserted: 143, rejected: 0 });
  t.match(dry.message, /Dry run/);
  t.same(Object.values(await counts(db)), TABLES.map(() => 0), 'dry run wrote nothing');

  const ke = await imp(db, sample('KE'));
  t.equal(ke.status, 'succeeded');
  t.match(ke.counts, { read: 288, inserted: 288, updated: 0, unchanged: 0, stale: 0, rejected: 0 });
  t.same(errors(ke), [], 'no record of the KE file is rejected');
  // Warnings, counted rule by rule in the source with Python (same rules as the importer):
  // 288 activities without last-updated-datetime (D-Portal strips it), 11 activity/transaction/budget dates
  // outside 1960–2040 (3 × 1900-01-01, 8 × 2050-12-31), 3 recipient-region and 2 sector elements without a
  // code, 9 activities whose country+region or per-vocabulary sector percentages are not 100 (±1).
  t.equal(warningsLike(ke, /no last-updated-datetime/).length, 288);
  t.equal(warningsLike(ke, /implausible date/).length, 11);
  t.equal(warningsLike(ke, /recipient-region without a code/).length, 3);
  t.equal(warningsLike(ke, /sector without a code/).length, 2);
  t.equal(warningsLike(ke, /percentages add up to|without percentages/).length, 9);
  t.equal(ke.counts.warnings, 288 + 11 + 3 + 2 + 9, 'and no other warning');
  t.same((await counts(db)).activities, 288);

  // Distinct identifiers per file and overlap with the files imported before (Python over the XML):
  // UG 228 (5 also in KE), NP 143 (5 in KE/UG), BD 308 (13 in KE/UG/NP), CO 157 (3 in the others).
  const expected: [string, number, number][] = [
    ['UG', 223, 5],
    ['NP', 138, 5],
    ['BD', 295, 13],
    ['CO', 154, 3],
  ];
  for (const [c, inserted, unchanged] of expected) {
    if (c === 'NP') {
      await corruptedCopyOfNP(t, db);
      // The corrupted run kept 137 of NP's 138 new activities: the real file adds the one it refused.
      const np = await imp(db, sample('NP'));
      t.match(np.counts, { read: 143, inserted: 1, unchanged: 142, updated: 0, rejected: 0 }, 'NP after its corrupted copy');
      continue;
    }
    const r = await imp(db, sample(c));
    t.equal(r.status, 'succeeded', c);
    t.match(r.counts, { read: inserted + unchanged, inserted, unchanged, updated: 0, stale: 0, rejected: 0 }, c);
    t.same(errors(r), [], `${c}: no rejects`);
    if (c === 'UG') {
      const [own] = await queryRows<{ n: number }>(
        db,
        sql`select count(*)::int as n from activities where import_run_id = ${r.id}`,
      );
      t.equal(own!.n, 223, 'the 5 activities shared with KE keep the KE run: they were not rewritten');
    }
  }
  t.equal((await counts(db)).activities, 1098, '1,098 distinct activities over the five files');

  // A named activity, checked against the source file: CH-FDJP … H2H in UG (13 transactions, EUR and GBP,
  // though its default-currency is CHF). Sums per transaction type and currency computed with Python Decimal.
  const h2h = 'CH-FDJP-f7f0b51e-7432-4c0c-a6c0-7df1101d7983-FH-projet Covid H2H';
  t.same(await txSums(db, h2h), {
    '11|GBP': '289687',
    '1|GBP': '115874.8',
    '3|EUR': '125074',
    '3|GBP': '89733',
    '4|GBP': '289686',
  });
  t.match(await activity(db, h2h), {
    default_currency: 'CHF',
    country_codes: ['GN', 'SL', 'UG'],
    sector_codes: ['12261', '15150', '15153', '22030'],
  });
  // UNHCR Bangladesh: 60 incoming commitments (type 11) in 8 currencies.
  t.same(await txSums(db, 'XM-DAC-41121-2020-ASO-BGD'), {
    '11|AUD': '17750000',
    '11|CAD': '3302223',
    '11|EUR': '13878060',
    '11|GBP': '9664649',
    '11|NOK': '9000000',
    '11|NZD': '2000000',
    '11|SEK': '12000000',
    '11|USD': '102599061.071',
  });

  // SDG targets are stored in UN spelling: the files write "16.A", "5.B"…; none survives upper-case.
  const [sdg] = await queryRows<{ upper: number; raw: number; lettered: number }>(
    db,
    sql`select
      (select count(*)::int from activities, unnest(sdg_targets) x where x ~ '[A-Z]') as upper,
      (select count(*)::int from activity_tags where vocabulary = '3' and code ~ '\\.[A-Z]$') as raw,
      (select count(*)::int from activities, unnest(sdg_targets) x where x ~ '\\.[a-z]$') as lettered`,
  );
  t.equal(sdg!.upper, 0);
  t.ok(sdg!.raw > 0, 'the tags themselves are kept as given');
  t.ok(sdg!.lettered > 0);

  // Re-importing a file changes nothing at all.
  const before = await counts(db);
  const sumBefore = await checksum(db);
  const again = await imp(db, sample('CO'));
  t.match(again.counts, { read: 157, inserted: 0, updated: 0, unchanged: 157, stale: 0, rejected: 0 });
  t.same(await counts(db), before, 'row counts of every table unchanged');
  t.same(await checksum(db), sumBefore, 'every row unchanged');
});

t.test('small files, one database', async (t) => {
  const { db } = await createTestDatabase(t);

  t.test('files that cannot be read as a whole are refused and write nothing', async (t) => {
    const base = read(fixture('3fi'));
    const dir = t.testdir({
      // Root version 1.05 instead of 2.03.
      'v105.xml': base.replace('<iati-activities version="2.03"', '<iati-activities version="1.05"'),
      // An XXE attempt: DOCTYPE with an external ENTITY used in the title.
      'entity.xml': base
        .replace('<?xml version="1.0"?>', '<?xml version="1.0"?>\n<!DOCTYPE iati-activities [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')
        .replace('<narrative>SPA 2022-2025</narrative>', '<narrative>&xxe;</narrative>'),
      // A DOCTYPE without any entity is refused too.
      'doctype.xml': base.replace('<?xml version="1.0"?>', '<?xml version="1.0"?>\n<!DOCTYPE iati-activities>'),
      // Mismatched end tag on line 11 (the first </title>).
      'malformed.xml': base.replace('</title>', '</titel>'),
      'not-xml.csv': 'iati-identifier,title\nXM-1,Something\n',
      'empty.xml': '',
      'organisation.xml': '<?xml version="1.0"?>\n<iati-organisations version="2.03"></iati-organisations>\n',
    });

    const v105 = await imp(db, join(dir, 'v105.xml'));
    t.equal(v105.status, 'rejected');
    t.equal(v105.message, 'IATI version 1.05 is not supported; convert to 2.0x');
    t.match(v105.counts, { inserted: 0, updated: 0 });

    for (const name of ['entity.xml', 'doctype.xml']) {
      const r = await imp(db, join(dir, name));
      t.equal(r.status, 'rejected', name);
      t.match(r.message, /DOCTYPE/, name);
      t.equal(r.problems[0]?.line, 2, `${name}: the DOCTYPE line`);
    }

    const bad = await imp(db, join(dir, 'malformed.xml'));
    t.equal(bad.status, 'rejected');
    t.match(bad.message, /^The file is not well-formed XML \(line 11, /);
    t.equal(bad.problems[0]?.line, 11);

    const csv = await imp(db, join(dir, 'not-xml.csv'));
    t.equal(csv.status, 'rejected');
    t.match(csv.message, /not XML/);

    const empty = await imp(db, join(dir, 'empty.xml'));
    t.equal(empty.status, 'rejected');

    const org = await imp(db, join(dir, 'organisation.xml'));
    t.equal(org.status, 'rejected');
    t.match(org.message, /root element is <iati-organisations>/);

    t.same((await counts(db)).activities, 0, 'nothing was written');
    const runs = await queryRows<{ status: string; n: number }>(
      db,
      sql`select status, count(*)::int as n from import_runs where kind = 'iati' group by status`,
    );
    t.same(runs, [{ status: 'rejected', n: 7 }], 'every refusal is recorded as a rejected run');
  });

  t.test('single-activity fixtures', async (t) => {
    const before = (await counts(db)).activities!;
    const all = ['usaid', 'usaid-humanitarian', '3fi', 'sr', 'ec-intpa', 'canada', 'worldbank', 'ifad'];
    for (const name of all) {
      const r = await imp(db, fixture(name));
      t.equal(r.status, 'succeeded', name);
      t.same(errors(r), [], `${name}: no errors`);
    }
    t.equal((await counts(db)).activities, before + all.length);

    // USAID: no activity-level country or sector; both come from the 152 transactions.
    const usaid = 'US-GOV-1-AID-EPP-A-00-09-00001';
    t.match(await activity(db, usaid), {
      country_codes: ['BD', 'IN', 'JO', 'MX', 'NG', 'TZ'],
      sector_codes: ['23110', '25010', '41020'],
      dataset: 'usaid-multiple-15',
      iati_version: '2.03',
      last_updated: null,
    });
    t.same(await txSums(db, usaid), { '2|USD': '7147032.0', '3|USD': '9010043.20' });
    const [n] = await queryRows<{ tx: number; rc: number }>(
      db,
      sql`select (select count(*)::int from transactions where activity_id = ${usaid}) as tx,
                 (select count(*)::int from activity_recipient_countries where activity_id = ${usaid}) as rc`,
    );
    t.same(n, { tx: 152, rc: 0 });

    t.match(await activity(db, 'US-GOV-1-72DFFP19IO00066'), {
      country_codes: ['DZ'],
      sector_codes: ['72040'],
      humanitarian: null,
    });

    // 3F: the only sector is SDG target 8.8 (vocabulary 8), which also gives goal 8.
    t.match(await activity(db, 'DK-CVR-31378028-SPA-2020'), {
      sdg_targets: ['8.8'],
      sdg_goals: ['8'],
      sector_codes: [],
      country_codes: ['BD', 'BO', 'CO', 'DK', 'HN', 'JO', 'KE', 'LB', 'LK', 'ZA', 'ZM', 'ZW'],
      humanitarian: false,
      default_currency: 'DKK',
    });

    // EC-INTPA: root without @version, activity version from iati-extra:version; SDG goal tags 12 and 15.
    t.match(await activity(db, 'XI-IATI-EC_INTPA-2019/405-854'), {
      iati_version: '2.03',
      sdg_goals: ['12', '15'],
      sector_codes: ['31210'],
      country_codes: ['LR'],
    });

    // Canada: French and English narratives; English chosen for the columns, both kept.
    const ca = (await activity(db, 'CA-3-D002451001'))!;
    t.equal(ca.title, 'Partnerships for Municipal Innovation in Local Economic Development');
    t.same(
      (ca.titles as { lang: string }[]).map((x) => x.lang),
      ['fr', 'en'],
    );
    t.match(ca.description, /^The project supports strengthening/);
    t.same(ca.country_codes, ['BF', 'BO', 'CI', 'KH', 'ML', 'NI', 'VN']);
    t.same(ca.sector_codes, ['15112', '15150', '25010', '32130', '41010']);

    // World Bank: vocabularies 98/99 are kept as sectors but are not DAC purpose codes.
    t.same((await activity(db, '44000-P175662'))!.sector_codes, ['15119', '15142', '25010', '33210']);
    // IFAD: a DAC 3-digit sector (vocabulary 2) is not a purpose code; transactions in XDR and USD.
    t.same((await activity(db, 'XM-DAC-41108-1100001761'))!.sector_codes, []);
    t.same(await txSums(db, 'XM-DAC-41108-1100001761'), {
      '2|USD': '10086263.00',
      '2|XDR': '12760000.00',
      '3|USD': '7815119.76',
      '3|XDR': '8494957.31',
    });

    // The Syria Relief identifier (spaces, commas, an escaped &) is kept verbatim.
    t.ok(
      await activity(
        db,
        'GB-CHC-1143797-Health and nutrition, Education, Protection, WASH, Food security & livelihood, and Emergency',
      ),
    );

    const [org] = await queryRows<{ name: string; type: string }>(db, sql`select name, type from organisations where ref = 'US-GOV-1'`);
    t.same(org, { name: 'U.S. Agency for International Development', type: '10' });
  });

  t.test('dirty values inside an activity', async (t) => {
    const sr = read(fixture('sr'));
    const base = read(fixture('3fi'));
    const dir = t.testdir({
      // Identifier padded with whitespace and newlines.
      'padded.xml': sr.replace('<iati-identifier>GB-CHC', '<iati-identifier>\n      GB-CHC').replace('Emergency</iati-identifier>', 'Emergency (padded)  \n</iati-identifier>'),
      // SDG codes in publisher spellings and invalid ones; a non-ISO date; a percentage that is not a number.
      'sdg.xml': base
        .replaceAll('DK-CVR-31378028-SPA-2020', 'DK-CVR-31378028-SPA-2020-SDG')
        .replace(
          '<sector code="8.8" vocabulary="8"/>',
          '<sector code="8.8" vocabulary="8"/>\n<tag vocabulary="3" code="4.A"/>\n<tag vocabulary="3" code="18.1"/>\n<tag vocabulary="2" code="Goal 5"/>\n<tag vocabulary="2" code="05"/>',
        )
        .replace('<activity-date type="2" iso-date="2022-01-01"/>', '<activity-date type="2" iso-date="01/01/2022"/>'),
      // The identifier removed.
      'no-id.xml': base.replace(/<iati-identifier>[^<]*<\/iati-identifier>/, ''),
      // An activity whose own version is 1.x (D-Portal's iati-activities:version).
      'ca105.xml': read(fixture('canada'))
        .replace('iati-activities:version="2.03"', 'iati-activities:version="1.05"')
        .replaceAll('CA-3-D002451001', 'CA-3-D002451001-V105'),
    });

    const padded = await imp(db, join(dir, 'padded.xml'));
    t.match(padded.counts, { inserted: 1 });
    t.match(warningsLike(padded, /surrounding whitespace; trimmed/), [{ field: 'iati-identifier' }]);
    t.ok(
      await activity(
        db,
        'GB-CHC-1143797-Health and nutrition, Education, Protection, WASH, Food security & livelihood, and Emergency (padded)',
      ),
      'stored under the trimmed identifier',
    );

    const sdg = await imp(db, join(dir, 'sdg.xml'));
    t.equal(sdg.status, 'succeeded');
    t.match(await activity(db, 'DK-CVR-31378028-SPA-2020-SDG'), {
      sdg_targets: ['4.a', '8.8'],
      sdg_goals: ['4', '5', '8'],
      actual_start: null,
    });
    t.equal(warningsLike(sdg, /is not a UN SDG target/).length, 1, '18.1 dropped');
    t.equal(warningsLike(sdg, /is not an SDG goal/).length, 1, '"Goal 5" dropped');
    t.equal(warningsLike(sdg, /"01\/01\/2022" is not an ISO date/).length, 1);

    const noId = await imp(db, join(dir, 'no-id.xml'), { mode: 'skip-invalid' });
    t.equal(noId.status, 'partial');
    t.match(noId.counts, { read: 1, rejected: 1, inserted: 0 });
    t.match(errors(noId), [{ field: 'iati-identifier', message: 'the activity has no iati-identifier', line: 4 }]);

    // An activity whose own version is 1.x is a record error.
    const r = await imp(db, join(dir, 'ca105.xml'));
    t.equal(r.status, 'rejected');
    t.match(errors(r), [{ recordId: 'CA-3-D002451001-V105', message: 'IATI version 1.05 is not supported; convert to 2.0x' }]);
    t.notOk(await activity(db, 'CA-3-D002451001-V105'));
  });

  t.test('last-updated-datetime decides between versions', async (t) => {
    // Every variant under its own identifier, so that the other tests' copy of 3F does not interfere.
    const id = 'DK-CVR-31378028-SPA-2020-V';
    const base = read(fixture('3fi')).replaceAll('DK-CVR-31378028-SPA-2020', id);
    const LU = 'last-updated-datetime="2023-07-13T08:13:58+00:00"';
    t.ok(base.includes(LU));
    // The 13 transactions of the fixture, as text blocks.
    const txs = base.match(/<transaction>[\s\S]*?<\/transaction>/g)!;
    t.equal(txs.length, 13);
    const firstTwoOnly = (s: string) => txs.slice(2).reduce((acc, x) => acc.replace(x, ''), s);
    const dir = t.testdir({
      'base.xml': base,
      // Older: one year earlier, and a different title.
      'older.xml': base.replace(LU, 'last-updated-datetime="2022-07-13T08:13:58+00:00"').replace('SPA 2022-2025', 'SPA old'),
      // Same timestamp, other content.
      'same-date.xml': base.replace('SPA 2022-2025', 'SPA 2022-2025 (corrected)'),
      // Newer: only the first two transactions, and the SDG target sector replaced by a DAC sector.
      'newer.xml': firstTwoOnly(
        base.replace(LU, 'last-updated-datetime="2024-01-31T10:00:00Z"').replace('<sector code="8.8" vocabulary="8"/>', '<sector code="16020"/>'),
      ),
      // The newer one again, then without any date (as D-Portal serves it).
      'undated.xml': firstTwoOnly(base.replace(LU, '')),
      // The same activity twice in one file (as D-Portal files sometimes have it), under a new identifier.
      'twice.xml': base.replace(
        /(<iati-activity [\s\S]*<\/iati-activity>)/,
        (m) => `${m.replaceAll(id, `${id}-B`)}\n${m.replaceAll(id, `${id}-B`)}`,
      ),
    });

    const first = await imp(db, join(dir, 'base.xml'));
    t.match(first.counts, { inserted: 1 });
    t.same(await txSums(db, id), { '1|DKK': '25653580', '3|DKK': '7064252.79' }, 'sums per type as in the file (Python)');
    const sumBefore = await checksum(db);
    const older = await imp(db, join(dir, 'older.xml'));
    t.match(older.counts, { read: 1, stale: 1, inserted: 0, updated: 0 });
    t.equal(older.status, 'succeeded');
    t.match(warningsLike(older, /stored version is newer/), [{ recordId: id, line: 4 }]);
    t.same(await checksum(db), sumBefore, 'the stale version is ignored');

    const same = await imp(db, join(dir, 'same-date.xml'));
    t.match(same.counts, { updated: 1 });
    t.equal(warningsLike(same, /same last-updated-datetime/).length, 1);
    t.equal((await activity(db, id))!.title, 'SPA 2022-2025 (corrected)');

    const newer = await imp(db, join(dir, 'newer.xml'));
    t.match(newer.counts, { updated: 1, stale: 0 });
    const row = (await activity(db, id))!;
    t.match(row, { title: 'SPA 2022-2025', sector_codes: ['16020'], sdg_targets: [], sdg_goals: [], import_run_id: newer.id });
    const [children] = await queryRows<{ tx: number; sectors: number; budgets: number }>(
      db,
      sql`select (select count(*)::int from transactions where activity_id = ${id}) as tx,
                 (select count(*)::int from activity_sectors where activity_id = ${id}) as sectors,
                 (select count(*)::int from budgets where activity_id = ${id}) as budgets`,
    );
    t.same(children, { tx: 2, sectors: 1, budgets: 1 }, 'children replaced, not appended');
    const [lu] = await queryRows<{ lu: string }>(
      db,
      sql`select to_char(last_updated at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') as lu from activities where iati_identifier = ${id}`,
    );
    t.equal(lu!.lu, '2024-01-31T10:00:00');

    t.match((await imp(db, join(dir, 'newer.xml'))).counts, { unchanged: 1 }, 'same version again: unchanged');
    const undated = await imp(db, join(dir, 'undated.xml'));
    t.match(undated.counts, { stale: 1 }, 'an undated copy cannot replace a dated version');

    const twice = await imp(db, join(dir, 'twice.xml'));
    t.match(twice.counts, { read: 2, inserted: 1, unchanged: 1 });
    t.equal(warningsLike(twice, /appears again in this file/).length, 1);
    const [b] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from activities where iati_identifier = ${`${id}-B`}`);
    t.equal(b!.n, 1);
  });
});
