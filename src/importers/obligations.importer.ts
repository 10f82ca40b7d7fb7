/**
 * The obligations data: instruments (data/reference/instruments.csv), ratification status per country
 * (data/ratification: the 18 hr_status_*.csv files and OHCHR's ICESCR table) and the theme → instrument
 * crosswalk (data/crosswalks). The bundled files are the source of truth; the tables mirror them.
 *
 * Ratification sources are never merged: every source's row is kept (country, instrument, source), and
 * where two sources disagree the disagreement is reported (summariseRatification), never resolved silently.
 *
 * Loading is idempotent and cheap when nothing changed: a marker (hash of the files and the row counts it
 * produced) is kept as the comment of the instruments table, as loadReferenceData does for codelists.
 * Country names are resolved with the bundled alias table, so load this after loadReferenceData.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { getTableColumns, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { queryRows } from '../db/query.js';
import { instruments, ratifications, themeInstrument, themeUnmapped } from '../db/schema.js';
import { DATA_DIR } from '../lib/paths.js';
import { bundledCountryResolver, type CountryResolver } from './reference.importer.js';

/** Bump when the loader's mapping changes, so that stored data is rewritten even if the files did not change. */
const LOADER_VERSION = 1;
const INSTRUMENTS_CSV = join(DATA_DIR, 'reference', 'instruments.csv');
const RATIFICATION_DIR = join(DATA_DIR, 'ratification');
const CROSSWALK_DIR = join(DATA_DIR, 'crosswalks');
const OHCHR_ICESCR_FILE = 'ohchr_ICESCR_status_lastupdated-2025-10-10.csv';
/** An arbitrary constant (next to the reference-data lock): concurrent loaders take it in turn. */
const OBLIGATIONS_LOCK_KEY = 4_817_203_553;
/** ISO codes the hr_status files still use that ISO has since replaced (TP → TL, East Timor, 2002). */
const LEGACY_CODES: Record<string, string> = { TP: 'TL' };

export const STATUSES = ['party', 'signatory', 'none'] as const;
export type RatificationStatus = (typeof STATUSES)[number];
export const VOCABULARIES = ['upr-info', 'uhri'] as const;
export type Vocabulary = (typeof VOCABULARIES)[number];

/** The ratification sources, newest last; `asOf` is the date each describes the situation at. */
export const RATIFICATION_SOURCES = {
  'hr-status': {
    asOf: '2022-08-25',
    title: 'world-politics-datalab/humanrights-treaties-ratification-status (compiled from the UN Treaty Collection)',
  },
  ohchr: {
    asOf: '2025-10-10',
    title: 'OHCHR, Status of ratification: ICESCR (UN Office of Legal Affairs treaty database)',
  },
} as const;
export type RatificationSource = keyof typeof RATIFICATION_SOURCES;

export type InstrumentRow = typeof instruments.$inferInsert;
export type RatificationRow = typeof ratifications.$inferInsert;
export type CrosswalkRow = typeof themeInstrument.$inferInsert;
export type UnmappedRow = typeof themeUnmapped.$inferInsert;

export interface LoadProblem {
  file: string;
  line: number;
  message: string;
}

// ---------------------------------------------------------------- reading the bundled files

interface ObligationFiles {
  hash: string;
  instrumentsCsv: string;
  hrStatus: Map<string, string>;
  ohchrCsv: string;
  crosswalkCsv: string;
  unmappedCsv: string;
}

function readObligationFiles(): ObligationFiles {
  const h = createHash('sha256').update(`obligations-loader:${LOADER_VERSION}\n`);
  const read = (path: string, label: string) => {
    const text = readFileSync(path, 'utf8');
    h.update(`${label}\n`).update(text);
    return text;
  };
  const instrumentsCsv = read(INSTRUMENTS_CSV, 'instruments.csv');
  const hrStatus = new Map<string, string>();
  for (const f of readdirSync(RATIFICATION_DIR).filter((f) => /^hr_status_.+\.csv$/.test(f)).sort()) {
    hrStatus.set(f.replace(/^hr_status_|\.csv$/g, ''), read(join(RATIFICATION_DIR, f), f));
  }
  const ohchrCsv = read(join(RATIFICATION_DIR, OHCHR_ICESCR_FILE), OHCHR_ICESCR_FILE);
  const crosswalkCsv = read(join(CROSSWALK_DIR, 'theme-instrument.csv'), 'theme-instrument.csv');
  const unmappedCsv = read(join(CROSSWALK_DIR, 'theme-unmapped.csv'), 'theme-unmapped.csv');
  return { hash: h.digest('hex'), instrumentsCsv, hrStatus, ohchrCsv, crosswalkCsv, unmappedCsv };
}

