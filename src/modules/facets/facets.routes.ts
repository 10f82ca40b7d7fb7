import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { facetCounts } from './facets.queries.js';
import { Facets, FacetsQuery } from './facets.schemas.js';

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/facets',
    {
      config: { role: 'reader' },
      schema: {
        tags: ['recommendations'],
        summary: 'Counts per mechanism, body, cycle, response, theme, affected persons, SDG goal and instrument.',
        description:
          'Takes the filters of GET /v1/recommendations and counts the recommendations they select under each value of each facet: what UHRI and the DIHR explorer show as their filter panels.',
        querystring: FacetsQuery,
        response: { 200: Facets },
      },
    },
    async (req) => facetCounts(app.database.db, req.query),
  );
};
export default routes;
