import { z } from 'zod';
import { MAX_RATE_YEAR, MIN_RATE_YEAR } from '../../importers/rates.importer.js';
import { booleanQuery, multi, PageQuery, pageOf } from '../../lib/schemas.js';

const currencyCode = z
  .string()
  .regex(/^[A-Za-z]{3}$/, 'an ISO 4217 code')
  .transform((s) => s.toUpperCase());

export const ExchangeRate = z
  .object({
    currency: z.string().describe('ISO 4217 code.'),
    year: z.number().int().describe('The calendar year the rate averages.'),
    unitsPerUsd: z.number().describe('Units of the currency per US dollar (annual average).'),
    source: z.string().describe('Where the rate comes from, as the loaded file names it.'),
    origin: z
      .enum(['bundled', 'loaded'])
      .describe('bundled: the FRED-derived default shipped with the service; loaded: posted by an admin, takes precedence.'),
    importRunId: z.string().nullable().describe('The import run that wrote the rate (GET /v1/imports/{id}).'),
    loadedAt: z.string().describe('When the rate was written (ISO 8601).'),
  })
  .meta({
    id: 'ExchangeRate',
    description: 'One annual rate. An amount converts as amount / unitsPerUsd(currency, year) × unitsPerUsd(target, year); USD is 1.',
  });

export const ExchangeRateListQuery = z.object({
  currency: multi(currencyCode).describe('Only these currencies (repeat or comma-separate).'),
  year: z.coerce.number().int().min(MIN_RATE_YEAR).max(MAX_RATE_YEAR).optional().describe('Only this year.'),
  origin: z.enum(['bundled', 'loaded']).optional().describe('Only bundled defaults, or only loaded rates.'),
  ...PageQuery,
});
export const ExchangeRatePage = pageOf(ExchangeRate, 'ExchangeRatePage');

export const ExchangeRateLoadQuery = z.object({
  dryRun: booleanQuery.default(false).describe('Validate and count without writing.'),
});

export const RatesCsvBody = z.unknown().meta({
  type: 'string',
  format: 'binary',
  description:
    'text/csv with the header `currency,year,unitsPerUsd,source`: ISO 4217 code (in the IATI Currency codelist), year 1960–2100, ' +
    'a positive number of units per US dollar, and a non-empty source name.',
});