const csvRows = (text: string) =>
  parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[];

// ---------------------------------------------------------------- pure builders

export interface BuiltInstruments {
  rows: InstrumentRow[];
  /** hr_status file stem (icescr_op) → instrument code (ICESCR-OP). */
  hrStatusFiles: Map<string, string>;
}

export function buildInstruments(text: string): BuiltInstruments {
  const rows: InstrumentRow[] = [];
  const hrStatusFiles = new Map<string, string>();
  csvRows(text).forEach((r, i) => {
    const line = i + 2;
    if (!r.code || !r.name || !r.body || !r.adopted_on) throw new Error(`instruments.csv line ${line}: code, name, body and adopted_on are required`);
    if (r.kind !== 'core' && r.kind !== 'protocol') throw new Error(`instruments.csv line ${line}: kind must be core or protocol`);
    rows.push({
      code: r.code,
      position: rows.length + 1,
      name: r.name,
      shortName: r.short_name || r.code,
      kind: r.kind,
      parent: r.parent || null,
      body: r.body,
      bodyName: r.body_name || r.body,
      recommendationBody: r.recommendation_body || null,
      adoptedOn: r.adopted_on,
    });
    if (r.hr_status_file) hrStatusFiles.set(r.hr_status_file, r.code);
  });
  const codes = new Set(rows.map((r) => r.code));
  for (const r of rows) {
    if (r.parent && !codes.has(r.parent)) throw new Error(`instruments.csv: ${r.code} has an unknown parent ${r.parent}`);
  }
  const bodies = rows.map((r) => r.recommendationBody).filter(Boolean);
  if (new Set(bodies).size !== bodies.length) throw new Error('instruments.csv: a recommendation_body names two instruments');
  return { rows, hrStatusFiles };
}

const HR_STATUS: Record<string, RatificationStatus> = { 'state party': 'party', 'signatory state': 'signatory', 'no action': 'none' };

export interface BuiltRatifications {
  rows: RatificationRow[];
  problems: LoadProblem[];
}

/**
 * hr_status_*.csv: the `status` text is the truth (its 0/1 columns disagree with it on 11 rows, e.g. Tanzania's
 * CAT row has all three flags 0). The iso2 column is used where it is a current code, else the name.
 * OHCHR ICESCR: party when a ratification/accession date is given, else signatory when signed, else none.
 */
