import { z } from 'zod';
import { multi, PageQuery, pageOf } from '../../lib/schemas.js';

export const LINK_STATUSES = ['accepted', 'suggested', 'rejected'] as const;
export type LinkStatus = (typeof LINK_STATUSES)[number];
export const HISTORY_ACTIONS = ['create', 'update', 'retire', 'import'] as const;
// As recommendations.schemas.ts spells them; not imported from there, since that module imports LinkSummary from here.
const MECHANISMS = ['UPR', 'TB', 'SP'] as const;

const alpha2 = z
  .string()
  .regex(/^[A-Za-z]{2}$/, 'an ISO 3166-1 alpha-2 code')
  .transform((s) => s.toUpperCase());

// Field rules shared by create, patch and import, so that the three accept exactly the same values.
export const Weight = z
  .number()
  .gt(0, 'must be greater than 0')
  .lte(1, 'must be at most 1')
  .describe("The share of the activity's money in the country that this link may carry, 0 < weight ≤ 1 (coverage method, step 3).");
export const Rationale = z.string().trim().min(1, 'must not be empty').max(10_000).describe('Why the activity supports the recommendation.');
export const EvidenceUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .max(2000)
  .describe('A page that backs the link: a project document, a results report…');
export const Method = z
  .string()
  .regex(/^[a-z][a-z0-9-]*(\+[a-z][a-z0-9-]*)*$/, 'a method name (manual, sdg-match, …) or several joined by "+"')
  .max(100)
  .describe('How the link was found: manual, or the suggestion methods (sdg-match, sector-theme, text), joined by "+".');
export const Confidence = z.number().min(0).max(1).describe('The suggestion score behind the link, 0–1; null for manual links.');
export const ActivityRef = z.string().trim().min(1).max(500).describe('The activity (iati-identifier).');
export const RecommendationRef = z.string().trim().min(1).max(200).describe('The recommendation id.');

export const Link = z
  .object({
    id: z.string().describe('Stable link id (UUID).'),
    activity: z.string().describe('The activity (iati-identifier).'),
    recommendation: z.string().describe('The recommendation id.'),
    country: z.string().describe("The recommendation's country (alpha-2), where the activity works."),
    weight: z.number().describe(Weight.description!),
    status: z.enum(LINK_STATUSES).describe('accepted (counted in coverage), suggested, or rejected.'),
    method: z.string().describe(Method.description!),
    confidence: z.number().nullable().describe(Confidence.description!),
    rationale: z.string().describe('Why the activity supports the recommendation.'),
    evidenceUrl: z.string().nullable().describe('A page that backs the link.'),
    evidence: z.unknown().nullable().describe('Machine evidence carried over from a suggestion (per-method scores, shared SDG targets…).'),
    suggestionId: z.string().nullable().describe('The suggestion this link was accepted from, if any.'),
    createdBy: z.string().describe('The name of the key that created (or imported) the link.'),
    createdAt: z.string().describe('ISO 8601 UTC.'),
    updatedBy: z.string().describe('The name of the key that changed it last.'),
    updatedAt: z.string().describe('ISO 8601 UTC.'),
    version: z.number().int().describe('Starts at 1 and grows by one with every change; the ETag is W/"<id>-<version>".'),
  })
  .meta({ id: 'Link', description: 'This activity supports this recommendation: who said so, how, with what weight and evidence.' });
export type Link = z.infer<typeof Link>;

/** A link as listed on its activity or recommendation. */
export const LinkSummary = z
  .object({
    id: z.string(),
    activity: z.string().describe('The activity (iati-identifier).'),
    recommendation: z.string().describe('The recommendation id.'),
    country: z.string(),
    weight: z.number(),
    status: z.enum(LINK_STATUSES),
    method: z.string(),
    confidence: z.number().nullable(),
    rationale: z.string(),
    createdBy: z.string(),
    updatedAt: z.string(),
    version: z.number().int(),
  })
  .meta({ id: 'LinkSummary', description: 'A live link, as listed on its activity or recommendation (GET /v1/links/{id} has the rest).' });
export type LinkSummary = z.infer<typeof LinkSummary>;

export const LinkCreateBody = z
  .object({
    activity: ActivityRef,
    recommendation: RecommendationRef,
    weight: Weight.default(1),
    rationale: Rationale,
    evidenceUrl: EvidenceUrl.optional(),
    status: z.enum(LINK_STATUSES).default('accepted').describe('accepted by default.'),
  })
  .strict()
  .meta({ id: 'LinkCreate' });

export const LinkPatchBody = z
  .object({
    weight: Weight.optional(),
    rationale: Rationale.optional(),
    evidenceUrl: EvidenceUrl.nullable().optional().describe('A page that backs the link; null removes it.'),
    status: z.enum(LINK_STATUSES).optional(),
  })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'name at least one of weight, rationale, evidenceUrl, status')
  .meta({ id: 'LinkPatch', description: 'The fields to change. The pair (activity, recommendation) never changes: retire the link and create another.' });
