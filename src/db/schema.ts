import { sql, type SQL } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/** A tsvector column; only ever written by Postgres itself (generated columns). */
const tsvector = customType<{ data: string }>({
  dataType() {
    return 'tsvector';
  },
});

const createdAt = () => timestamp({ withTimezone: true, mode: 'string' }).notNull().defaultNow();

// ---------------------------------------------------------------- reference data

/** Every IATI / UN codelist the service uses, one row per code. */
export const codelistItems = pgTable(
  'codelist_items',
  {
    list: text().notNull(),
    code: text().notNull(),
    name: text().notNull(),
    nameFr: text(),
    description: text(),
    category: text(),
    withdrawn: boolean().notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.list, t.code] })],
);

/** ISO 3166-1 countries (the IATI Country codelist plus alpha-3). */
export const countries = pgTable('countries', {
  code: text().primaryKey(),
  alpha3: text(),
  name: text().notNull(),
  withdrawn: boolean().notNull().default(false),
});

/** Every English spelling of a country the sources use, normalised, → alpha-2. */
export const countryAliases = pgTable('country_aliases', {
  alias: text().primaryKey(),
  code: text().notNull(),
  source: text().notNull(),
});

/** Reporting and participating organisations seen in IATI data. */
export const organisations = pgTable('organisations', {
  ref: text().primaryKey(),
  name: text(),
  type: text(),
  updatedAt: createdAt(),
});

// ---------------------------------------------------------------- import runs

export const importRuns = pgTable(
  'import_runs',
  {
    id: text().primaryKey(),
    kind: text().notNull(),
    fileName: text().notNull(),
    sha256: text(),
    bytes: bigint({ mode: 'number' }),
    mode: text().notNull(),
    dryRun: boolean().notNull().default(false),
    status: text().notNull(),
    startedAt: timestamp({ withTimezone: true, mode: 'string' }).notNull(),
    finishedAt: timestamp({ withTimezone: true, mode: 'string' }),
    counts: jsonb().$type<Record<string, number>>().notNull(),
    options: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    actor: text(),
    message: text(),
  },
  (t) => [index().on(t.kind, t.startedAt)],
);

export const importProblems = pgTable(
  'import_problems',
  {
    runId: text()
      .notNull()
      .references(() => importRuns.id, { onDelete: 'cascade' }),
    seq: integer().notNull(),
    severity: text().notNull(),
    line: integer(),
    recordId: text(),
    field: text(),
    message: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.seq] })],
);

// ---------------------------------------------------------------- recommendations

export const recommendations = pgTable(
  'recommendations',
  {
    id: text().primaryKey(),
    country: text().notNull(),
    mechanism: text().notNull(),
    body: text().notNull(),
    session: integer(),
    cycle: integer(),
    response: text(),
    actionCategory: integer(),
    recommendingStates: text().array().notNull().default(sql`'{}'::text[]`),
    recommendingStateNames: text().array().notNull().default(sql`'{}'::text[]`),
    themes: text().array().notNull().default(sql`'{}'::text[]`),
    affectedPersons: text().array().notNull().default(sql`'{}'::text[]`),
    sdgTargets: text().array().notNull().default(sql`'{}'::text[]`),
    sdgGoals: text().array().notNull().default(sql`'{}'::text[]`),
    text: text().notNull(),
    textHtml: text(),
    documentSymbol: text(),
    paragraph: text(),
    annotationType: text(),
    publishedOn: date({ mode: 'string' }),
    /** UHRI: the regions of the countries concerned, and the document's id in OHCHR's document system. */
    regions: text().array().notNull().default(sql`'{}'::text[]`),
    documentId: text(),
    contentHash: text().notNull(),
    importRunId: text().references(() => importRuns.id),
    createdAt: createdAt(),
    updatedAt: createdAt(),
    search: tsvector().generatedAlwaysAs(
      (): SQL => sql`to_tsvector('english', coalesce(${recommendations.text}, ''))`,
    ),
  },
  (t) => [
    index().on(t.country, t.id),
    index().on(t.country, t.session),
    index().on(t.mechanism),
    index().on(t.body),
    index().on(t.session),
    index().on(t.cycle),
    index().on(t.response),
    index().using('gin', t.themes),
    index().using('gin', t.recommendingStates),
    index().using('gin', t.sdgTargets),
    index().using('gin', t.affectedPersons),
    index().using('gin', t.sdgGoals),
    index().on(t.documentSymbol),
    index().on(t.annotationType),
    index().on(t.publishedOn),
    index().using('gin', t.search),
  ],
);

/** Where a recommendation came from: one row per source record (UPR Info row, UHRI annotation…). */
export const recommendationSources = pgTable(
  'recommendation_sources',
  {
    recommendationId: text()
      .notNull()
      .references(() => recommendations.id, { onDelete: 'cascade' }),
    importer: text().notNull(),
    sourceRef: text().notNull(),
    importRunId: text().references(() => importRuns.id),
    contentHash: text().notNull(),
    /** The themes this source gave; a recommendation merged from several sources carries their union. */
    themes: text().array().notNull().default(sql`'{}'::text[]`),
    createdAt: createdAt(),
    updatedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.importer, t.sourceRef] }), index().on(t.recommendationId)],
);

// ---------------------------------------------------------------- activities