export function buildRatifications(
  files: Pick<ObligationFiles, 'hrStatus' | 'ohchrCsv'>,
  hrStatusFiles: Map<string, string>,
  resolve: CountryResolver,
): BuiltRatifications {
  const rows: RatificationRow[] = [];
  const problems: LoadProblem[] = [];
  for (const [stem, text] of files.hrStatus) {
    const file = `hr_status_${stem}.csv`;
    const instrument = hrStatusFiles.get(stem);
    if (!instrument) {
      problems.push({ file, line: 0, message: 'no instrument in instruments.csv names this file (hr_status_file); skipped' });
      continue;
    }
    csvRows(text).forEach((r, i) => {
      const line = i + 2;
      const given = (r.iso2 ?? '').toUpperCase();
      // The resolver answers a current alpha-2 code as itself.
      const country = (/^[A-Z]{2}$/.test(given) ? resolve(given) : undefined) ?? LEGACY_CODES[given] ?? resolve(r.member ?? '');
      const status = HR_STATUS[(r.status ?? '').toLowerCase()];
      if (!country) return void problems.push({ file, line, message: `country ${r.iso2} "${r.member}" not recognised; skipped` });
      if (!status) return void problems.push({ file, line, message: `status "${r.status}" not recognised; skipped` });
      const year = r['year ratification or accession'] ? Number(r['year ratification or accession']) : null;
      rows.push({
        country,
        instrument,
        source: 'hr-status',
        sourceAsOf: RATIFICATION_SOURCES['hr-status'].asOf,
        status,
        date: null,
        year: status === 'party' && Number.isInteger(year) ? year : null,
        signedOn: null,
        sourceName: r.member ?? '',
        note: r.note || null,
      });
    });
  }
  csvRows(files.ohchrCsv).forEach((r, i) => {
    const line = i + 2;
    const name = r.Country ?? '';
    const country = resolve(name);
    if (!country) return void problems.push({ file: OHCHR_ICESCR_FILE, line, message: `"${name}" is not a State the country table knows; skipped` });
    const ratified = r['Date of Ratification/Accession'] || null;
    const signed = r['Date of Signature'] || null;
    const communications = r['Date of acceptance of individual communications procedure'];
    const inquiry = r['Date of acceptance of inquiry procedure'];
    const notes = [
      communications ? `individual communications procedure accepted ${communications}` : '',
      inquiry ? `inquiry procedure accepted ${inquiry}` : '',
    ].filter(Boolean);
    const status: RatificationStatus = ratified ? 'party' : signed ? 'signatory' : 'none';
    const date = ratified ?? signed;
    rows.push({
      country,
      instrument: 'ICESCR',
      source: 'ohchr',
      sourceAsOf: RATIFICATION_SOURCES.ohchr.asOf,
      status,
      date,
      year: date ? Number(date.slice(0, 4)) : null,
      signedOn: signed,
      sourceName: name,
      note: notes.length ? notes.join('; ') : null,
    });
  });
  // One row per key: a second row for the same country, instrument and source is a data error worth seeing.
  const seen = new Set<string>();
  const unique = rows.filter((r) => {
    const k = `${r.country}|${r.instrument}|${r.source}`;
    if (seen.has(k)) {
      problems.push({ file: r.source, line: 0, message: `${r.country} ${r.instrument} appears twice in ${r.source}; the first row is kept` });
      return false;
    }
    seen.add(k);
    return true;
  });
  return { rows: unique, problems };
}

export interface BuiltCrosswalk {
  rows: CrosswalkRow[];
  unmapped: UnmappedRow[];
}

const articleOrder = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/** Reads and checks the crosswalk: known instruments, a reason on every row, no theme both mapped and unmapped. */
export function buildCrosswalk(crosswalkCsv: string, unmappedCsv: string, instrumentCodes: Set<string>): BuiltCrosswalk {
  const isVocabulary = (v: string): v is Vocabulary => (VOCABULARIES as readonly string[]).includes(v);
  const rows: CrosswalkRow[] = [];
  const keys = new Set<string>();
  csvRows(crosswalkCsv).forEach((r, i) => {
    const where = `theme-instrument.csv line ${i + 2}`;
    if (!isVocabulary(r.vocabulary ?? '')) throw new Error(`${where}: vocabulary must be one of ${VOCABULARIES.join(', ')}`);
    if (!r.theme || !r.reason) throw new Error(`${where}: theme and reason are required`);
    if (!instrumentCodes.has(r.instrument ?? '')) throw new Error(`${where}: unknown instrument ${r.instrument}`);
    const key = `${r.vocabulary}|${r.theme}|${r.instrument}`;
    if (keys.has(key)) throw new Error(`${where}: ${r.theme} → ${r.instrument} is listed twice`);
    keys.add(key);
    const articles = [...new Set((r.articles ?? '').split(';').map((a) => a.trim()).filter(Boolean))].sort(articleOrder);
    rows.push({ vocabulary: r.vocabulary!, theme: r.theme, instrument: r.instrument!, articles, reason: r.reason });
  });
  const mapped = new Set(rows.map((r) => `${r.vocabulary}|${r.theme}`));
  const unmapped: UnmappedRow[] = [];
  csvRows(unmappedCsv).forEach((r, i) => {
    const where = `theme-unmapped.csv line ${i + 2}`;
    if (!isVocabulary(r.vocabulary ?? '')) throw new Error(`${where}: vocabulary must be one of ${VOCABULARIES.join(', ')}`);
    if (!r.theme || !r.reason) throw new Error(`${where}: theme and reason are required`);
    if (mapped.has(`${r.vocabulary}|${r.theme}`)) throw new Error(`${where}: ${r.theme} is both mapped and unmapped`);
    unmapped.push({ vocabulary: r.vocabulary!, theme: r.theme, reason: r.reason });
  });
  // Recommendations do not say which vocabulary their themes come from, so a name both vocabularies use
  // must map the same way in each.
  const signature = new Map<string, Map<string, string>>();
  for (const r of rows) {
    const byVocab = signature.get(r.theme) ?? new Map<string, string>();
    byVocab.set(r.vocabulary, [...(byVocab.get(r.vocabulary)?.split(' ') ?? []), `${r.instrument}:${(r.articles ?? []).join(',')}`].sort().join(' '));
    signature.set(r.theme, byVocab);
  }
  for (const u of unmapped) {
    const byVocab = signature.get(u.theme) ?? new Map<string, string>();
    byVocab.set(u.vocabulary, byVocab.get(u.vocabulary) ?? '');
    signature.set(u.theme, byVocab);
  }
  for (const [theme, byVocab] of signature) {
    if (new Set(byVocab.values()).size > 1) throw new Error(`crosswalk: "${theme}" maps differently in ${[...byVocab.keys()].join(' and ')}`);
  }
  return { rows, unmapped };
}

