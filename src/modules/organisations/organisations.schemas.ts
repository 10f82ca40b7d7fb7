import { z } from 'zod';
import { PageQuery, pageOf } from '../../lib/schemas.js';

export const Organisation = z
  .object({
    ref: z.string().describe('IATI organisation identifier, e.g. GB-GOV-1.'),
    name: z.string().nullable(),
    type: z.string().nullable().describe('IATI OrganisationType code.'),
    activities: z.number().int().describe('Activities it reports.'),
  })
  .meta({ id: 'Organisation' });
export const OrganisationListQuery = z.object({
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'an ISO 3166-1 alpha-2 code')
    .transform((s) => s.toUpperCase())
    .optional()
    .describe('Only organisations reporting activities in this recipient country; counts are for that country.'),
  ...PageQuery,
});
export const OrganisationPage = pageOf(Organisation, 'OrganisationPage');
