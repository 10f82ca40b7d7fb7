import { z } from 'zod';
import { multi } from '../../lib/schemas.js';
import { MECHANISMS, RESPONSES } from '../recommendations/recommendations.schemas.js';

const alpha2 = z
  .string()
  .regex(/^[A-Za-z]{2}$/, 'an ISO 3166-1 alpha-2 code')
  .transform((s) => s.toUpperCase());
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'an ISO date (YYYY-MM-DD)')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'not a calendar date');
const currencyCode = z
  .string()
  .regex(/^[A-Za-z]{3}$/, 'an ISO 4217 code')
  .transform((s) => s.toUpperCase());

export const BASES = ['disbursement', 'commitment'] as const;
export const LINK_STATUSES = ['accepted', 'suggested'] as const;
/** Dimensions a coverage answer can be grouped by; all but donor are the recommendation's own. */
export const DIMENSIONS = ['mechanism', 'body', 'cycle', 'response', 'theme', 'affectedPerson', 'sdgGoal', 'instrument', 'donor'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export const MATRIX_DIMENSIONS = ['donor', 'mechanism', 'theme', 'sdgGoal', 'instrument', 'response'] as const;
export const FORMATS = ['json', 'csv'] as const;

/** The parameters every coverage answer takes (country aside: the donor alignment spans countries). */
const common = {
  from: isoDate.optional().describe('Start of the period (inclusive). With from/to an activity counts only if it has money of the basis in the period or its dates overlap it.'),
  to: isoDate.optional().describe('End of the period (inclusive).'),
  basis: z
    .enum(BASES)
    .default('disbursement')
    .describe('disbursement: disbursements and expenditures (transaction types 3 and 4); commitment: commitments (type 2).'),
  currency: currencyCode.default('USD').describe('Reporting currency (ISO 4217); amounts convert through US dollars with the rate of their year.'),
  links: multi(z.enum(LINK_STATUSES)).describe(
    'Link statuses that count: accepted (default); add suggested to count suggested links and open machine suggestions at or above minScore (weight 1).',
  ),
  minScore: z.coerce.number().min(0).max(1).optional().describe('With links=suggested: the least suggestion score (and suggested-link confidence) that counts.'),
  mechanism: z.enum(MECHANISMS).optional().describe('Only recommendations of this mechanism.'),
  body: z.string().min(1).max(200).optional().describe('Only recommendations of this body.'),
  cycle: z.coerce.number().int().min(1).max(10).optional().describe('Only this UPR cycle.'),
  response: z.enum(RESPONSES).optional().describe("Only recommendations with this response."),
  theme: z.string().min(1).max(200).optional().describe('Only recommendations with this theme.'),
  affectedPerson: z.string().min(1).max(200).optional().describe('Only recommendations naming this group of affected persons.'),
  sdg: z
    .string()
    .regex(/^(\d{1,2})(\.[0-9a-zA-Z]{1,2})?$/, 'an SDG goal ("4") or target ("4.1", "16.a")')
    .transform((s) => s.toLowerCase())
    .optional()
    .describe('Only recommendations tagged with this SDG goal ("5") or target ("5.2").'),
  instrument: z.string().min(1).max(50).optional().describe('Only recommendations speaking to this instrument (ICESCR, CRC…; GET /v1/instruments).'),
  donor: z.string().min(1).max(200).optional().describe('Only activities of this reporting organisation (ref, e.g. GB-GOV-1).'),
  sector: z
    .string()
    .regex(/^\d{3}(\d{2})?$/, 'a DAC 5-digit purpose code or a 3-digit group')
    .optional()
    .describe('Only activities with this DAC purpose code (5 digits) or group (3 digits).'),
  format: z.enum(FORMATS).optional().describe('json (default) or csv; Accept: text/csv does the same.'),
};

const country = alpha2.describe('Recipient country / State under review (alpha-2).');

export const CoverageQuery = z.object({
  country,
  ...common,
  groupBy: z.enum(DIMENSIONS).optional().describe('Adds groups: one per key of this dimension (a recommendation with several themes counts in each).'),
});
export type CoverageQuery = z.infer<typeof CoverageQuery>;

export const COVERAGE_SORTS = ['priority', 'money', 'activities'] as const;
export const CoverageRecommendationsQuery = z.object({
  country,
  ...common,
  covered: z
    .preprocess((v) => (v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v), z.boolean())
    .optional()
    .describe('true: only covered recommendations; false: only the gaps.'),
  sort: z
    .enum(COVERAGE_SORTS)
    .default('priority')
    .describe('priority: supported before noted, then echoed by more mechanisms / sessions, then newest; money or activities: most first.'),
  limit: z.coerce.number().int().min(1).max(500).default(100).describe('Rows per page, 1–500.'),
  cursor: z.string().max(2000).optional().describe('The opaque `nextCursor` of the previous page.'),
});
export type CoverageRecommendationsQuery = z.infer<typeof CoverageRecommendationsQuery>;

export const CoverageDonorsQuery = z.object({ country, ...common });
export const DonorAlignmentQuery = z.object({ ...common });
export const DonorAlignmentParams = z.object({ ref: z.string().min(1).max(200).describe('The donor: a reporting organisation ref.') });

export const CoverageMatrixQuery = z
  .object({
    country,
    ...common,
    rows: z.enum(MATRIX_DIMENSIONS).describe('Dimension of the rows.'),
    cols: z.enum(MATRIX_DIMENSIONS).describe('Dimension of the columns.'),
  })
  .refine((q) => q.rows !== q.cols, { message: 'rows and cols must differ', path: ['cols'] });

// ---------------------------------------------------------------- answers

export const Money = z
  .object({
    amount: z.number().describe('Rounded to cents.'),
    currency: z.string().describe('The reporting currency.'),
  })
  .meta({ id: 'CoverageMoney' });

export const Unconverted = z
  .array(z.object({ currency: z.string().describe('The amount\'s own currency (XXX: none given).'), amount: z.number() }))
  .describe('Amounts for which no rate of their year exists, in their own currency: never dropped, never treated as dollars.')
  .meta({ id: 'CoverageUnconverted' });

const figures = {
  recommendations: z.number().int().describe('Recommendations in scope (for donor keys: of the whole scope / the other key).'),
  covered: z.number().int().describe('Of which with at least one counted link.'),
  coverageRatio: z.number().describe('covered ÷ recommendations (0 when there are none).'),
  activities: z.number().int().describe('Distinct linked activities (reach; not split).'),
  donors: z.number().int().describe('Distinct reporting organisations of those activities.'),
  money: Money.describe('Money attributed through links (split by normalised weights).'),
  unconverted: Unconverted,
};
export const CoverageFigures = z.object(figures).meta({ id: 'CoverageFigures' });
export const CoverageGroup = z
  .object({ key: z.string().nullable().describe('The key (null: none, e.g. no theme).'), label: z.string(), ...figures })
  .meta({ id: 'CoverageGroup' });

export const Provenance = z
  .object({
    country: z.string().nullable(),
    donor: z.string().nullable(),
    period: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
    basis: z.enum(BASES),
    transactionTypes: z.array(z.string()),
    currency: z.string(),
    rates: z
      .array(
        z.object({
          currency: z.string(),
          year: z.number().int(),
          rate: z.number().describe('Units of the currency per US dollar.'),
          source: z.string(),
          origin: z.string().describe('bundled, loaded or base (USD).'),
          importRunId: z.string().nullable(),
        }),
      )
      .describe('Every rate used for a conversion.'),
    missingRates: z.array(z.object({ currency: z.string(), year: z.number().int().nullable() })).describe('(currency, year) pairs without a rate: their amounts are under unconverted.'),
    links: z.object({
      statuses: z.array(z.enum(LINK_STATUSES)),
      minScore: z.number().nullable(),
      suggestionsCounted: z.boolean().describe('true when open machine suggestions (score ≥ minScore) counted as links of weight 1.'),
      rule: z.string(),
    }),
    importRuns: z
      .array(z.object({ id: z.string(), kind: z.string(), file: z.string(), sha256: z.string().nullable(), finishedAt: z.string().nullable() }))
      .describe('The import runs behind the recommendations, activities and rates used.'),
    dataVersion: z.string().describe('The version of the inputs this answer was computed from (it is in the ETag).'),
  })
  .meta({ id: 'CoverageProvenance' });

export const CoverageAnswer = z
  .object({ totals: CoverageFigures, groupBy: z.enum(DIMENSIONS).nullable(), groups: z.array(CoverageGroup).optional(), provenance: Provenance })
  .meta({ id: 'Coverage' });

export const CoverageRecommendation = z
  .object({
    id: z.string(),
    mechanism: z.enum(MECHANISMS),
    body: z.string(),
    response: z.string().nullable(),
    themes: z.array(z.string()),
    text: z.string(),
    covered: z.boolean(),
    activities: z.number().int(),
    donors: z.number().int(),
    money: Money,
    unconverted: Unconverted,
  })
  .meta({ id: 'CoverageRecommendation' });
export const CoverageRecommendationPage = z
  .object({
    items: z.array(CoverageRecommendation),
    nextCursor: z.string().nullable(),
    total: z.number().int(),
    provenance: Provenance,
  })
  .meta({ id: 'CoverageRecommendationPage' });

const donorFigures = {
  moneyInCountry: Money.describe("The donor's money in the country (all its activities there)."),
  moneyInCountryUnconverted: Unconverted,
  linkedMoney: Money.describe('Of which attributed to recommendations through links.'),
  linkedMoneyUnconverted: Unconverted,
  linkedShare: z.number().nullable().describe('linkedMoney ÷ moneyInCountry (null when there is no converted money).'),
  activities: z.number().int().describe('Activities with money in the country or overlapping the period.'),
  links: z.number().int().describe('Counted links to recommendations in scope.'),
  recommendations: z.number().int().describe('Recommendations reached.'),
};
export const CoverageDonor = z
  .object({ donor: z.string().nullable(), name: z.string().nullable(), ...donorFigures })
  .meta({ id: 'CoverageDonor' });
export const CoverageDonorList = z.object({ items: z.array(CoverageDonor), provenance: Provenance }).meta({ id: 'CoverageDonorList' });
export const DonorAlignmentCountry = z
  .object({ country: z.string(), name: z.string().nullable(), ...donorFigures })
  .meta({ id: 'DonorAlignmentCountry' });
export const DonorAlignment = z
  .object({ donor: z.string(), name: z.string().nullable(), items: z.array(DonorAlignmentCountry), provenance: Provenance })
  .meta({ id: 'DonorAlignment' });

export const MatrixCell = z
  .object({
    row: z.string().nullable(),
    col: z.string().nullable(),
    recommendations: z.number().int().describe('Recommendations in the cell (with a donor dimension: those of the other key).'),
    covered: z.number().int(),
    money: Money,
    unconverted: Unconverted,
  })
  .meta({ id: 'CoverageMatrixCell' });
export const CoverageMatrix = z
  .object({
    rows: z.object({ dimension: z.enum(MATRIX_DIMENSIONS), keys: z.array(z.object({ key: z.string().nullable(), label: z.string() })) }),
    cols: z.object({ dimension: z.enum(MATRIX_DIMENSIONS), keys: z.array(z.object({ key: z.string().nullable(), label: z.string() })) }),
    cells: z.array(MatrixCell),
    provenance: Provenance,
  })
  .meta({ id: 'CoverageMatrix' });