// ---------------------------------------------------------------- comparing sources

export interface SourceStatus {
  source: string;
  sourceAsOf: string;
  status: string;
  date: string | null;
  year: number | null;
  signedOn?: string | null;
  note?: string | null;
}

export interface RatificationSummary {
  status: RatificationStatus | null;
  date: string | null;
  year: number | null;
  /** The source the status was taken from: the most recently compiled one. */
  statusSource: string | null;
  disagreement: boolean;
  /** What differs, in words (empty when the sources agree). */
  disagreements: string[];
}

const describe = (s: SourceStatus) =>
  `${s.source} (as of ${s.sourceAsOf}): ${s.status}${s.date ? ` ${s.date}` : s.year ? ` ${s.year}` : ''}`;

/**
 * One country's rows for one instrument → its status. The sources disagree when their statuses differ, or
 * when both say party but in different years. The status shown is the most recent source's; the others
 * stay visible beside it, with the disagreement spelled out.
 */
export function summariseRatification(rows: SourceStatus[]): RatificationSummary {
  if (!rows.length) return { status: null, date: null, year: null, statusSource: null, disagreement: false, disagreements: [] };
  const byRecency = [...rows].sort((a, b) => b.sourceAsOf.localeCompare(a.sourceAsOf) || a.source.localeCompare(b.source));
  const latest = byRecency[0]!;
  const disagreements: string[] = [];
  for (const other of byRecency.slice(1)) {
    if (other.status !== latest.status) disagreements.push(`status: ${describe(latest)}; ${describe(other)}`);
    else if (latest.status === 'party' && latest.year !== null && other.year !== null && latest.year !== other.year)
      disagreements.push(`year: ${describe(latest)}; ${describe(other)}`);
  }
  // When they agree, show the most precise date any of them gives.
  const dated = disagreements.length ? latest : (byRecency.find((r) => r.date) ?? latest);
  return {
    status: latest.status as RatificationStatus,
    date: dated.date,
    year: dated.year ?? latest.year,
    statusSource: latest.source,
    disagreement: disagreements.length > 0,
    disagreements,
  };
}

export interface Disagreement {
  country: string;
  instrument: string;
  detail: string[];
}