export const activities = pgTable(
  'activities',
  {
    iatiIdentifier: text().primaryKey(),
    reportingOrgRef: text(),
    reportingOrgName: text(),
    reportingOrgType: text(),
    title: text(),
    description: text(),
    titles: jsonb().$type<{ lang: string | null; text: string }[]>().notNull().default([]),
    descriptions: jsonb()
      .$type<{ type: string | null; lang: string | null; text: string }[]>()
      .notNull()
      .default([]),
    status: text(),
    defaultCurrency: text(),
    humanitarian: boolean(),
    lastUpdated: timestamp({ withTimezone: true, mode: 'string' }),
    iatiVersion: text(),
    dataset: text(),
    plannedStart: date({ mode: 'string' }),
    actualStart: date({ mode: 'string' }),
    plannedEnd: date({ mode: 'string' }),
    actualEnd: date({ mode: 'string' }),
    /** Recipient countries of the activity and of its transactions (filter key). */
    countryCodes: text().array().notNull().default(sql`'{}'::text[]`),
    /** DAC 5-digit purpose codes of the activity and of its transactions. */
    sectorCodes: text().array().notNull().default(sql`'{}'::text[]`),
    sdgGoals: text().array().notNull().default(sql`'{}'::text[]`),
    sdgTargets: text().array().notNull().default(sql`'{}'::text[]`),
    contentHash: text().notNull(),
    importRunId: text().references(() => importRuns.id),
    createdAt: createdAt(),
    updatedAt: createdAt(),
    search: tsvector().generatedAlwaysAs(
      (): SQL =>
        sql`to_tsvector('english', coalesce(${activities.title}, '') || ' ' || coalesce(${activities.description}, ''))`,
    ),
  },
  (t) => [
    index().on(t.reportingOrgRef),
    index().on(t.status),
    index().using('gin', t.countryCodes),
    index().using('gin', t.sectorCodes),
    index().using('gin', t.sdgGoals),
    index().using('gin', t.sdgTargets),
    index().using('gin', t.search),
  ],
);

const activityRef = () =>
  text()
    .notNull()
    .references(() => activities.iatiIdentifier, { onDelete: 'cascade' });

export const activityRecipientCountries = pgTable(
  'activity_recipient_countries',
  {
    activityId: activityRef(),
    position: integer().notNull(),
    code: text().notNull(),
    percentage: numeric({ mode: 'number' }),
  },
  (t) => [primaryKey({ columns: [t.activityId, t.position] }), index().on(t.code)],
);

export const activityRecipientRegions = pgTable(
  'activity_recipient_regions',
  {
    activityId: activityRef(),
    position: integer().notNull(),
    code: text().notNull(),
    vocabulary: text().notNull().default('1'),
    percentage: numeric({ mode: 'number' }),
  },
  (t) => [primaryKey({ columns: [t.activityId, t.position] })],
);

export const activitySectors = pgTable(
  'activity_sectors',
  {
    activityId: activityRef(),
    position: integer().notNull(),
    vocabulary: text().notNull().default('1'),
    code: text().notNull(),
    percentage: numeric({ mode: 'number' }),
  },
  (t) => [primaryKey({ columns: [t.activityId, t.position] }), index().on(t.vocabulary, t.code)],
);

export const activityTags = pgTable(
  'activity_tags',
  {
    activityId: activityRef(),
    position: integer().notNull(),
    vocabulary: text().notNull(),
    code: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.activityId, t.position] })],
);

export const activityPolicyMarkers = pgTable(
  'activity_policy_markers',
  {
    activityId: activityRef(),
    position: integer().notNull(),
    vocabulary: text().notNull().default('1'),
    code: text().notNull(),
    significance: integer(),
  },
  (t) => [primaryKey({ columns: [t.activityId, t.position] })],
);

export const activityParticipatingOrgs = pgTable(
  'activity_participating_orgs',
  {
    activityId: activityRef(),
    position: integer().notNull(),
    role: text(),
    ref: text(),
    type: text(),
    name: text(),
  },
  (t) => [primaryKey({ columns: [t.activityId, t.position] }), index().on(t.ref)],
);

export const transactions = pgTable(
  'transactions',
  {
    activityId: activityRef(),
    position: integer().notNull(),
    type: text().notNull(),
    date: date({ mode: 'string' }),
    value: numeric({ mode: 'string' }).notNull(),
    currency: text(),
    valueDate: date({ mode: 'string' }),
    recipientCountry: text(),
    recipientRegion: text(),
    sectorVocabulary: text(),
    sectorCode: text(),
    description: text(),
  },
  (t) => [
    primaryKey({ columns: [t.activityId, t.position] }),
    index().on(t.recipientCountry),
    index().on(t.type, t.date),
  ],
);

export const budgets = pgTable(
  'budgets',
  {
    activityId: activityRef(),
    position: integer().notNull(),
    type: text(),
    status: text(),
    periodStart: date({ mode: 'string' }),
    periodEnd: date({ mode: 'string' }),
    value: numeric({ mode: 'string' }).notNull(),
    currency: text(),
    valueDate: date({ mode: 'string' }),
  },
  (t) => [primaryKey({ columns: [t.activityId, t.position] })],
);

// ---------------------------------------------------------------- access

export const apiKeys = pgTable(
  'api_keys',
  {
    id: text().primaryKey(),
    name: text().notNull(),
    role: text().notNull(),
    prefix: text().notNull(),
    hash: text().notNull(),
    createdAt: createdAt(),
    revokedAt: timestamp({ withTimezone: true, mode: 'string' }),
    lastUsedAt: timestamp({ withTimezone: true, mode: 'string' }),
  },
  (t) => [uniqueIndex().on(t.prefix)],
);

// Tables of later capabilities live in src/db/schema/<area>.ts and are re-exported here.
export * from './schema/obligations.js';
export * from './schema/rates.js';
export * from './schema/links.js';
export * from './schema/coverage.js';
