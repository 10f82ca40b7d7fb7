import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { notFound } from '../../lib/errors.js';
import { getCountry, listCountries } from './countries.queries.js';
import { Country, CountryListQuery, CountryPage, CountryParams } from './countries.schemas.js';

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/countries',
    {
      config: { role: 'reader' },
      schema: {
        tags: ['reference'],
        summary: 'Countries with their counts of recommendations (by mechanism) and of activities.',
        querystring: CountryListQuery,
        response: { 200: CountryPage },
      },
    },
    async (req) => {
      const { limit, cursor, ...f } = req.query;
      return listCountries(app.database.db, f, { limit, cursor });
    },
  );
  app.get(
    '/countries/:iso2',
    {
      config: { role: 'reader' },
      schema: { tags: ['reference'], summary: 'One country.', params: CountryParams, response: { 200: Country } },
    },
    async (req) => {
      const c = await getCountry(app.database.db, req.params.iso2);
      if (!c) throw notFound(`No country with code "${req.params.iso2}".`);
      return c;
    },
  );
};
export default routes;
