import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, numeric, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { activities, recommendations } from '../schema.js';

const ts = () => timestamp({ withTimezone: true, mode: 'string' });

/**
 * "This activity supports this recommendation": asserted by a person or accepted from a suggestion.
 * Links are never deleted: DELETE retires them (retired_at) and their history stays.
 * Activity and recommendation rows are upserted in place by the importers, so the foreign keys hold across re-imports.
 */
export const links = pgTable(
  'links',
  {
    id: text().primaryKey(),
    activityId: text()
      .notNull()
      .references(() => activities.iatiIdentifier, { onDelete: 'restrict' }),
    recommendationId: text()
      .notNull()
      .references(() => recommendations.id, { onDelete: 'restrict' }),
    /** The recommendation's country, kept here so that country filters and coverage need no join. */
    country: text().notNull(),
    /** Share of the activity's money in the country this link may carry, 0 < w ≤ 1. */
    weight: numeric({ mode: 'number' }).notNull().default(1),
    status: text().notNull().default('accepted'),
    /** manual, sdg-match, sector-theme, text, or several joined by '+' when accepted from a combined suggestion. */
    method: text().notNull().default('manual'),
    confidence: numeric({ mode: 'number' }),
    rationale: text().notNull(),
    evidenceUrl: text(),
    evidence: jsonb().$type<unknown>(),
    suggestionId: text(),
    version: integer().notNull().default(1),
    createdBy: text().notNull(),
    createdAt: ts().notNull().defaultNow(),
    updatedBy: text().notNull(),
    updatedAt: ts().notNull().defaultNow(),
    retiredAt: ts(),
    retiredBy: text(),
  },
  (t) => [
    uniqueIndex('links_live_pair').on(t.activityId, t.recommendationId).where(sql`retired_at is null`),
    index().on(t.country, t.status),
    index().on(t.recommendationId),
    index().on(t.activityId),
    check('links_weight_range', sql`${t.weight} > 0 and ${t.weight} <= 1`),
    check('links_status', sql`${t.status} in ('accepted', 'suggested', 'rejected')`),
  ],
);

/** Every change to a link, oldest first. Append-only: a trigger refuses UPDATE and DELETE. */
export const linkHistory = pgTable(
  'link_history',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    linkId: text()
      .notNull()
      .references(() => links.id, { onDelete: 'restrict' }),
    action: text().notNull(),
    actor: text().notNull(),
    at: ts().notNull().defaultNow(),
    requestId: text(),
    before: jsonb().$type<Record<string, unknown> | null>(),
    after: jsonb().$type<Record<string, unknown> | null>(),
  },
  (t) => [index().on(t.linkId, t.id)],
);

export const suggestionRuns = pgTable('suggestion_runs', {
  id: text().primaryKey(),
  country: text().notNull(),
  methods: text().array().notNull(),
  params: jsonb().$type<Record<string, unknown>>().notNull().default({}),
  actor: text(),
  startedAt: ts().notNull(),
  finishedAt: ts(),
  pairsConsidered: bigint({ mode: 'number' }).notNull().default(0),
  suggestionsStored: integer().notNull().default(0),
  seconds: numeric({ mode: 'number' }),
});

/** A machine suggestion for one (activity, recommendation) pair; never counted as a link unless accepted or asked for. */
export const suggestions = pgTable(
  'suggestions',
  {
    id: text().primaryKey(),
    activityId: text()
      .notNull()
      .references(() => activities.iatiIdentifier, { onDelete: 'cascade' }),
    recommendationId: text()
      .notNull()
      .references(() => recommendations.id, { onDelete: 'cascade' }),
    country: text().notNull(),
    score: numeric({ mode: 'number' }).notNull(),
    methods: text().array().notNull(),
    /** Per-method score and human-readable evidence ("SDG 5.2 on both", "shared terms: …"). */
    evidence: jsonb().$type<Record<string, unknown>>().notNull(),
    status: text().notNull().default('open'),
    runId: text().references(() => suggestionRuns.id),
    decidedBy: text(),
    decidedAt: ts(),
    decisionReason: text(),
    linkId: text(),
    createdAt: ts().notNull().defaultNow(),
    updatedAt: ts().notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex().on(t.activityId, t.recommendationId),
    index().on(t.country, t.status, t.score),
    index().on(t.recommendationId),
    check('suggestions_status', sql`${t.status} in ('open', 'accepted', 'rejected')`),
  ],
);
