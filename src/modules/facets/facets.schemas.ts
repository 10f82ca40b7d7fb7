import { z } from 'zod';
import { RecommendationListQuery } from '../recommendations/recommendations.schemas.js';

/** The recommendation filters of GET /v1/recommendations, without paging. */
export const FacetsQuery = RecommendationListQuery.omit({ limit: true, cursor: true });
export type FacetsQuery = z.infer<typeof FacetsQuery>;

export const FacetValue = z
  .object({
    value: z.string().describe('The value, as the filter of the same name takes it.'),
    count: z.number().int().describe('Recommendations with this value under the current filters.'),
  })
  .meta({ id: 'FacetValue' });

const facet = (what: string) => z.array(FacetValue).describe(`${what}, most frequent first (ties by value).`);

export const Facets = z
  .object({
    total: z.number().int().describe('Recommendations matching the filters (the `total` of GET /v1/recommendations).'),
    mechanism: facet('Counts per mechanism (UPR, TB, SP)'),
    body: facet('Counts per body (UPR, a Treaty Body code, a Special Procedures mandate)'),
    cycle: facet('Counts per UPR cycle'),
    response: facet('Counts per UPR response'),
    theme: facet('Counts per theme (UPR Info issues and UHRI themes); a recommendation counts once under each of its themes'),
    affectedPerson: facet('Counts per affected persons group'),
    sdg: facet('Counts per SDG goal (the `sdg` filter with a goal)'),
    instrument: facet('Counts per instrument the recommendations speak to (the `instrument` filter)'),
  })
  .meta({ id: 'Facets' });
