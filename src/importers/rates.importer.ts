/**
 * Annual exchange rates against the US dollar, as CSV with the header `currency,year,unitsPerUsd,source`
 * (columns in any order, others ignored). Used for the bundled defaults (data/exchange-rates/annual-rates.csv,
 * origin `bundled`) and for rates an admin posts (origin `loaded`); both go through runImport, so every load is
 * an import run (kind `exchange-rates`, with the file's sha256) that coverage answers can cite.
 * Precedence between the two origins is explained on the exchange_rates table (src/db/schema/rates.ts).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pipeline, Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import { csvFatal } from './csv.js';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { queryRows } from '../db/query.js';
import { exchangeRates } from '../db/schema.js';
import { fromRoot } from '../lib/paths.js';
import { FatalImportError, runImport, type ImportContext, type Importer, type Outcome, type Parsed, type Problem, type RunReport } from './run.js';

export const RATES_KIND = 'exchange-rates';
export const RATE_COLUMNS = ['currency', 'year', 'unitsPerUsd', 'source'] as const;
export const BUNDLED_RATES_FILE = 'data/exchange-rates/annual-rates.csv';
/** Bump when the loader's mapping changes, so that the bundled rows are rewritten even if the file did not change. */
const BUNDLED_LOADER_VERSION = 1;
export const MIN_RATE_YEAR = 1960;
export const MAX_RATE_YEAR = 2100;
/** The base currency: 1 per USD in every year, never stored. */
export const BASE_CURRENCY = 'USD';

export type RateOrigin = 'bundled' | 'loaded';

export interface RateRecord {
  currency: string;
  year: number;
  /** The decimal as written (PostgreSQL numeric reads it exactly, exponent included). */
  unitsPerUsd: string;
  source: string;
  /** A USD row (which must say 1): accepted, counted as unchanged, not stored. */
  base?: boolean;
}

export interface RatesImporterOptions {
  origin: RateOrigin;
  /** ISO 4217 codes to accept (the IATI Currency codelist); any three upper-case letters when absent or empty. */
  currencies?: ReadonlySet<string>;
}

const DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?$/;
const MAX_SOURCE_LENGTH = 300;

type Columns = Record<(typeof RATE_COLUMNS)[number], number>;

function readHeader(fields: string[]): Columns {
  const at = new Map(fields.map((f, i) => [f.trim().replace(/^\ufeff/, '').toLowerCase(), i]));
  const missing = RATE_COLUMNS.filter((c) => !at.has(c.toLowerCase()));
  if (missing.length) {
    throw new FatalImportError(
      `The header must name the columns ${RATE_COLUMNS.join(', ')}; missing: ${missing.join(', ')}.`,
      1,
      missing[0],
    );
  }
  return Object.fromEntries(RATE_COLUMNS.map((c) => [c, at.get(c.toLowerCase())!])) as Columns;
}

/** Validates one data row; every bad field is a problem of its own. */
export function toRateRecord(fields: string[], line: number, cols: Columns, currencies?: ReadonlySet<string>): Parsed<RateRecord> {
  const problems: Problem[] = [];
  const err = (field: string, message: string) => problems.push({ severity: 'error', field, message });
  const get = (c: keyof Columns) => (fields[cols[c]] ?? '').trim();

  const currency = get('currency');
  if (!/^[A-Z]{3}$/.test(currency)) err('currency', `"${currency}" is not an ISO 4217 code (three upper-case letters)`);
  else if (currency !== BASE_CURRENCY && currencies?.size && !currencies.has(currency)) {
    err('currency', `"${currency}" is not in the IATI Currency codelist`);
  }

  const yearRaw = get('year');
  const year = /^\d{4}$/.test(yearRaw) ? Number(yearRaw) : NaN;
  if (!(year >= MIN_RATE_YEAR && year <= MAX_RATE_YEAR)) err('year', `"${yearRaw}" is not a year from ${MIN_RATE_YEAR} to ${MAX_RATE_YEAR}`);

  const unitsPerUsd = get('unitsPerUsd');
  const value = DECIMAL.test(unitsPerUsd) ? Number(unitsPerUsd) : NaN;
  if (!(value > 0 && Number.isFinite(value))) err('unitsPerUsd', `"${unitsPerUsd}" is not a positive number`);
  else if (currency === BASE_CURRENCY && value !== 1) err('unitsPerUsd', 'USD is the base currency: its rate is 1 in every year');

  const source = get('source').replace(/\s+/g, ' ');
  if (!source) err('source', 'the source is empty');
  else if (source.length > MAX_SOURCE_LENGTH) err('source', `the source is longer than ${MAX_SOURCE_LENGTH} characters`);

  if (problems.length) return { line, problems };
  return { line, problems, record: { currency, year, unitsPerUsd, source, ...(currency === BASE_CURRENCY ? { base: true } : {}) } };
}

interface StoredRate extends Record<string, unknown> {
  currency: string;
  year: number;
  units_per_usd: string;
  source: string;
  origin: RateOrigin;
}

