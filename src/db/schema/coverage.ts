import { bigint, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

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
