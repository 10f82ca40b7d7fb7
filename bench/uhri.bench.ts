// npm run bench:uhri — a UHRI-shaped JSON export of 270,000 annotations, imported into PostgreSQL (DATABASE_URL;
// PGlite without it), then the recommendations list with each single filter timed at that size. See docs/uhri.md.
//
// The export is generated once into bench/out/ from real texts: the UPR Info recommendations of the shared data
// (../shared/data/upr, else the bundled sample) give the UPR records (State, session, recommending State, position,
// text) and, two to four at a time, the paragraphs of Treaty Body and Special Procedures records; bodies, symbols,
// themes, affected persons and SDG labels follow the UHRI fixture's and the UN lists' vocabularies. The import runs
// in a child process so that its peak RSS is its own.
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parse as parseCsv } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/db/query.js';
import { importFile } from '../src/importers/index.js';
import { fromRoot } from '../src/lib/paths.js';
import { facetCounts } from '../src/modules/facets/facets.queries.js';
import { listRecommendations, type RecommendationFilters } from '../src/modules/recommendations/recommendations.queries.js';
import { freshDatabase, peakRssMb } from './lib.js';

const RECORDS = Number(process.env.BENCH_UHRI_RECORDS ?? 270_000);
const OUT = fromRoot('bench/out', `uhri-export-${RECORDS}.json`);
const SHARED_UPR = fromRoot('../shared/data/upr/upr-info_recommendations_sessions01-20_2008-2014.csv');
const UPR_FILE = existsSync(SHARED_UPR) ? SHARED_UPR : fromRoot('data/sample/upr-info_recommendations_sample.csv');

// ---------------------------------------------------------------- generation

