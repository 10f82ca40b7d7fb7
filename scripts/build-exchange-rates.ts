// Builds data/exchange-rates/annual-rates.csv (currency,year,unitsPerUsd,source) from the FRED monthly series
// of GitHub datasets/exchange-rates (see data/exchange-rates/SOURCES.md). Run by hand, then commit the CSV:
//   node --import tsx scripts/build-exchange-rates.ts /path/to/fred-monthly.csv [/path/to/fred-annual.csv]
// The annual file, when given (or found next to the monthly one), is used as a cross-check only.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseCsv } from 'csv-parse/sync';
import { fromRoot } from '../src/lib/paths.js';

export const OUTPUT_PATH = fromRoot('data/exchange-rates/annual-rates.csv');
export const BUNDLED_SOURCE = 'FRED H.10 (annual mean of monthly rates)';

/**
 * FRED series name → ISO 4217. Only currencies of the IATI Currency codelist are kept. Left out on purpose:
 * the pre-euro currencies (Austria, Belgium, Finland, France, Germany, Greece, Ireland, Italy, Netherlands,
 * Portugal, Spain; not in the IATI codelist, so IATI data cannot use them) and Venezuela (one series that
 * runs through four denominations, VEB → VEF → VES → VED, without saying where each starts).
 */
export const SERIES_CURRENCY: Record<string, string> = {
  Australia: 'AUD',
  Brazil: 'BRL',
  Canada: 'CAD',
  China: 'CNY',
  Denmark: 'DKK',
  Euro: 'EUR',
  'Hong Kong': 'HKD',
  India: 'INR',
  Japan: 'JPY',
  Malaysia: 'MYR',
  Mexico: 'MXN',
  'New Zealand': 'NZD',
  Norway: 'NOK',
  Singapore: 'SGD',
  'South Africa': 'ZAR',
  'South Korea': 'KRW',
  'Sri Lanka': 'LKR',
  Sweden: 'SEK',
  Switzerland: 'CHF',
  Taiwan: 'TWD',
  Thailand: 'THB',
  'United Kingdom': 'GBP',
};
const EXCLUDED_SERIES = new Set([
  'Austria', 'Belgium', 'Finland', 'France', 'Germany', 'Greece', 'Ireland', 'Italy', 'Netherlands', 'Portugal', 'Spain',
  'Venezuela',
]);

/**
 * Known annual averages in units per USD (Federal Reserve G.5A annual release, 2000 and 2021), independent of
 * the file. The dataset's README says some series (Euro, United Kingdom, Australia, New Zealand, Ireland) are
 * USD per unit; the values are in fact units per USD. An inverted series misses its reference by a factor of
 * rate², far beyond the tolerance, so the build fails instead of writing it. Two years far apart also catch a
 * series that changes direction part way.
 */
export const REFERENCE_RATES: Record<string, Record<number, number>> = {
  AUD: { 2000: 1.7197, 2021: 1.3307 },
  BRL: { 2000: 1.8301, 2021: 5.3958 },
  CAD: { 2000: 1.4855, 2021: 1.2535 },
  CHF: { 2000: 1.6904, 2021: 0.9142 },
  CNY: { 2000: 8.2784, 2021: 6.4508 },
  DKK: { 2000: 8.0953, 2021: 6.2875 },
  EUR: { 2000: 1.0832, 2021: 0.845 },
  GBP: { 2000: 0.6598, 2021: 0.727 },
  HKD: { 2000: 7.7924, 2021: 7.7727 },
  INR: { 2000: 44.9975, 2021: 73.9 },
  JPY: { 2000: 107.804, 2021: 109.8 },
  KRW: { 2000: 1130.9, 2021: 1144.9 },
  LKR: { 2000: 77.0, 2021: 198.0 },
  MXN: { 2000: 9.4586, 2021: 20.28 },
  MYR: { 2000: 3.8, 2021: 4.1439 },
  NOK: { 2000: 8.8131, 2021: 8.59 },
  NZD: { 2000: 2.1891, 2021: 1.4136 },
  SEK: { 2000: 9.1735, 2021: 8.58 },
  SGD: { 2000: 1.725, 2021: 1.3438 },
  THB: { 2000: 40.2098, 2021: 32.0 },
  TWD: { 2000: 31.26, 2021: 27.93 },
  ZAR: { 2000: 6.9468, 2021: 14.78 },
};
/**
 * Series FRED publishes as USD per unit (DEXUSEU, DEXUSUK, DEXUSAL, DEXUSNZ); the dataset inverted their
 * values. Their annual mean is taken in FRED's own direction (mean of USD per unit, then inverted), as the
 * Federal Reserve's annual averages are: a plain mean of the inverted values differs by up to 2 % in volatile
 * years (AUD 2008).
 */
const QUOTED_USD_PER_UNIT = new Set(['EUR', 'GBP', 'AUD', 'NZD']);
/** Relative tolerance of the reference check; a monthly mean is within a few tenths of a percent of the daily mean. */
const REFERENCE_TOLERANCE = 0.02;
/** A year is kept only with all twelve monthly values (the file has no year with 10 or 11: partial years are a series' first year or the current one). */
const MIN_MONTHS = 12;
/** Cross-check against FRED's own annual file, where it has the series and year. */
const ANNUAL_TOLERANCE = 0.005;

export interface AnnualRate {
  currency: string;
  year: number;
  unitsPerUsd: number;
  months: number;
}

