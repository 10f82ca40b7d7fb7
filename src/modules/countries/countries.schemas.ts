import { z } from 'zod';
import { booleanQuery, PageQuery, pageOf } from '../../lib/schemas.js';

export const Country = z
  .object({
    code: z.string().describe('ISO 3166-1 alpha-2.'),
    alpha3: z.string().nullable().describe('ISO 3166-1 alpha-3.'),
    name: z.string(),
    recommendations: z
      .object({ total: z.number().int(), UPR: z.number().int(), TB: z.number().int(), SP: z.number().int() })
      .describe('Recommendations to this State, by mechanism.'),
    activities: z.number().int().describe('Activities with this recipient country (on the activity or a transaction).'),
  })
  .meta({ id: 'Country' });

export const CountryListQuery = z.object({
  hasData: booleanQuery.optional().describe('true: only countries with recommendations or activities.'),
  ...PageQuery,
});
export const CountryPage = pageOf(Country, 'CountryPage');
export const CountryParams = z.object({
  iso2: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'an ISO 3166-1 alpha-2 code')
    .transform((s) => s.toUpperCase())
    .describe('ISO 3166-1 alpha-2 code.'),
});
