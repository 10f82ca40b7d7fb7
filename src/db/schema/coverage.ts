import { bigint, date, integer, numeric, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The coverage engine's data version: one counter per kind of input (activities, transactions, links,
 * rates…), bumped by statement-level triggers (src/db/custom/coverage-inputs.sql) in the same transaction
 * as the change, so no writer can forget it and a reader never sees new data under an old version.
 * Coverage ETags and the response cache are keyed on these counters: any import, link change or rate load
 * shows in the very next answer. One row per input kind (not one row for all) so that writers of different
 * inputs (a long import, a link edit) never wait on each other's row lock.
 */
export const coverageInputs = pgTable('coverage_inputs', {
  /** The table whose change the counter records. */
  source: text().primaryKey(),
  version: bigint({ mode: 'number' }).notNull().default(0),
  changedAt: timestamp({ withTimezone: true, mode: 'string' }).notNull().defaultNow(),
});

/**
 * Each transaction of a coverage basis (types 2, 3, 4) split over the countries it counts in: one row per
 * (transaction, country) with the transaction's value × the country's share (1 when the transaction names
 * its recipient country; otherwise the activity's rescaled percentage, docs/coverage.md "The method" 1),
 * in the transaction's own currency and with the year its rate is taken from. Derived data only: written
 * by statement-level triggers on transactions and recipient countries / regions
 * (src/db/custom/coverage-shares.sql) in the writer's own transaction, so it can never lag the inputs;
 * `select coverage_shares_rebuild()` recomputes it all (bench/generate.ts after its COPY load).
 * Rates are applied at query time, so rate loads never touch it; link weights likewise.
 * The covering indexes `coverage_tx_shares_country` and `coverage_tx_shares_activity` (custom SQL: they have
 * INCLUDE columns) make a country's money, or an activity's, one index-only range read.
 */
export const coverageTxShares = pgTable(
  'coverage_tx_shares',
  {
    activityId: text().notNull(),
    position: integer().notNull(),
    country: text().notNull(),
    type: text().notNull(),
    date: date({ mode: 'string' }),
    /** Year of the value date, else of the transaction date: the year of the rate. */
    year: integer(),
    /** The transaction's currency, 'XXX' when it has none. */
    currency: text().notNull(),
    /** value × share, exact (unconstrained numeric). */
    amount: numeric({ mode: 'string' }).notNull(),
  },
  // No primary key here: its unique index, with INCLUDE columns, is in src/db/custom/coverage-shares.sql
  // (coverage_tx_shares_activity on (activity_id, position, country)), so that one activity's rows (alignment,
  // and the triggers' delete) are an index-only read too.
);

/**
 * coverage_tx_shares pre-aggregated per (country, basis, activity, currency, rate year): the exact numeric sum of
 * the rows' amounts, with the first and last transaction date of the bucket and how many rows have no date.
 * A coverage statement takes a bucket whole when the period contains all its rows (always, without a period),
 * skips it when the period contains none, and re-reads the dated rows of coverage_tx_shares only for the
 * buckets a period cuts; numeric sums are exact, so the result is the same number as summing the rows.
 * Derived data only, written by the same refresh as coverage_tx_shares (src/db/custom/coverage-buckets.sql),
 * in the writer's own transaction. Its covering indexes (by country, by activity) are custom SQL.
 */
export const coverageTxBuckets = pgTable('coverage_tx_buckets', {
  country: text().notNull(),
  /** 'disbursement' (types 3 and 4) or 'commitment' (type 2). */
  basis: text().notNull(),
  activityId: text().notNull(),
  currency: text().notNull(),
  /** The rate year (null only when the rows have no date at all). */
  year: integer(),
  firstDate: date({ mode: 'string' }),
  lastDate: date({ mode: 'string' }),
  /** Rows of the bucket without a transaction date (they count only when no period is asked). */
  undated: integer().notNull(),
  /** Σ amount of the bucket's rows, exact. */
  amount: numeric({ mode: 'string' }).notNull(),
});
