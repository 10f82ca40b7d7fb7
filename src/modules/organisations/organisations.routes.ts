import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { listReportingOrganisations } from './organisations.queries.js';
import { OrganisationListQuery, OrganisationPage } from './organisations.schemas.js';

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/organisations',
    {
      config: { role: 'reader' },
      schema: {
        tags: ['reference'],
        summary: 'Reporting organisations (donors, agencies) with their activity counts.',
        querystring: OrganisationListQuery,
        response: { 200: OrganisationPage },
      },
    },
    async (req) => {
      const { limit, cursor, ...f } = req.query;
      return listReportingOrganisations(app.database.db, f, { limit, cursor });
    },
  );
};
export default routes;