/** Reads `Date,Country,<value>` rows (the monthly and the annual file share that shape). */
function readSeries(path: string): { date: string; series: string; value: number }[] {
  const rows = parseCsv(readFileSync(path, 'utf8'), { from_line: 2, skip_empty_lines: true }) as string[][];
  return rows.map(([date, series, value], i) => {
    const v = Number(value);
    if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date) || !series || !Number.isFinite(v) || v <= 0) {
      throw new Error(`${path} line ${i + 2}: unreadable row ${JSON.stringify([date, series, value])}`);
    }
    return { date, series, value: v };
  });
}

/** Six significant digits: far beyond the precision any coverage figure needs, and stable across rebuilds. */
const round = (x: number) => Number(x.toPrecision(6));

/** Annual means of the monthly values, for the mapped series and the complete years. */
export function annualMeans(monthlyPath: string): AnnualRate[] {
  const sums = new Map<string, { currency: string; year: number; sum: number; months: Set<string> }>();
  const unknown = new Set<string>();
  for (const { date, series, value } of readSeries(monthlyPath)) {
    const currency = SERIES_CURRENCY[series];
    if (!currency) {
      if (!EXCLUDED_SERIES.has(series)) unknown.add(series);
      continue;
    }
    const year = Number(date.slice(0, 4));
    const key = `${currency}|${year}`;
    const acc = sums.get(key) ?? { currency, year, sum: 0, months: new Set<string>() };
    if (acc.months.has(date)) throw new Error(`${series} ${date}: two values for one month`);
    acc.months.add(date);
    acc.sum += QUOTED_USD_PER_UNIT.has(currency) ? 1 / value : value;
    sums.set(key, acc);
  }
  if (unknown.size) {
    throw new Error(`Series with no ISO 4217 mapping (add to SERIES_CURRENCY or EXCLUDED_SERIES): ${[...unknown].join(', ')}`);
  }
  return [...sums.values()]
    .filter((a) => a.months.size >= MIN_MONTHS)
    .map((a) => {
      const mean = a.sum / a.months.size;
      const unitsPerUsd = round(QUOTED_USD_PER_UNIT.has(a.currency) ? 1 / mean : mean);
      return { currency: a.currency, year: a.year, unitsPerUsd, months: a.months.size };
    })
    .sort((a, b) => a.currency.localeCompare(b.currency) || a.year - b.year);
}

/** Fails (listing every miss) unless each mapped series meets its known rates: the direction check. */
export function checkDirection(rates: AnnualRate[]): string[] {
  const byKey = new Map(rates.map((r) => [`${r.currency}|${r.year}`, r.unitsPerUsd]));
  const failures: string[] = [];
  for (const currency of Object.values(SERIES_CURRENCY)) {
    const refs = REFERENCE_RATES[currency];
    if (!refs) {
      failures.push(`${currency}: no reference rate, so its direction cannot be checked`);
      continue;
    }
    for (const [year, expected] of Object.entries(refs)) {
      const got = byKey.get(`${currency}|${year}`);
      if (got === undefined) failures.push(`${currency} ${year}: no annual rate built`);
      else if (Math.abs(got / expected - 1) > REFERENCE_TOLERANCE) {
        const inverted = Math.abs(1 / got / expected - 1) <= REFERENCE_TOLERANCE;
        failures.push(
          `${currency} ${year}: ${got} units per USD, expected about ${expected}${inverted ? ' (the series reads as USD per unit: inverted)' : ''}`,
        );
      }
    }
  }
  return failures;
}

/** Compares with FRED's annual file (averages of daily rates): a different method, so a loose tolerance. */
export function crossCheckAnnual(rates: AnnualRate[], annualPath: string): { compared: number; failures: string[] } {
  const built = new Map(rates.map((r) => [`${r.currency}|${r.year}`, r.unitsPerUsd]));
  const failures: string[] = [];
  let compared = 0;
  for (const { date, series, value } of readSeries(annualPath)) {
    const currency = SERIES_CURRENCY[series];
    const got = currency && built.get(`${currency}|${date.slice(0, 4)}`);
    if (!got) continue;
    compared++;
    if (Math.abs(got / value - 1) > ANNUAL_TOLERANCE) failures.push(`${currency} ${date.slice(0, 4)}: ${got} vs FRED annual ${value}`);
  }
  return { compared, failures };
}

export function toCsv(rates: AnnualRate[]): string {
  const lines = rates.map((r) => `${r.currency},${r.year},${r.unitsPerUsd},${BUNDLED_SOURCE}`);
  return ['currency,year,unitsPerUsd,source', ...lines].join('\n') + '\n';
}

function main(): number {
  const [monthlyPath, annualArg] = process.argv.slice(2);
  if (!monthlyPath || monthlyPath === '--help') {
    console.error('Usage: node --import tsx scripts/build-exchange-rates.ts <fred-monthly.csv> [fred-annual.csv]');
    return 2;
  }
  const rates = annualMeans(monthlyPath);
  const failures = checkDirection(rates);
  const annualPath = annualArg ?? join(dirname(monthlyPath), 'fred-annual.csv');
  if (existsSync(annualPath)) {
    const cross = crossCheckAnnual(rates, annualPath);
    failures.push(...cross.failures);
    console.log(`Cross-checked ${cross.compared} annual rates against ${annualPath}.`);
  } else console.log(`No ${annualPath}: cross-check against FRED's annual file skipped.`);
  if (failures.length) {
    console.error(`Not written: ${failures.length} check(s) failed:\n  ${failures.join('\n  ')}`);
    return 1;
  }
  writeFileSync(OUTPUT_PATH, toCsv(rates));
  const currencies = new Set(rates.map((r) => r.currency));
  console.log(`Wrote ${rates.length} rates for ${currencies.size} currencies to ${OUTPUT_PATH}.`);
  return 0;
}

// Run as a script, not when a test imports the checks.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exit(main());
