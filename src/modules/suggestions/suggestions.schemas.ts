import { z } from 'zod';
import { multi, PageQuery, pageOf } from '../../lib/schemas.js';
import { METHODS } from '../../suggest/engine.js';
import { Link, Rationale, Weight } from '../links/links.schemas.js';

export const SUGGESTION_STATUSES = ['open', 'accepted', 'rejected'] as const;
export type SuggestionStatus = (typeof SUGGESTION_STATUSES)[number];

const alpha2 = z
  .string()
  .regex(/^[A-Za-z]{2}$/, 'an ISO 3166-1 alpha-2 code')
  .transform((s) => s.toUpperCase());

const MethodName = z.enum(METHODS).describe('sdg-match, sector-theme or text.');

export const SuggestionRunBody = z
  .object({
    country: alpha2.describe('The country (alpha-2): every activity working there against every recommendation to it.'),
    methods: z
      .array(MethodName)
      .min(1)
      .max(METHODS.length)
      .optional()
      .describe('The methods to run; all three when absent. The combined score uses only these.'),
    includeRejected: z
      .boolean()
      .default(false)
      .describe('Propose again pairs that a person rejected (they come back as open). Off by default: a rejection stands.'),
  })
  .meta({ id: 'SuggestionRunBody' });

export const SuggestionRunReport = z
  .object({
    id: z.string().describe('The run id.'),
    country: z.string().describe('The country (alpha-2).'),
    methods: z.array(MethodName).describe('The methods that ran.'),
    includeRejected: z.boolean().describe('Whether rejected pairs could come back.'),
    pairsConsidered: z.number().int().describe('Activities × recommendations of the country: every pair in scope.'),
    pairsScored: z.number().int().describe('Pairs scored in full: those some method could lift to the floor (the others share nothing or too little).'),
    suggestionsStored: z.number().int().describe('Open suggestions stored: above the floor, best few per activity, not rejected, not already linked.'),
    openReplaced: z.number().int().describe("The country's open suggestions of earlier runs, replaced by this run's."),
    seconds: z.number().describe('Wall time of the run.'),
    timings: z
      .object({
        loadSeconds: z.number().describe('Reading the country from the database.'),
        scoreSeconds: z.number().describe('Scoring in the engine.'),
        storeSeconds: z.number().describe('Writing the suggestions.'),
      })
      .describe('Where the time went.'),
    startedAt: z.string().describe('ISO 8601 UTC.'),
    finishedAt: z.string().describe('ISO 8601 UTC.'),
    actor: z.string().nullable().describe('The key that started the run.'),
  })
  .meta({ id: 'SuggestionRunReport', description: 'What a suggestion run did.' });

export const SuggestionListQuery = z.object({
  country: multi(alpha2).describe('Country (alpha-2); repeat or comma-separate for several.'),
  activity: z.string().min(1).max(500).optional().describe('One activity (iati-identifier).'),
  recommendation: z.string().min(1).max(200).optional().describe('One recommendation id.'),
  method: MethodName.optional().describe('Only suggestions this method contributed to.'),
  minScore: z.coerce.number().min(0).max(1).optional().describe('Only suggestions scoring at least this (0–1).'),
  status: multi(z.enum(SUGGESTION_STATUSES)).describe('open (the default), accepted or rejected; repeat or comma-separate for several.'),
  ...PageQuery,
});

const MethodEvidence = z
  .object({
    score: z.number().describe("The method's own score, 0–1."),
    summary: z.string().describe('One line a person can check: "SDG 5.2 on both", "DAC 15180 ↔ Women\'s rights", "shared terms: …".'),
    detail: z.unknown().optional().describe('The data behind the summary (shared targets, crosswalk rows, BM25 score and terms).'),
  })
  .describe("One method's evidence.");

export const SuggestionEvidence = z
  .object({
    'sdg-match': MethodEvidence.optional(),
    'sector-theme': MethodEvidence.optional(),
    text: MethodEvidence.optional(),
    note: z
      .string()
      .optional()
      .describe(
        "The rules the pair passed or that lowered its score, in words: a State act (ratify, invite, report, legislate) or a specific issue the activity's text names too; the group the recommendation is about, which the activity names; a research activity, or a multi-country activity that does not name the country (score lowered).",
      ),
  })
  .passthrough()
  .meta({ id: 'SuggestionEvidence', description: 'Per-method evidence for a suggestion.' });

export const Suggestion = z
  .object({
    id: z.string().describe('Suggestion id (UUID).'),
    country: z.string().describe('The country (alpha-2).'),
    activity: z
      .object({
        id: z.string().describe('iati-identifier.'),
        title: z.string().nullable().describe("The activity's title."),
        reportingOrg: z.string().nullable().describe('The reporting organisation.'),
      })
      .describe('The activity.'),
    recommendation: z
      .object({
        id: z.string().describe('Recommendation id.'),
        text: z.string().describe('The recommendation text.'),
        themes: z.array(z.string()).describe('Its themes.'),
        mechanism: z.string().describe('UPR, TB or SP.'),
        response: z.string().nullable().describe("The State's response (UPR)."),
      })
      .describe('The recommendation.'),
    score: z.number().describe('Combined score, 0–1 (noisy-or of the weighted method scores).'),
    methods: z.array(MethodName).describe('The methods that found the pair.'),
    evidence: SuggestionEvidence,
    status: z.enum(SUGGESTION_STATUSES).describe('open, accepted (a link was made) or rejected.'),
    runId: z.string().nullable().describe('The run that proposed it.'),
    decidedBy: z.string().nullable().describe('Who accepted or rejected it.'),
    decidedAt: z.string().nullable().describe('When (ISO 8601 UTC).'),
    decisionReason: z.string().nullable().describe('The rejection reason, or the rationale given on acceptance.'),
    linkId: z.string().nullable().describe('The link made on acceptance.'),
    createdAt: z.string().describe('ISO 8601 UTC.'),
    updatedAt: z.string().describe('ISO 8601 UTC.'),
  })
  .meta({
    id: 'Suggestion',
    description: 'A machine suggestion that an activity supports a recommendation. Never counted as a link unless accepted.',
  });

export const SuggestionPage = pageOf(Suggestion, 'SuggestionPage');
export const SuggestionParams = z.object({ id: z.string().min(1).max(100).describe('Suggestion id.') });

export const SuggestionAcceptBody = z
  .object({
    weight: Weight.optional().describe('The link weight; 1 when absent.'),
    rationale: Rationale.optional().describe("Why the activity supports the recommendation; the suggestion's evidence when absent."),
  })
  .meta({ id: 'SuggestionAcceptBody' });

export const SuggestionAcceptResult = z
  .object({
    suggestion: Suggestion,
    link: Link,
  })
  .meta({ id: 'SuggestionAcceptResult', description: 'The accepted suggestion and the link made from it.' });

export const SuggestionRejectBody = z
  .object({
    reason: z.string().trim().min(1, 'must not be empty').max(2000).describe('Why the activity does not support the recommendation.'),
  })
  .meta({ id: 'SuggestionRejectBody' });