export function ratesImporter(opts: RatesImporterOptions): Importer<RateRecord> {
  return {
    kind: RATES_KIND,
    batchSize: 1000,

    async *parse(input: Readable, _ctx: ImportContext): AsyncIterable<Parsed<RateRecord>> {
      const parser = parseCsv({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true });
      // Errors of the source (size limit) reach the iteration below through the parser.
      pipeline(input, parser, () => {});
      let cols: Columns | null = null;
      let embedded = 0; // line breaks inside quoted fields so far: csv-parse counts them as lines
      const seen = new Map<string, number>();
      try {
        for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
          const breaks = record.reduce((n, f) => n + (f.match(/\r\n|\r|\n/g)?.length ?? 0), 0);
          const line = info.lines - embedded - breaks;
          embedded += breaks;
          if (!cols) {
            cols = readHeader(record);
            continue;
          }
          if (record.every((f) => !f.trim())) continue;
          const parsed = toRateRecord(record, line, cols, opts.currencies);
          const r = parsed.record;
          if (r) {
            const key = `${r.currency}|${r.year}`;
            const first = seen.get(key);
            if (first !== undefined) {
              parsed.problems.push({ severity: 'error', field: 'year', message: `${r.currency} ${r.year} already has a rate on line ${first}` });
              delete parsed.record;
            } else seen.set(key, line);
          }
          yield parsed;
        }
      } catch (e) {
        throw csvFatal(e);
      }
      if (!cols) throw new FatalImportError('The file is empty: no header row.');
    },

    async writeBatch(tx: Db, batch: Parsed<RateRecord>[], ctx: ImportContext): Promise<Outcome[]> {
      const records = batch.map((p) => p.record!);
      const rates = records.filter((r) => !r.base);
      const stored = new Map<string, StoredRate>();
      if (rates.length) {
        // By currency and year range rather than a list of (currency, year) pairs: PGlite fails on long row-value lists.
        const currencies = [...new Set(rates.map((r) => r.currency))];
        const years = rates.map((r) => r.year);
        const rows = await queryRows<StoredRate>(
          tx,
          sql`select currency, year, units_per_usd::text as units_per_usd, source, origin from exchange_rates
              where currency in (${sql.join(currencies.map((c) => sql`${c}`), sql`, `)})
                and year between ${Math.min(...years)} and ${Math.max(...years)}`,
        );
        for (const s of rows) stored.set(`${s.currency}|${s.year}`, s);
      }
      const outcomes = records.map((r): Outcome => {
        if (r.base) return 'unchanged';
        const s = stored.get(`${r.currency}|${r.year}`);
        if (!s) return 'inserted';
        if (opts.origin === 'bundled' && s.origin === 'loaded') {
          ctx.count('keptLoaded'); // a loaded rate takes precedence over the bundled default
          return 'unchanged';
        }
        const same = Number(s.units_per_usd) === Number(r.unitsPerUsd) && s.source === r.source && s.origin === opts.origin;
        return same ? 'unchanged' : 'updated';
      });
      const changed = records.filter((_, i) => outcomes[i] === 'inserted' || outcomes[i] === 'updated');
      if (changed.length) {
        await tx
          .insert(exchangeRates)
          .values(
            changed.map((r) => ({
              currency: r.currency,
              year: r.year,
              unitsPerUsd: r.unitsPerUsd,
              source: r.source,
              origin: opts.origin,
              importRunId: ctx.runId,
            })),
          )
          .onConflictDoUpdate({
            target: [exchangeRates.currency, exchangeRates.year],
            set: {
              unitsPerUsd: sql.raw('excluded.units_per_usd'),
              source: sql.raw('excluded.source'),
              origin: sql.raw('excluded.origin'),
              importRunId: sql.raw('excluded.import_run_id'),
              loadedAt: sql`now()`,
            },
            // Belt and braces beside the check above: a bundled load never overwrites a loaded rate.
            ...(opts.origin === 'bundled' ? { setWhere: sql`${exchangeRates.origin} = 'bundled'` } : {}),
          });
      }
      return outcomes;
    },
  };
}

// ---------------------------------------------------------------- the bundled defaults

export interface BundledRatesResult {
  /** Rows in the bundled file. */
  rates: number;
  /** The import run of this call, or null when the rows were already there (the usual case). */
  run: RunReport | null;
}

interface LastBundledRun extends Record<string, unknown> {
  sha256: string | null;
  status: string;
  version: string | null;
  read: string | null;
  stored: string;
}

/**
 * Loads data/exchange-rates/annual-rates.csv with origin `bundled`: idempotent and cheap when nothing changed
 * (one query plus a hash of a 60 KB file). The marker is the newest bundled import run: when it loaded this
 * exact file with this loader version and the table holds at least as many rows, nothing is done. Otherwise the
 * file is imported (atomic) as a run of its own, which never overwrites a loaded rate.
 */
export async function loadBundledRates(db: Db, path = fromRoot(BUNDLED_RATES_FILE)): Promise<BundledRatesResult> {
  const bytes = readFileSync(path);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const [last] = await queryRows<LastBundledRun>(
    db,
    sql`select r.sha256, r.status, r.options->>'loaderVersion' as version, r.counts->>'read' as read,
               (select count(*) from exchange_rates) as stored
        from import_runs r
        where r.kind = ${RATES_KIND} and r.options->>'bundled' = 'true' and not r.dry_run
        order by r.started_at desc limit 1`,
  );
  if (
    last &&
    last.sha256 === sha256 &&
    last.status === 'succeeded' &&
    last.version === String(BUNDLED_LOADER_VERSION) &&
    Number(last.stored) >= Number(last.read)
  ) {
    return { rates: Number(last.read), run: null };
  }
  const run = await runImport(db, ratesImporter({ origin: 'bundled' }), Readable.from([bytes]), {
    fileName: BUNDLED_RATES_FILE,
    mode: 'atomic',
    dryRun: false,
    actor: 'bundled',
    extra: { bundled: true, loaderVersion: BUNDLED_LOADER_VERSION },
  });
  if (run.status !== 'succeeded') {
    const first = run.problems.find((p) => p.severity === 'error');
    throw new Error(
      `${BUNDLED_RATES_FILE} could not be loaded (${run.status})` +
        (first ? `: line ${first.line ?? '?'} ${first.field ?? ''} ${first.message}` : ''),
    );
  }
  return { rates: run.counts.read, run };
}
