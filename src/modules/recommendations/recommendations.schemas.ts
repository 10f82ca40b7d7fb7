import { z } from 'zod';
import { multi, PageQuery, pageOf } from '../../lib/schemas.js';
import { LinkSummary } from '../links/links.schemas.js';
import { InstrumentCode, RecommendationObligation } from '../obligations/obligations.schemas.js';

export const MECHANISMS = ['UPR', 'TB', 'SP'] as const;
export const RESPONSES = ['supported', 'noted', 'supported_in_part'] as const;

const alpha2 = z
  .string()
  .regex(/^[A-Za-z]{2}$/, 'an ISO 3166-1 alpha-2 code')
  .transform((s) => s.toUpperCase());

export const RecommendationListQuery = z.object({
  country: multi(alpha2).describe('State under review (alpha-2); repeat or comma-separate for several.'),
  mechanism: z.enum(MECHANISMS).optional().describe('UPR, TB (Treaty Bodies) or SP (Special Procedures).'),
  body: z.string().min(1).max(200).optional().describe('The body, e.g. UPR, CRC, CEDAW, or a Special Procedures mandate.'),
  cycle: z.coerce.number().int().min(1).max(10).optional().describe('UPR cycle (1: sessions 1–12, 2: 13–26, 3: 27–40, 4: 41–54).'),
  session: z.coerce.number().int().min(1).max(200).optional().describe('UPR Working Group session.'),
  response: z.enum(RESPONSES).optional().describe("The State's response."),
  theme: z.string().min(1).max(200).optional().describe('A theme / issue, exactly as listed (e.g. "Women\'s rights").'),
  recommendingState: alpha2.optional().describe('UPR: the recommending State (alpha-2).'),
  instrument: InstrumentCode.optional().describe(
    'Recommendations that speak to this instrument: Treaty Body recommendations of its body, and UPR/SP recommendations whose themes the crosswalk maps to it.',
  ),
  affectedPerson: z.string().min(1).max(200).optional().describe('UHRI: an affected persons group, exactly as listed (e.g. "Children").'),
  sdg: z
    .string()
    .regex(/^(?:[1-9]|1[0-7])(?:\.(?:\d{1,2}|[a-cA-C]))?$/, 'an SDG goal ("16") or target ("16.3", "4.a")')
    .transform((s) => s.toLowerCase())
    .optional()
    .describe('An SDG goal ("16") or target ("16.3", "4.a"); UHRI tags recommendations at target level.'),
  documentSymbol: z.string().min(1).max(200).optional().describe('UN document symbol, e.g. CRC/C/KEN/CO/3-5 or A/HRC/15/8.'),
  annotationType: z.string().min(1).max(200).optional().describe('UHRI annotation type, e.g. "Recommendations" or "Concerns/Observations".'),
  publishedFrom: z.iso.date().optional().describe('Published on or after this date (YYYY-MM-DD).'),
  publishedTo: z.iso.date().optional().describe('Published on or before this date (YYYY-MM-DD).'),
  q: z.string().min(1).max(500).optional().describe('Full-text search on the text (websearch syntax: words, "phrases", -exclusions, or).'),
  ...PageQuery,
});
export type RecommendationListQuery = z.infer<typeof RecommendationListQuery>;

export const SourceRef = z
  .object({
    importer: z.string().describe('The importer that brought the record: upr-info, uhri…'),
    importRunId: z.string().nullable().describe('The import run (GET /v1/imports/{id}).'),
  })
  .meta({ id: 'SourceRef' });

export const Recommendation = z
  .object({
    id: z.string().describe('Stable identifier. UPR Info rows: derived from State, session, recommending State and text.'),
    country: z.string().describe('State under review / concerned (alpha-2).'),
    mechanism: z.enum(MECHANISMS),
    body: z.string(),
    session: z.number().int().nullable(),
    cycle: z.number().int().nullable(),
    response: z.string().nullable().describe('supported, noted or supported_in_part (UPR); null for others.'),
    actionCategory: z.number().int().nullable().describe('UPR Info action category, 1 (minimal) … 5 (specific action).'),
    recommendingStates: z.array(z.string()).describe('Recommending States (alpha-2); empty when unknown.'),
    recommendingStateNames: z.array(z.string()).describe('Recommending States as the source names them.'),
    themes: z.array(z.string()),
    affectedPersons: z.array(z.string()),
    sdgGoals: z.array(z.string()),
    sdgTargets: z.array(z.string()),
    documentSymbol: z.string().nullable(),
    paragraph: z.string().nullable(),
    annotationType: z.string().nullable(),
    publishedOn: z.string().nullable(),
    regions: z.array(z.string()).describe('UHRI: the regions of the countries concerned.'),
    documentId: z.string().nullable().describe("UHRI: the document's id in OHCHR's document system."),
    text: z.string().describe('Plain text (HTML removed, paragraph number in `paragraph`), for search and display.'),
    textHtml: z.string().nullable().describe('UHRI: the text as published, in HTML.'),
    source: SourceRef.nullable().describe('The most recent source record.'),
    sources: z.array(SourceRef).describe('Every source record merged into this recommendation.'),
    obligations: z
      .array(RecommendationObligation)
      .describe('Treaties (and articles) the recommendation speaks to: its own treaty for Treaty Bodies, through the theme crosswalk otherwise.'),
    links: z
      .array(LinkSummary)
      .optional()
      .describe('The live links of activities to this recommendation, oldest first; only in GET /v1/recommendations/{id}.'),
  })
  .meta({ id: 'Recommendation' });

export const RecommendationPage = pageOf(Recommendation, 'RecommendationPage');
export const RecommendationParams = z.object({ id: z.string().min(1).max(200).describe('Recommendation id.') });