export type LinkPatch = z.infer<typeof LinkPatchBody>;

export const LinkListQuery = z.object({
  country: multi(alpha2).describe("The recommendation's country (alpha-2); repeat or comma-separate for several."),
  activity: z.string().min(1).max(500).optional().describe('Links of this activity (iati-identifier).'),
  recommendation: z.string().min(1).max(200).optional().describe('Links of this recommendation.'),
  status: multi(z.enum(LINK_STATUSES)).describe('accepted, suggested or rejected; repeatable. All statuses when absent.'),
  method: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe('Links found by this method, alone or combined (method=sdg-match also finds "sdg-match+text").'),
  createdBy: z.string().min(1).max(200).optional().describe('Links created by this key name.'),
  mechanism: z.enum(MECHANISMS).optional().describe("The recommendation's mechanism: UPR, TB or SP."),
  theme: z.string().min(1).max(200).optional().describe("A theme of the recommendation, exactly as listed."),
  format: z
    .enum(['json', 'csv'])
    .optional()
    .describe('csv exports every matching link as text/csv (limit and cursor do not apply); also chosen by `Accept: text/csv`.'),
  ...PageQuery,
});
export type LinkListQuery = z.infer<typeof LinkListQuery>;

export const LinkPage = pageOf(Link, 'LinkPage');

export const LinkParams = z.object({ id: z.uuid().describe('Link id.') });

export const IfMatchHeaders = z
  .object({
    'if-match': z.string().max(500).optional().describe('The ETag of the version being changed, from GET /v1/links/{id}.'),
  })
  .passthrough();
export const IfNoneMatchHeaders = z
  .object({ 'if-none-match': z.string().max(500).optional().describe('An ETag held; 304 when the link is unchanged.') })
  .passthrough();

const Snapshot = z.record(z.string(), z.unknown()).nullable();
export const LinkHistoryEntry = z
  .object({
    seq: z.number().int().describe('Position in the audit trail (increasing over all links).'),
    action: z.enum(HISTORY_ACTIONS).describe('create, update, retire or import.'),
    actor: z.string().describe('The name of the key that made the change.'),
    at: z.string().describe('ISO 8601 UTC.'),
    requestId: z.string().nullable().describe('The request that made the change (x-request-id).'),
    changed: z.array(z.string()).describe('The fields whose value differs between before and after.'),
    before: Snapshot.describe('The link before the change; null for create and import.'),
    after: Snapshot.describe('The link after the change. An import adds `importedFrom` (the source id, createdBy, createdAt).'),
  })
  .meta({ id: 'LinkHistoryEntry' });

export const LinkHistory = z
  .object({
    linkId: z.string(),
    retired: z.boolean().describe('True when the link has been retired (its history stays readable).'),
    items: z.array(LinkHistoryEntry).describe('Every change, oldest first.'),
  })
  .meta({ id: 'LinkHistory' });

/**
 * One row of an import: the export's own shape. id, country, createdBy, createdAt, updatedBy, updatedAt and
 * version describe the source database; they are accepted and checked for type but the link is created anew.
 */
export const LinkImportRow = z
  .object({
    id: z.string().max(200).nullish(),
    activity: ActivityRef,
    recommendation: RecommendationRef,
    country: alpha2.nullish().describe('When given, it must be the recommendation\'s country.'),
    weight: Weight.default(1),
    status: z.enum(LINK_STATUSES).default('accepted'),
    method: Method.default('manual'),
    confidence: Confidence.nullish(),
    rationale: Rationale,
    evidenceUrl: EvidenceUrl.nullish(),
    evidence: z.unknown().nullish(),
    suggestionId: z.string().max(200).nullish(),
    createdBy: z.string().max(200).nullish(),
    createdAt: z.string().max(100).nullish(),
    updatedBy: z.string().max(200).nullish(),
    updatedAt: z.string().max(100).nullish(),
    version: z.number().int().min(1).nullish(),
  })
  .strict();
export type LinkImportRow = z.infer<typeof LinkImportRow>;
export const LINK_IMPORT_FIELDS = Object.keys(LinkImportRow.shape) as (keyof LinkImportRow)[];

export const LinkImportBody = z.unknown().meta({
  description:
    'text/csv: the CSV export (a header row naming the columns of GET /v1/links?format=csv). application/json: an array of links, or an object with `items` (a LinkPage).',
});

export const LinkImportResult = z
  .object({
    created: z.number().int().describe('Links created.'),
    items: z.array(Link).describe('The links created, in the order of the batch.'),
  })
  .meta({ id: 'LinkImportResult' });
