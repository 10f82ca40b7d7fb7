/**
 * Reference data: the IATI / UN codelists bundled in data/codelists, the countries (IATI Country codelist
 * plus ISO alpha-3 from data/reference/countries.csv) and the country-name aliases
 * (data/reference/country-aliases.csv plus the codelist's own names).
 *
 * Loading is idempotent and cheap when nothing changed: a marker (hash of the bundled files and the row
 * counts it produced) is kept as the comment of the codelist_items table, so no schema change is needed.
 * The bundled files are the source of truth; the tables mirror them.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import { SaxesParser } from 'saxes';
import type { Db } from '../db/client.js';
import { queryRows } from '../db/query.js';
import { codelistItems, countries, countryAliases } from '../db/schema.js';
import { DATA_DIR } from '../lib/paths.js';
import { loadObligationsData } from './obligations.importer.js';
import { loadBundledRates } from './rates.importer.js';

/** Bump when the loader's mapping changes, so that stored data is rewritten even if the files did not change. */
const LOADER_VERSION = 1;
const CODELIST_DIR = join(DATA_DIR, 'codelists');
const REFERENCE_DIR = join(DATA_DIR, 'reference');
/** An arbitrary constant: concurrent loaders (several instances starting) take this lock in turn. */
const REFERENCE_LOCK_KEY = 4_817_203_552;
/** Source label of the aliases derived from the IATI Country codelist names. */
const IATI_ALIAS_SOURCE = 'iati-codelist';

export interface CodelistItem {
  list: string;
  code: string;
  name: string;
  nameFr: string | null;
  description: string | null;
  category: string | null;
  withdrawn: boolean;
}

export interface CountryRow {
  code: string;
  alpha3: string | null;
  name: string;
  withdrawn: boolean;
}

export interface AliasRow {
  /** Normalised (see normaliseCountryName). */
  alias: string;
  code: string;
  source: string;
}

// A type alias (not an interface) so that it is assignable to Record<string, number>.
export type ReferenceCounts = {
  codelistItems: number;
  countries: number;
  aliases: number;
};

/**
 * The form country names are compared in: NFKD, diacritics removed, lower case, '&' → 'and',
 * punctuation and symbols → space, spaces collapsed. "Côte d’Ivoire" and "Cote d'Ivoire" → "cote d ivoire".
 */
