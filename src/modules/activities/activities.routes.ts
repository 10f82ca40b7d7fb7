import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { notFound } from '../../lib/errors.js';
import { getActivity, listActivities } from './activities.queries.js';
import { Activity, ActivityListQuery, ActivityPage, ActivityParams } from './activities.schemas.js';

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/activities',
    {
      config: { role: 'reader' },
      schema: {
        tags: ['activities'],
        summary: 'List IATI activities, filtered and paginated.',
        querystring: ActivityListQuery,
        response: { 200: ActivityPage },
      },
    },
    async (req) => {
      const { limit, cursor, ...filters } = req.query;
      return listActivities(app.database.db, filters, { limit, cursor });
    },
  );

  app.get(
    '/activities/:id',
    {
      config: { role: 'reader' },
      schema: {
        tags: ['activities'],
        summary: 'One activity with its countries, sectors, transactions, budgets and totals.',
        params: ActivityParams,
        response: { 200: Activity },
      },
    },
    async (req) => {
      const activity = await getActivity(app.database.db, req.params.id);
      if (!activity) throw notFound(`No activity with iati-identifier "${req.params.id}".`);
      return activity;
    },
  );
};
export default routes;