/** Every (country, instrument) whose sources disagree. */
export function ratificationDisagreements(rows: RatificationRow[]): Disagreement[] {
  const groups = new Map<string, RatificationRow[]>();
  for (const r of rows) {
    const k = `${r.country}|${r.instrument}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const out: Disagreement[] = [];
  for (const [k, group] of groups) {
    if (group.length < 2) continue;
    const s = summariseRatification(group.map((r) => ({ ...r, date: r.date ?? null, year: r.year ?? null })));
    if (s.disagreement) {
      const [country, instrument] = k.split('|') as [string, string];
      out.push({ country, instrument, detail: s.disagreements });
    }
  }
  return out.sort((a, b) => a.country.localeCompare(b.country) || a.instrument.localeCompare(b.instrument));
}

// ---------------------------------------------------------------- writing

async function insertChunks<T>(rows: T[], write: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += 500) await write(rows.slice(i, i + 500));
}

const ex = (column: string) => sql.raw(`excluded.${column}`);

async function writeInstruments(db: Db, rows: InstrumentRow[]) {
  await db
    .insert(instruments)
    .values(rows)
    .onConflictDoUpdate({
      target: instruments.code,
      set: {
        position: ex('position'),
        name: ex('name'),
        shortName: ex('short_name'),
        kind: ex('kind'),
        parent: ex('parent'),
        body: ex('body'),
        bodyName: ex('body_name'),
        recommendationBody: ex('recommendation_body'),
        adoptedOn: ex('adopted_on'),
      },
    });
  const keep = rows.map((r) => sql`${r.code}`);
  await db.execute(sql`delete from instruments where code not in (${sql.join(keep, sql`, `)})`);
}

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

async function writeRatifications(db: Db, rows: RatificationRow[]) {
  await db.delete(ratifications);
  // One JSON parameter instead of 3,700 × 10 bound values: five times faster on PGlite, and this runs at
  // every test setup.
  const columns = Object.keys(getTableColumns(ratifications)).map(snake);
  const json = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [snake(k), v ?? null])));
  const list = sql.raw(columns.join(', '));
  await db.execute(
    sql`insert into ratifications (${list}) select ${list} from json_populate_recordset(null::ratifications, ${JSON.stringify(json)}::json)`,
  );
}

async function writeCrosswalk(db: Db, built: BuiltCrosswalk) {
  await db.delete(themeInstrument);
  await db.delete(themeUnmapped);
  await insertChunks(built.rows, (chunk) => db.insert(themeInstrument).values(chunk));
  await insertChunks(built.unmapped, (chunk) => db.insert(themeUnmapped).values(chunk));
}

// ---------------------------------------------------------------- the loaders

export interface RatificationReport {
  instruments: number;
  ratifications: number;
  bySource: Record<string, number>;
  disagreements: Disagreement[];
  problems: LoadProblem[];
}

/** Upserts the instruments of data/reference/instruments.csv (and drops any the file no longer lists). */
export async function loadInstruments(db: Db): Promise<number> {
  const { rows } = buildInstruments(readObligationFiles().instrumentsCsv);
  await db.transaction(async (tx) => writeInstruments(tx as unknown as Db, rows));
  return rows.length;
}

function buildRatificationReport(files: ObligationFiles): { built: BuiltInstruments; rat: BuiltRatifications; report: RatificationReport } {
  const built = buildInstruments(files.instrumentsCsv);
  const rat = buildRatifications(files, built.hrStatusFiles, bundledCountryResolver());
  const bySource: Record<string, number> = {};
  for (const r of rat.rows) bySource[r.source] = (bySource[r.source] ?? 0) + 1;
  return {
    built,
    rat,
    report: {
      instruments: built.rows.length,
      ratifications: rat.rows.length,
      bySource,
      disagreements: ratificationDisagreements(rat.rows),
      problems: rat.problems,
    },
  };
}

/**
 * Replaces the ratification rows with the bundled files' (instruments upserted first). Returns what was
 * loaded, the disagreements between sources and the rows that could not be used.
 */
export async function loadRatification(db: Db): Promise<RatificationReport> {
  const { built, rat, report } = buildRatificationReport(readObligationFiles());
  await db.transaction(async (tx) => {
    await writeInstruments(tx as unknown as Db, built.rows);
    await writeRatifications(tx as unknown as Db, rat.rows);
  });
  return report;
}

/** Replaces the crosswalk (mapped and deliberately unmapped themes) with data/crosswalks'. */
export async function loadCrosswalk(db: Db): Promise<{ rows: number; unmapped: number }> {
  const files = readObligationFiles();
  const built = buildInstruments(files.instrumentsCsv);
  const cw = buildCrosswalk(files.crosswalkCsv, files.unmappedCsv, new Set(built.rows.map((r) => r.code)));
  await db.transaction(async (tx) => {
    await writeInstruments(tx as unknown as Db, built.rows);
    await writeCrosswalk(tx as unknown as Db, cw);
  });
  return { rows: cw.rows.length, unmapped: cw.unmapped.length };
}

// A type alias (not an interface) so that it is assignable to Record<string, number>.
export type ObligationCounts = {
  instruments: number;
  ratifications: number;
  crosswalk: number;
  unmapped: number;
};

interface Marker {
  hash: string;
  counts: ObligationCounts;
}

async function readState(db: Db): Promise<{ marker: Marker | null; counts: ObligationCounts }> {
  const [row] = await queryRows<{ marker: string | null; i: string; r: string; c: string; u: string }>(
    db,
    sql`select obj_description('instruments'::regclass, 'pg_class') as marker,
          (select count(*) from instruments) as i, (select count(*) from ratifications) as r,
          (select count(*) from theme_instrument) as c, (select count(*) from theme_unmapped) as u`,
  );
  let marker: Marker | null = null;
  try {
    marker = row?.marker ? ((JSON.parse(row.marker) as { obligationsData?: Marker }).obligationsData ?? null) : null;
  } catch {
    marker = null;
  }
  return {
    marker,
    counts: { instruments: Number(row?.i ?? 0), ratifications: Number(row?.r ?? 0), crosswalk: Number(row?.c ?? 0), unmapped: Number(row?.u ?? 0) },
  };
}

const upToDate = (s: { marker: Marker | null; counts: ObligationCounts }, hash: string) =>
  s.marker?.hash === hash &&
  (Object.keys(s.counts) as (keyof ObligationCounts)[]).every((k) => s.marker!.counts[k] === s.counts[k]);

/**
 * Loads instruments, ratification and crosswalk from the bundle when they changed (or `force`). Cheap when
 * already loaded: one query plus a hash of the files. Safe to run at every start and from several
 * instances at once (advisory lock). Run it after loadReferenceData.
 */
export async function loadObligationsData(db: Db, opts: { force?: boolean } = {}): Promise<ObligationCounts & { report?: RatificationReport }> {
  const files = readObligationFiles();
  const state = await readState(db);
  if (!opts.force && upToDate(state, files.hash)) return state.marker!.counts;

  const { built, rat, report } = buildRatificationReport(files);
  const cw = buildCrosswalk(files.crosswalkCsv, files.unmappedCsv, new Set(built.rows.map((r) => r.code)));
  const counts: ObligationCounts = {
    instruments: built.rows.length,
    ratifications: rat.rows.length,
    crosswalk: cw.rows.length,
    unmapped: cw.unmapped.length,
  };
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await t.execute(sql`select pg_advisory_xact_lock(${OBLIGATIONS_LOCK_KEY})`);
    if (!opts.force && upToDate(await readState(t), files.hash)) return; // another instance loaded it meanwhile
    await writeInstruments(t, built.rows);
    await writeRatifications(t, rat.rows);
    await writeCrosswalk(t, cw);
    const marker = JSON.stringify({ obligationsData: { hash: files.hash, counts } }).replace(/'/g, "''");
    await t.execute(sql.raw(`comment on table instruments is '${marker}'`));
  });
  return { ...counts, report };
}

/** `npm run cli -- import ratification`: reloads the bundled obligations data and reports on it. */
export async function importRatification(db: Db): Promise<RatificationReport> {
  const result = await loadObligationsData(db, { force: true });
  return result.report!;
}

/** The CLI's text for a RatificationReport. */
export function formatRatificationReport(r: RatificationReport): string[] {
  const lines = [
    `ratification: ${r.instruments} instruments, ${r.ratifications} country rows (${Object.entries(r.bySource)
      .map(([s, n]) => `${s} ${n}`)
      .join(', ')})`,
    `${r.disagreements.length} disagreement(s) between sources:`,
    ...r.disagreements.map((d) => `  ${d.country} ${d.instrument}: ${d.detail.join(' | ')}`),
  ];
  if (r.problems.length) lines.push(`${r.problems.length} row(s) not used:`, ...r.problems.map((p) => `  ${p.file}${p.line ? ` line ${p.line}` : ''}: ${p.message}`));
  return lines;
}