/** mulberry32: a small seeded PRNG, so that the file is the same on every machine. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TB = ['CESCR', 'CCPR', 'CERD', 'CEDAW', 'CAT', 'SPT', 'CRC', 'CRC-OP-AC', 'CRC-OP-SC', 'CMW', 'CED', 'CRPD'];
const TB_SYMBOL: Record<string, (a3: string, n: number) => string> = {
  CESCR: (a, n) => `E/C.12/${a}/CO/${n}`,
  CCPR: (a, n) => `CCPR/C/${a}/CO/${n}`,
  CERD: (a, n) => `CERD/C/${a}/CO/${n}-${n + 2}`,
  CEDAW: (a, n) => `CEDAW/C/${a}/CO/${n}`,
  CAT: (a, n) => `CAT/C/${a}/CO/${n}`,
  SPT: (a, n) => `CAT/OP/${a}/${n}`,
  CRC: (a, n) => `CRC/C/${a}/CO/${n}-${n + 2}`,
  'CRC-OP-AC': (a) => `CRC/C/OPAC/${a}/CO/1`,
  'CRC-OP-SC': (a) => `CRC/C/OPSC/${a}/CO/1`,
  CMW: (a, n) => `CMW/C/${a}/CO/${n}`,
  CED: (a) => `CED/C/${a}/CO/1`,
  CRPD: (a) => `CRPD/C/${a}/CO/1`,
};
const SP = [
  'SR on extrajudicial, summary or arbitrary executions',
  'SR on the human rights of internally displaced persons',
  'SR on the situation of human rights defenders',
  'SR on the right to food',
  'SR on torture and other cruel, inhuman or degrading treatment or punishment',
  'SR on the rights of indigenous peoples',
  'SR on violence against women, its causes and consequences',
  'WG on Arbitrary Detention',
  'WG on Enforced or Involuntary Disappearances',
  'WG on the issue of discrimination against women and girls',
  'IE on the effects of foreign debt',
  'IE on protection against violence and discrimination based on sexual orientation and gender identity',
];
const UHRI_THEMES = [
  'Equality & non-discrimination', 'Discrimination against women', 'Violence against women', 'Right to education', 'Right to health',
  'Right to work', 'Right to social security', 'Administration of justice & fair trial', 'Right to life', 'Migrants',
  'Refugees & asylum seekers', 'Internally displaced persons', 'Indigenous peoples', 'Members of minorities', 'Human rights defenders',
  'Children: definition; general principles; protection', 'Children: juvenile justice', 'Conditions of detention', 'Impunity',
  'Torture and other cruel, inhuman or degrading treatment', 'Freedom of opinion and expression', 'Land & property rights',
  'Persons with disabilities: definition, general principles', 'Sexual & gender-based violence', 'Right to an effective remedy',
];
const PERSONS = [
  'Women & girls', 'Children', 'Girls', 'Persons with disabilities', 'Migrants', 'Refugees & asylum-seekers', 'Indigenous peoples',
  'Persons deprived of their liberty', 'Human rights defenders', 'Persons living in poverty', 'Persons living in rural areas',
  'Judges, lawyers and prosecutors', 'Law enforcement / police officials', 'Minorities', 'Older persons', 'General', 'Media', 'Workers',
];

function sdgLabels(): string[] {
  const xml = readFileSync(fromRoot('data/codelists/UNSDG-Targets.xml'), 'utf8');
  const out: string[] = [];
  for (const m of xml.matchAll(/<code>([^<]+)<\/code>\s*<name>\s*<narrative>([^<]+)<\/narrative>/g)) out.push(`${m[1]} - ${m[2]!.trim()}`);
  return out;
}

function countryNames(): { name: string; alpha3: string }[] {
  const rows = parseCsv(readFileSync(fromRoot('data/reference/countries.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  const names = new Map<string, string>();
  for (const m of readFileSync(fromRoot('data/codelists/Country.xml'), 'utf8').matchAll(/<code>([A-Z]{2})<\/code>\s*<name>\s*<narrative>([^<]+)<\/narrative>/g)) {
    names.set(m[1]!, m[2]!.trim());
  }
  return rows.filter((r) => r.alpha3 && names.has(r.code!)).map((r) => ({ name: names.get(r.code!)!, alpha3: r.alpha3! }));
}

async function generate(path: string, n: number) {
  const upr = (parseCsv(readFileSync(UPR_FILE, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[]).filter(
    (r) => r.From && r.From !== '&#40;Unknown&#41;' && r.Text?.trim(),
  );
  const sdgs = sdgLabels();
  const countries = countryNames();
  const rnd = prng(20261127);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const some = <T>(xs: T[], max: number) => [...new Set(Array.from({ length: 1 + Math.floor(rnd() * max) }, () => pick(xs)))];
  const hex = (k: number) => Array.from({ length: k }, () => Math.floor(rnd() * 16).toString(16)).join('');
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[Math.floor(rnd() * 4)]}${hex(3)}-${hex(12)}`;
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const date = (from: number, to: number) => {
    const d = new Date(Date.UTC(from, 0, 1) + rnd() * (Date.UTC(to, 0, 1) - Date.UTC(from, 0, 1)));
    return `${d.toISOString().slice(0, 10)}T00:00:00`;
  };
  const out = createWriteStream(path);
  const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  await write('[\n');
  for (let i = 0; i < n; i++) {
    const kind = rnd();
    let rec: Record<string, unknown>;
    if (kind < 0.45) {
      const r = pick(upr);
      const session = Number(r.Session) + 20 * Math.floor(rnd() * 2); // sessions 1–40: cycles 1–3
      rec = {
        AnnotationId: uuid(),
        Text: `<p>${100 + Math.floor(rnd() * 60)}.${1 + Math.floor(rnd() * 200)}. ${esc(r.Text!.trim())} (${esc(r.From!)});</p>`,
        Symbol: `A/HRC/${Math.floor(session / 2) + 5}/${1 + Math.floor(rnd() * 20)}`,
        DocumentId: null,
        PublicationDate: date(2008 + Math.floor(session / 3), 2009 + Math.floor(session / 3)),
        AnnotationType: 'Recommendations',
        Body: 'UPR',
        Countries: [r.To],
        Regions: [r['To-Rgrp'] || 'Africa'],
        Themes: some(UHRI_THEMES, 3),
        AffectedPersons: some(PERSONS, 2),
        Sdgs: some(sdgs, 3),
        UprSession: String(session),
        UprRecommendingStates: [r.From],
        UprPosition: r.Response === 'Noted' ? 'Noted' : 'Supported',
      };
    } else {
      const tb = kind < 0.85;
      const c = pick(countries);
      const body = tb ? pick(TB) : pick(SP);
      const paras = Array.from({ length: 2 + Math.floor(rnd() * 3) }, () => pick(upr).Text!.trim().replace(/\s+$/, ''));
      const lead = tb ? 'The Committee recommends that the State party' : 'The Special Rapporteur recommends that the Government';
      const text = `${lead}: ${paras.map((p, k) => `(${'abcd'[k]}) ${p.charAt(0).toLowerCase()}${p.slice(1)};`).join(' ')}`;
      rec = {
        AnnotationId: uuid(),
        Text: `<p>${1 + Math.floor(rnd() * 80)}. ${esc(text)}</p>`,
        Symbol: tb ? TB_SYMBOL[body]!(c.alpha3, 1 + Math.floor(rnd() * 6)) : `A/HRC/${10 + Math.floor(rnd() * 50)}/${20 + Math.floor(rnd() * 40)}/Add.${1 + Math.floor(rnd() * 3)}`,
        DocumentId: hex(8),
        PublicationDate: date(2006, 2026),
        AnnotationType: rnd() < 0.6 ? 'Recommendations' : '- Concerns/Observations',
        Body: body,
        Countries: [c.name],
        Regions: ['Africa'],
        Themes: some(UHRI_THEMES, 4),
        AffectedPersons: some(PERSONS, 3),
        Sdgs: some(sdgs, 4),
        UprSession: null,
        UprRecommendingStates: [],
        UprPosition: null,
      };
    }
    await write(`${i ? ',\n' : ''}${JSON.stringify(rec)}`);
  }
  await write('\n]\n');
  await new Promise<void>((r) => out.end(r));
}

// ---------------------------------------------------------------- measuring (child process)

async function measure(file: string) {
  const { database, drop } = await freshDatabase();
  const db = database.db;
  const t0 = performance.now();
  const report = await importFile(db, 'uhri', file, { mode: 'atomic', dryRun: false });
  const importSeconds = (performance.now() - t0) / 1000;
  if (report.status !== 'succeeded') throw new Error(`${report.status}: ${report.message}`);
  const rss = peakRssMb();
  await db.execute(sql`vacuum analyze recommendations`);
  await db.execute(sql`vacuum analyze recommendation_sources`);

  const [sample] = await queryRows<{ symbol: string; theme: string; person: string }>(
    db,
    sql`select (select document_symbol from recommendations where mechanism = 'TB' limit 1) as symbol,
               (select themes[1] from recommendations where mechanism = 'UPR' limit 1) as theme,
               (select affected_persons[1] from recommendations limit 1) as person`,
  );
  const filters: [string, RecommendationFilters][] = [
    ['(none)', {}],
    ['country=KE', { country: ['KE'] }],
    ['mechanism=TB', { mechanism: 'TB' }],
    ['mechanism=SP', { mechanism: 'SP' }],
    ['body=CRC', { body: 'CRC' }],
    ['cycle=2', { cycle: 2 }],
    ['session=20', { session: 20 }],
    ['response=noted', { response: 'noted' }],
    [`theme=${sample!.theme}`, { theme: sample!.theme }],
    ['recommendingState=FR', { recommendingState: 'FR' }],
    ['instrument=CEDAW', { instrument: 'CEDAW' }],
    [`affectedPerson=${sample!.person}`, { affectedPerson: sample!.person }],
    ['sdg=16', { sdg: '16' }],
    ['sdg=16.3', { sdg: '16.3' }],
    [`documentSymbol=${sample!.symbol}`, { documentSymbol: sample!.symbol }],
    ['annotationType=Concerns/Observations', { annotationType: 'Concerns/Observations' }],
    ['publishedFrom=2024-01-01', { publishedFrom: '2024-01-01' }],
    ['publishedTo=2008-12-31', { publishedTo: '2008-12-31' }],
    ['q=torture', { q: 'torture' }],
  ];
  const queries: { filter: string; total: number; ms: number }[] = [];
  for (const [label, f] of filters) {
    await listRecommendations(db, f, { limit: 50 }); // warm
    const times: number[] = [];
    let total = 0;
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      total = (await listRecommendations(db, f, { limit: 50 })).total;
      times.push(performance.now() - s);
    }
    queries.push({ filter: label, total, ms: times.sort((a, b) => a - b)[2]! });
  }
  const facets: { filter: string; ms: number }[] = [];
  for (const [label, f] of [['country=KE', { country: ['KE'] }], ['(none)', {}]] as [string, RecommendationFilters][]) {
    await facetCounts(db, f);
    const s = performance.now();
    await facetCounts(db, f);
    facets.push({ filter: label, ms: performance.now() - s });
  }
  const [settings] = process.env.DATABASE_URL
    ? await queryRows<{ shared_buffers: string; work_mem: string }>(db, sql`select current_setting('shared_buffers') as shared_buffers, current_setting('work_mem') as work_mem`)
    : [];
  await drop();
  return { records: report.counts.read, inserted: report.counts.inserted, importSeconds, peakRssMb: rss, queries, facets, settings };
}

if (process.argv[2] === 'measure') {
  console.log(JSON.stringify(await measure(process.argv[3]!)));
  process.exit(0);
}

mkdirSync(fromRoot('bench/out'), { recursive: true });
if (!existsSync(OUT)) {
  const g0 = performance.now();
  await generate(OUT, RECORDS);
  console.error(`generated ${OUT} (${(statSync(OUT).size / 1e6).toFixed(0)} MB) in ${((performance.now() - g0) / 1000).toFixed(1)} s`);
}
const engine = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const LOAD_BEFORE = loadavg().map((x) => x.toFixed(1)).join(' ');
// The measuring process runs in a V8 heap capped at HEAP_MB: the import completing inside it is what shows that memory
// stays flat (V8 otherwise grows its heap lazily towards a large default, and RSS with it).
const HEAP_MB = Number(process.env.BENCH_HEAP_MB ?? 160);
const out = execFileSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, '--import', 'tsx', fromRoot('bench/uhri.bench.ts'), 'measure', OUT], {
  encoding: 'utf8',
  env: process.env,
  maxBuffer: 1 << 24,
  stdio: ['ignore', 'pipe', 'inherit'],
});
const r = JSON.parse(out.trim().split('\n').pop()!) as Awaited<ReturnType<typeof measure>>;
const size = statSync(OUT).size / 1e6;
console.log(`engine: ${engine}; node ${process.version}; ${process.env.BENCH_CPUS ?? ''}`);
console.log(`V8 heap capped at ${HEAP_MB} MB; load average before: ${LOAD_BEFORE}; after: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
if (r.settings) console.log(`PostgreSQL shared_buffers ${r.settings.shared_buffers}, work_mem ${r.settings.work_mem}`);
console.log(`| input | records | size | import | rate | peak RSS |`);
console.log('|---|---|---|---|---|---|');
console.log(
  `| UHRI JSON export (generated) | ${r.records.toLocaleString('en')} | ${size.toFixed(0)} MB | ${r.importSeconds.toFixed(1)} s (target < 120 s) | ${Math.round(r.records / r.importSeconds).toLocaleString('en')} /s | ${r.peakRssMb} MB (target < 300 MB) |`,
);
console.log('\n| GET /v1/recommendations filter (limit 50, with total) | total | median of 5 (target < 50 ms) |');
console.log('|---|---|---|');
for (const q of r.queries) console.log(`| ${q.filter} | ${q.total.toLocaleString('en')} | ${q.ms.toFixed(1)} ms${q.ms >= 50 ? ' ✗' : ''} |`);
console.log('\n| GET /v1/facets | time |');
console.log('|---|---|');
for (const f of r.facets) console.log(`| ${f.filter} | ${f.ms.toFixed(0)} ms |`);
