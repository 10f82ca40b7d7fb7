/**
 * The obligations side: the core UN human rights instruments and their optional protocols, every
 * source's ratification status per country, and the curated crosswalk from recommendation themes to
 * instruments (and articles). All three mirror bundled files (data/reference/instruments.csv,
 * data/ratification/, data/crosswalks/); see src/importers/obligations.importer.ts.
 */
import { sql } from 'drizzle-orm';
import { date, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

/** The 9 core instruments and their 9 optional protocols, each with its monitoring body. */
export const instruments = pgTable(
  'instruments',
  {
    /** Our code: ICESCR, CRC-OP-SC, OPCAT… */
    code: text().primaryKey(),
    /** Order of presentation (the file's order: each core treaty followed by its protocols). */
    position: integer().notNull(),
    name: text().notNull(),
    shortName: text().notNull(),
    /** 'core' or 'protocol'. */
    kind: text().notNull(),
    parent: text(),
    /** The monitoring body (treaty body code): CESCR, CCPR, SPT… */
    body: text().notNull(),
    bodyName: text().notNull(),
    /**
     * The body name Treaty Body recommendations carry when they speak to this instrument (UHRI's body
     * names: CESCR, CRC-OP-AC, SPT…); null for protocols without a reporting procedure of their own.
     */
    recommendationBody: text(),
    adoptedOn: date({ mode: 'string' }).notNull(),
  },
  (t) => [index().on(t.recommendationBody)],
);

/** One row per country, instrument and source: sources are kept side by side, never merged. */
export const ratifications = pgTable(
  'ratifications',
  {
    country: text().notNull(),
    instrument: text()
      .notNull()
      .references(() => instruments.code, { onDelete: 'cascade' }),
    /** 'hr-status' (world-politics-datalab compilation) or 'ohchr' (OHCHR status table). */
    source: text().notNull(),
    /** The date the source describes the situation at. */
    sourceAsOf: date({ mode: 'string' }).notNull(),
    /** 'party', 'signatory' or 'none'. */
    status: text().notNull(),
    /** Exact date of ratification / accession (party) or of signature (signatory), where the source gives it. */
    date: date({ mode: 'string' }),
    /** Year of ratification / accession (party), or of signature where only that is known. */
    year: integer(),
    signedOn: date({ mode: 'string' }),
    /** The country as the source names it. */
    sourceName: text().notNull(),
    note: text(),
  },
  (t) => [primaryKey({ columns: [t.country, t.instrument, t.source] }), index().on(t.instrument, t.status)],
);

/** The curated crosswalk: one row per (vocabulary, theme, instrument), with articles where clear and a reason. */
export const themeInstrument = pgTable(
  'theme_instrument',
  {
    /** 'upr-info' (UPR Info issues) or 'uhri' (OHCHR UHRI themes). */
    vocabulary: text().notNull(),
    theme: text().notNull(),
    instrument: text()
      .notNull()
      .references(() => instruments.code, { onDelete: 'cascade' }),
    articles: text().array().notNull().default(sql`'{}'::text[]`),
    reason: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.vocabulary, t.theme, t.instrument] }), index().on(t.instrument), index().on(t.theme)],
);

/** Themes deliberately left out of the crosswalk, each with the reason. */
export const themeUnmapped = pgTable(
  'theme_unmapped',
  {
    vocabulary: text().notNull(),
    theme: text().notNull(),
    reason: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.vocabulary, t.theme] })],
);