export function normaliseCountryName(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[\p{P}\p{S}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

// ---------------------------------------------------------------- reading the bundled files

/** Parses one IATI codelist XML file (`<codelist name>` / `<codelist-item>`). */
export function parseCodelistXml(xml: string, fileName = 'codelist'): { list: string; items: CodelistItem[] } {
  const parser = new SaxesParser({ xmlns: false });
  let list = '';
  const items: CodelistItem[] = [];
  const path: string[] = [];
  let item: CodelistItem | null = null;
  let text = '';
  let lang: string | null = null;
  parser.on('opentag', (tag) => {
    path.push(tag.name);
    if (tag.name === 'codelist' && path.length === 1) list = String(tag.attributes.name ?? '');
    if (tag.name === 'codelist-item') {
      item = {
        list,
        code: '',
        name: '',
        nameFr: null,
        description: null,
        category: null,
        withdrawn: tag.attributes.status === 'withdrawn',
      };
    }
    if (tag.name === 'narrative') lang = (tag.attributes['xml:lang'] as string | undefined) ?? null;
    text = '';
  });
  parser.on('text', (t) => {
    text += t;
  });
  parser.on('cdata', (t) => {
    text += t;
  });
  parser.on('closetag', (tag) => {
    const parent = path[path.length - 2];
    const grand = path[path.length - 3];
    if (item) {
      const value = text.replace(/\s+/g, ' ').trim();
      if (tag.name === 'code' && parent === 'codelist-item') item.code = value;
      else if (tag.name === 'category' && parent === 'codelist-item') item.category = value || null;
      else if (tag.name === 'narrative' && grand === 'codelist-item') {
        const en = lang === null || lang === 'en';
        if (parent === 'name') {
          if (en && !item.name) item.name = value;
          else if (lang === 'fr' && !item.nameFr) item.nameFr = value;
        } else if (parent === 'description' && en && !item.description) item.description = value || null;
      } else if (tag.name === 'codelist-item') {
        if (!item.code) throw new Error(`${fileName}: a codelist-item has no code`);
        if (!item.name) item.name = item.code;
        items.push(item);
        item = null;
      }
    }
    path.pop();
    text = '';
  });
  parser.write(xml).close();
  if (!list) throw new Error(`${fileName}: no <codelist name="…"> root`);
  return { list, items };
}

interface BundledFiles {
  hash: string;
  /** Codelist names as the file names give them (Sector.xml → Sector); checked against the XML when parsing. */
  lists: string[];
  codelists: { file: string; xml: string }[];
  countriesCsv: string;
  aliasesCsv: string;
}

function readBundledFiles(): BundledFiles {
  const files = readdirSync(CODELIST_DIR)
    .filter((f) => f.endsWith('.xml'))
    .sort();
  const h = createHash('sha256').update(`loader:${LOADER_VERSION}\n`);
  const codelists = files.map((file) => {
    const buf = readFileSync(join(CODELIST_DIR, file));
    h.update(`${file}\n`).update(buf);
    return { file, xml: buf.toString('utf8') };
  });
  const countriesCsv = readFileSync(join(REFERENCE_DIR, 'countries.csv'), 'utf8');
  const aliasesCsv = readFileSync(join(REFERENCE_DIR, 'country-aliases.csv'), 'utf8');
  h.update('countries.csv\n').update(countriesCsv).update('country-aliases.csv\n').update(aliasesCsv);
  const lists = files.map((f) => f.replace(/\.xml$/, ''));
  return { hash: h.digest('hex'), lists, codelists, countriesCsv, aliasesCsv };
}

export interface ReferenceData {
  hash: string;
  codelistItems: CodelistItem[];
  countries: CountryRow[];
  aliases: AliasRow[];
  /** The codelists the bundle holds (list names). */
  lists: string[];
}

const ALIAS_SOURCE_PRIORITY = (source: string) =>
  source === 'i18n-iso-countries' ? 2 : source === IATI_ALIAS_SOURCE ? 1 : 0;

/** Builds the rows from the bundled files (pure; no database). */
export function buildReferenceData(files: BundledFiles = readBundledFiles()): ReferenceData {
  const items: CodelistItem[] = [];
  const lists: string[] = [];
  for (const { file, xml } of files.codelists) {
    const parsed = parseCodelistXml(xml, file);
    if (`${parsed.list}.xml` !== file) throw new Error(`${file}: codelist name ${parsed.list} differs from the file name`);
    lists.push(parsed.list);
    items.push(...parsed.items);
  }
  const alpha3 = new Map<string, string>();
  for (const r of parseCsv(files.countriesCsv, { columns: true, skip_empty_lines: true }) as Record<string, string>[]) {
    if (r.code && r.alpha3) alpha3.set(r.code, r.alpha3);
  }
  const countryRows: CountryRow[] = items
    .filter((i) => i.list === 'Country')
    .map((i) => ({ code: i.code, alpha3: alpha3.get(i.code) ?? null, name: i.name, withdrawn: i.withdrawn }));
  const known = new Set(countryRows.map((c) => c.code));

  // Curated spellings first (UPR Info, OHCHR), then the IATI names, then i18n-iso-countries.
  const candidates: AliasRow[] = [];
  for (const r of parseCsv(files.aliasesCsv, { columns: true, skip_empty_lines: true }) as Record<string, string>[]) {
    const alias = normaliseCountryName(r.alias ?? '');
    if (alias && r.code && known.has(r.code)) candidates.push({ alias, code: r.code, source: r.source || 'curated' });
  }
  for (const c of countryRows) candidates.push({ alias: normaliseCountryName(c.name), code: c.code, source: IATI_ALIAS_SOURCE });
  candidates.sort((a, b) => ALIAS_SOURCE_PRIORITY(a.source) - ALIAS_SOURCE_PRIORITY(b.source)); // stable
  const aliases = new Map<string, AliasRow>();
  for (const a of candidates) if (a.alias && !aliases.has(a.alias)) aliases.set(a.alias, a);

  return { hash: files.hash, codelistItems: items, countries: countryRows, aliases: [...aliases.values()], lists };
}

// ---------------------------------------------------------------- loading into the database

interface Marker {
  hash: string;
  counts: ReferenceCounts;
}

async function readState(db: Db, lists: string[]): Promise<{ marker: Marker | null; counts: ReferenceCounts }> {
  const listFilter = lists.length
    ? sql`where list in (${sql.join(
        lists.map((l) => sql`${l}`),
        sql`, `,
      )})`
    : sql``;
  const [row] = await queryRows<{ marker: string | null; items: string; countries: string; aliases: string }>(
    db,
    sql`select obj_description('codelist_items'::regclass, 'pg_class') as marker,
          (select count(*) from codelist_items ${listFilter}) as items,
          (select count(*) from countries) as countries,
          (select count(*) from country_aliases) as aliases`,
  );
  let marker: Marker | null = null;
  try {
    const m = row?.marker ? (JSON.parse(row.marker) as { referenceData?: Marker }) : null;
    marker = m?.referenceData ?? null;
  } catch {
    marker = null;
  }
  return {
    marker,
    counts: { codelistItems: Number(row?.items ?? 0), countries: Number(row?.countries ?? 0), aliases: Number(row?.aliases ?? 0) },
  };
}

const upToDate = (state: { marker: Marker | null; counts: ReferenceCounts }, hash: string) =>
  state.marker?.hash === hash &&
  state.marker.counts.codelistItems === state.counts.codelistItems &&
  state.marker.counts.countries <= state.counts.countries &&
  state.marker.counts.aliases <= state.counts.aliases;

const ex = (column: string) => sql.raw(`excluded.${column}`);

/**
 * Upserts the bundled codelists, countries and aliases. Cheap when already loaded (one query plus a hash
 * of the bundled files). Returns the number of rows of each kind the bundle holds.
 */
/**
 * Every bundled reference table: codelists, countries and aliases, then the default exchange rates.
 * Idempotent and cheap when nothing changed; it runs at every start and in every test database.
 */
export async function loadReferenceData(db: Db) {
  const counts = await loadCodelists(db);
  const obligations = await loadObligationsData(db);
  const rates = await loadBundledRates(db);
  return {
    ...counts,
    instruments: obligations.instruments,
    ratifications: obligations.ratifications,
    crosswalkRows: obligations.crosswalk,
    exchangeRates: rates.rates,
  };
}

/** The IATI / UN codelists, the countries and the country-name aliases. */
export async function loadCodelists(db: Db): Promise<ReferenceCounts> {
  const files = readBundledFiles();
  // Fast path: the marker says these exact files were loaded and the rows are still there.
  const state = await readState(db, files.lists);
  if (upToDate(state, files.hash)) return state.marker!.counts;

  const data = buildReferenceData(files);
  const counts: ReferenceCounts = {
    codelistItems: data.codelistItems.length,
    countries: data.countries.length,
    aliases: data.aliases.length,
  };
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${REFERENCE_LOCK_KEY})`);
    const state = await readState(tx as unknown as Db, data.lists);
    if (upToDate(state, data.hash)) return; // another instance loaded it meanwhile
    for (let i = 0; i < data.codelistItems.length; i += 500) {
      await tx
        .insert(codelistItems)
        .values(data.codelistItems.slice(i, i + 500))
        .onConflictDoUpdate({
          target: [codelistItems.list, codelistItems.code],
          set: {
            name: ex('name'),
            nameFr: ex('name_fr'),
            description: ex('description'),
            category: ex('category'),
            withdrawn: ex('withdrawn'),
          },
        });
    }
    await tx
      .insert(countries)
      .values(data.countries)
      .onConflictDoUpdate({
        target: countries.code,
        set: { alpha3: ex('alpha3'), name: ex('name'), withdrawn: ex('withdrawn') },
      });
    for (let i = 0; i < data.aliases.length; i += 500) {
      await tx
        .insert(countryAliases)
        .values(data.aliases.slice(i, i + 500))
        .onConflictDoUpdate({ target: countryAliases.alias, set: { code: ex('code'), source: ex('source') } });
    }
    const marker = JSON.stringify({ referenceData: { hash: data.hash, counts } }).replace(/'/g, "''");
    await tx.execute(sql.raw(`comment on table codelist_items is '${marker}'`));
  });
  return counts;
}

// ---------------------------------------------------------------- resolving country names

export type CountryResolver = (name: string) => string | undefined;

/** A resolver over a map of normalised alias → alpha-2 (plus the set of valid codes, matched as written). */
export function makeCountryResolver(aliases: Map<string, string>, codes: Iterable<string> = []): CountryResolver {
  const codeSet = new Set(codes);
  return (name: string) => {
    const trimmed = name.trim();
    if (/^[A-Z]{2}$/.test(trimmed) && codeSet.has(trimmed)) return trimmed;
    return aliases.get(normaliseCountryName(trimmed));
  };
}

/** Reads countries and aliases once from the database and answers from memory. */
export async function loadCountryResolver(db: Db): Promise<CountryResolver> {
  const aliases = await db.select({ alias: countryAliases.alias, code: countryAliases.code }).from(countryAliases);
  const codes = await db.select({ code: countries.code }).from(countries);
  return makeCountryResolver(new Map(aliases.map((a) => [a.alias, a.code])), codes.map((c) => c.code));
}

let bundled: CountryResolver | undefined;
/**
 * The same resolver built from the bundled files alone (no database): what loadReferenceData writes.
 * Importers use it while parsing, before they have a database handle.
 */
export function bundledCountryResolver(): CountryResolver {
  if (!bundled) {
    const data = buildReferenceData();
    bundled = makeCountryResolver(
      new Map(data.aliases.map((a) => [a.alias, a.code])),
      data.countries.map((c) => c.code),
    );
  }
  return bundled;
}

/** Resolves one name to ISO alpha-2: against a preloaded alias map / resolver, or with one query. */
export function resolveCountry(source: Map<string, string> | CountryResolver, name: string): string | undefined;
export function resolveCountry(source: Db, name: string): Promise<string | undefined>;
export function resolveCountry(
  source: Db | Map<string, string> | CountryResolver,
  name: string,
): string | undefined | Promise<string | undefined> {
  if (source instanceof Map) return source.get(normaliseCountryName(name));
  if (typeof source === 'function') return source(name);
  return queryRows<{ code: string }>(
    source,
    sql`select code from country_aliases where alias = ${normaliseCountryName(name)}
        union all select code from countries where code = ${name.trim()} limit 1`,
  ).then((rows) => rows[0]?.code);
}
