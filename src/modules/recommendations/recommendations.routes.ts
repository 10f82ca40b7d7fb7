import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { notFound } from '../../lib/errors.js';
import { getRecommendation, listRecommendations } from './recommendations.queries.js';
import { Recommendation, RecommendationListQuery, RecommendationPage, RecommendationParams } from './recommendations.schemas.js';

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/recommendations',
    {
      config: { role: 'reader' },
      schema: {
        tags: ['recommendations'],
        summary: 'List recommendations, filtered and paginated.',
        querystring: RecommendationListQuery,
        response: { 200: RecommendationPage },
      },
    },
    async (req) => {
      const { limit, cursor, ...filters } = req.query;
      return listRecommendations(app.database.db, filters, { limit, cursor });
    },
  );

  app.get(
    '/recommendations/:id',
    {
      config: { role: 'reader' },
      schema: {
        tags: ['recommendations'],
        summary: 'One recommendation.',
        params: RecommendationParams,
        response: { 200: Recommendation },
      },
    },
    async (req) => {
      const rec = await getRecommendation(app.database.db, req.params.id);
      if (!rec) throw notFound(`No recommendation with id "${req.params.id}".`);
      return rec;
    },
  );
};
export default routes;
