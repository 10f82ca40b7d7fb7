import { z } from 'zod';
import { booleanQuery, multi, PageQuery, pageOf } from '../../lib/schemas.js';
import { LinkSummary } from '../links/links.schemas.js';

const alpha2 = z
  .string()
  .regex(/^[A-Za-z]{2}$/, 'an ISO 3166-1 alpha-2 code')
  .transform((s) => s.toUpperCase());

export const ActivityListQuery = z.object({
  country: multi(alpha2).describe('Recipient country (alpha-2) of the activity or of any of its transactions; repeatable.'),
  reportingOrg: z.string().min(1).max(200).optional().describe('Reporting organisation ref, e.g. GB-GOV-1.'),
  sector: z
    .string()
    .regex(/^\d{3}(\d{2})?$/, 'a DAC 5-digit purpose code or a 3-digit group')
    .optional()
    .describe('DAC 5-digit purpose code, or a 3-digit code for its whole group.'),
  sdg: z
    .string()
    .regex(/^(\d{1,2})(\.[0-9a-zA-Z]{1,2})?$/, 'an SDG goal ("4") or target ("4.1", "16.a")')
    .transform((s) => s.toLowerCase())
    .optional()
    .describe('SDG goal ("4") or target ("4.1"), from tags or sectors.'),
  status: z.string().regex(/^\d$/, 'an ActivityStatus code').optional().describe('IATI ActivityStatus code (2 = implementation).'),
  humanitarian: booleanQuery.optional().describe('Only humanitarian (true) or non-humanitarian (false) activities.'),
  q: z.string().min(1).max(500).optional().describe('Full-text search on title and description (websearch syntax).'),
  ...PageQuery,
});
export type ActivityListQuery = z.infer<typeof ActivityListQuery>;

const OrgRef = z.object({ ref: z.string().nullable(), name: z.string().nullable() });
const Dates = z
  .object({
    plannedStart: z.string().nullable(),
    actualStart: z.string().nullable(),
    plannedEnd: z.string().nullable(),
    actualEnd: z.string().nullable(),
  })
  .meta({ id: 'ActivityDates' });

export const ActivitySummary = z
  .object({
    iatiIdentifier: z.string(),
    reportingOrg: OrgRef,
    title: z.string().nullable(),
    status: z.string().nullable(),
    humanitarian: z.boolean().nullable(),
    dates: Dates,
    countries: z.array(z.string()).describe('Recipient countries of the activity and of its transactions.'),
    sectors: z.array(z.string()).describe('DAC 5-digit purpose codes of the activity and of its transactions.'),
    sdgGoals: z.array(z.string()),
    sdgTargets: z.array(z.string()),
    lastUpdated: z.string().nullable(),
  })
  .meta({ id: 'ActivitySummary' });

const Money = z.number().describe('Amount in the stated currency.');

export const Activity = z
  .object({
    iatiIdentifier: z.string(),
    reportingOrg: OrgRef.extend({ type: z.string().nullable() }),
    title: z.string().nullable().describe('English title where present, else the first.'),
    description: z.string().nullable().describe('English description where present, else the first.'),
    titles: z.array(z.object({ lang: z.string().nullable(), text: z.string() })),
    descriptions: z.array(z.object({ type: z.string().nullable(), lang: z.string().nullable(), text: z.string() })),
    status: z.string().nullable().describe('ActivityStatus code.'),
    statusName: z.string().nullable(),
    defaultCurrency: z.string().nullable(),
    humanitarian: z.boolean().nullable(),
    lastUpdated: z.string().nullable(),
    dates: Dates,
    recipientCountries: z.array(
      z.object({ code: z.string(), name: z.string().nullable(), percentage: z.number().nullable() }),
    ),
    recipientRegions: z.array(
      z.object({ code: z.string(), vocabulary: z.string(), name: z.string().nullable(), percentage: z.number().nullable() }),
    ),
    sectors: z.array(
      z.object({
        vocabulary: z.string().describe('SectorVocabulary: 1 DAC 5-digit, 2 DAC 3-digit, 7 SDG goal, 8 SDG target, 10 cluster, 98/99 own.'),
        code: z.string(),
        name: z.string().nullable(),
        percentage: z.number().nullable(),
      }),
    ),
    tags: z.array(z.object({ vocabulary: z.string(), code: z.string() })),
    sdgGoals: z.array(z.string()),
    sdgTargets: z.array(z.string()),
    policyMarkers: z.array(
      z.object({ vocabulary: z.string(), code: z.string(), name: z.string().nullable(), significance: z.number().int().nullable() }),
    ),
    participatingOrgs: z.array(
      z.object({ role: z.string().nullable(), ref: z.string().nullable(), type: z.string().nullable(), name: z.string().nullable() }),
    ),
    transactions: z.array(
      z
        .object({
          type: z.string().describe('TransactionType code: 2 commitment, 3 disbursement, 4 expenditure…'),
          date: z.string().nullable(),
          value: Money,
          currency: z.string().nullable(),
          valueDate: z.string().nullable(),
          recipientCountry: z.string().nullable(),
          recipientRegion: z.string().nullable(),
          sector: z.object({ vocabulary: z.string().nullable(), code: z.string() }).nullable(),
          description: z.string().nullable(),
        })
        .meta({ id: 'Transaction' }),
    ),
    budgets: z.array(
      z.object({
        type: z.string().nullable(),
        status: z.string().nullable(),
        periodStart: z.string().nullable(),
        periodEnd: z.string().nullable(),
        value: Money,
        currency: z.string().nullable(),
        valueDate: z.string().nullable(),
      }),
    ),
    totals: z
      .array(z.object({ type: z.string(), currency: z.string().nullable(), value: Money, count: z.number().int() }))
      .describe('Transactions summed per type and currency (no conversion).'),
    source: z.object({ importRunId: z.string().nullable(), dataset: z.string().nullable(), iatiVersion: z.string().nullable() }),
    links: z.array(LinkSummary).describe('The live links of this activity to recommendations, oldest first.'),
  })
  .meta({ id: 'Activity' });

export const ActivityPage = pageOf(ActivitySummary, 'ActivityPage');
export const ActivityParams = z.object({
  id: z.string().min(1).max(500).describe('The iati-identifier, URL-encoded.'),
});
