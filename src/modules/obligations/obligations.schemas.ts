import { z } from 'zod';
import { STATUSES, VOCABULARIES } from '../../importers/obligations.importer.js';

/** An instrument code as a query parameter (`?instrument=icescr` works too). */
/** The 18 core instruments and optional protocols (data/reference/instruments.csv); a test keeps the two in step. */
export const INSTRUMENT_CODES = [
  'ICERD', 'ICCPR', 'ICCPR-OP1', 'ICCPR-OP2', 'ICESCR', 'ICESCR-OP', 'CEDAW', 'CEDAW-OP', 'CAT', 'OPCAT',
  'CRC', 'CRC-OP-AC', 'CRC-OP-SC', 'CRC-OP-IC', 'ICMW', 'CPED', 'CRPD', 'CRPD-OP',
] as const;

export const InstrumentCode = z
  .preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : v), z.enum(INSTRUMENT_CODES))
  .describe('An instrument code (GET /v1/instruments), e.g. ICESCR, CRC-OP-SC, OPCAT.');

export const Instrument = z
  .object({
    code: z.string().describe('Our code: ICERD, ICCPR, ICCPR-OP1, ICESCR, CRC-OP-AC, OPCAT…'),
    shortName: z.string().describe('The usual abbreviation (OPSC, OP-CEDAW…).'),
    name: z.string().describe('The official title.'),
    kind: z.enum(['core', 'protocol']).describe('A core treaty or an optional protocol.'),
    parent: z.string().nullable().describe('The treaty a protocol belongs to.'),
    body: z.string().describe('Code of the monitoring body: CERD, CCPR, CESCR, CEDAW, CAT, SPT, CRC, CMW, CED, CRPD.'),
    bodyName: z.string().describe('Name of the monitoring body.'),
    recommendationBody: z
      .string()
      .nullable()
      .describe('The body name Treaty Body recommendations carry when they speak to this instrument (null: reviewed under its parent).'),
    adoptedOn: z.string().describe('Date of adoption by the General Assembly (YYYY-MM-DD).'),
  })
  .meta({ id: 'Instrument' });

export const InstrumentList = z
  .object({ items: z.array(Instrument).describe('The 9 core instruments, each followed by its optional protocols.') })
  .meta({ id: 'InstrumentList' });

export const SourceStatus = z
  .object({
    source: z.string().describe('hr-status (world-politics-datalab compilation of the UN Treaty Collection) or ohchr (OHCHR status table).'),
    asOf: z.string().describe('The date the source describes (YYYY-MM-DD).'),
    status: z.enum(STATUSES),
    date: z.string().nullable().describe('Exact date of ratification / accession (party) or of signature (signatory), when the source gives one.'),
    year: z.number().int().nullable().describe('Year of ratification / accession (party), or of signature.'),
    signedOn: z.string().nullable().describe('Date of signature, when the source gives one.'),
    note: z.string().nullable().describe("The source's own note."),
  })
  .meta({ id: 'RatificationSourceStatus' });

export const Obligation = z
  .object({
    instrument: z.string().describe('Instrument code.'),
    name: z.string(),
    shortName: z.string(),
    kind: z.enum(['core', 'protocol']),
    parent: z.string().nullable(),
    body: z.string().describe('Monitoring body code.'),
    bodyName: z.string(),
    status: z.enum(STATUSES).nullable().describe('party, signatory or none, per the most recent source; null when no source covers this State.'),
    date: z.string().nullable().describe('Date of ratification / accession (or signature), when a source gives it exactly.'),
    year: z.number().int().nullable().describe('Year of ratification / accession (or signature).'),
    statusSource: z.string().nullable().describe('The source status, date and year come from.'),
    disagreement: z.boolean().describe('true when the sources differ on status, or on the year for a party.'),
    disagreements: z.array(z.string()).describe('What differs, in words; empty when the sources agree.'),
    sources: z.array(SourceStatus).describe("Every source's row, newest first."),
    recommendations: z
      .object({
        fromBody: z.number().int().describe('Treaty Body recommendations to this State from the body that reviews this instrument.'),
        viaThemes: z.number().int().describe('UPR and Special Procedures recommendations to this State whose themes map to this instrument (crosswalk).'),
      })
      .describe('Recommendations that speak to this instrument.'),
  })
  .meta({ id: 'Obligation' });

export const CountryObligations = z
  .object({
    country: z.string().describe('ISO 3166-1 alpha-2.'),
    name: z.string(),
    items: z.array(Obligation).describe('Every instrument, in the order of GET /v1/instruments.'),
  })
  .meta({ id: 'CountryObligations' });

/** What a recommendation speaks to: an instrument and, where the crosswalk says, articles. */
export const RecommendationObligation = z
  .object({
    instrument: z.string().describe('Instrument code.'),
    articles: z.array(z.string()).describe('Articles, where the crosswalk names them; empty for a whole instrument.'),
  })
  .meta({ id: 'RecommendationObligation' });

export const CrosswalkQuery = z.object({
  vocabulary: z.enum(VOCABULARIES).optional().describe('upr-info (UPR Info issues) or uhri (OHCHR UHRI themes).'),
  instrument: InstrumentCode.optional(),
  theme: z.string().min(1).max(200).optional().describe('One theme, exactly as written.'),
});

export const CrosswalkRow = z
  .object({
    vocabulary: z.enum(VOCABULARIES),
    theme: z.string(),
    instrument: z.string(),
    articles: z.array(z.string()),
    reason: z.string().describe('Why this theme reaches this instrument.'),
  })
  .meta({ id: 'ThemeInstrument' });

export const UnmappedTheme = z
  .object({
    vocabulary: z.enum(VOCABULARIES),
    theme: z.string(),
    reason: z.string().describe('Why the theme deliberately maps to no instrument.'),
  })
  .meta({ id: 'UnmappedTheme' });

export const Crosswalk = z
  .object({
    items: z.array(CrosswalkRow).describe('Theme → instrument pairs.'),
    unmapped: z.array(UnmappedTheme).describe('Themes deliberately left unmapped (not filtered by instrument).'),
    unclassified: z
      .array(z.string())
      .describe('Themes found on stored recommendations that are neither mapped nor listed as unmapped: the crosswalk needs them.'),
  })
  .meta({ id: 'ThemeCrosswalk' });
