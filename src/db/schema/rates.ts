import { sql } from 'drizzle-orm';
import { check, index, integer, numeric, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { importRuns } from '../schema.js';

/**
 * Annual exchange rates: units of `currency` per US dollar, one rate per (currency, year).
 *
 * Why the key is (currency, year) and not (currency, year, source): the coverage engine needs exactly one
 * rate per (currency, year) and must be able to say which one it used; keeping several sources side by side
 * would put a precedence rule into every query. Instead precedence is decided when a rate is written:
 * - `origin = 'bundled'`: the FRED-derived defaults of data/exchange-rates/annual-rates.csv, written by
 *   loadBundledRates at every start. That loader only inserts missing rows and updates rows that are still
 *   bundled; it never touches a loaded row.
 * - `origin = 'loaded'`: rates an admin POSTed (official OECD DAC rates, say). They replace whatever rate
 *   the (currency, year) had, bundled or loaded, and keep their own `source` name.
 * So a loaded rate always takes precedence over a bundled one, a newer load over an older one, and the
 * bundled default can always be had back from the committed CSV. Every row names the import run that wrote
 * it (file, sha256, actor), which is how a coverage answer cites the rates it used.
 *
 * USD is not stored: it is 1 per USD in every year by definition (see ratesFor).
 */
export const exchangeRates = pgTable(
  'exchange_rates',
  {
    /** ISO 4217 alphabetic code. */
    currency: text().notNull(),
    year: integer().notNull(),
    /** Annual average: how many units of the currency one US dollar bought. */
    unitsPerUsd: numeric({ mode: 'string' }).notNull(),
    /** Where the rate comes from, as the loaded file names it (e.g. "OECD DAC annual exchange rates"). */
    source: text().notNull(),
    /** 'bundled' (FRED-derived default) or 'loaded' (POSTed; takes precedence). */
    origin: text().notNull(),
    importRunId: text().references(() => importRuns.id),
    loadedAt: timestamp({ withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.currency, t.year] }),
    index().on(t.year),
    check('exchange_rates_positive', sql`${t.unitsPerUsd} > 0`),
    check('exchange_rates_origin', sql`${t.origin} in ('bundled', 'loaded')`),
  ],
);
