import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { notFound } from '../../lib/errors.js';
import { CountryParams } from '../countries/countries.schemas.js';
import { getCountryObligations, listCrosswalk, listInstruments } from './obligations.queries.js';
import { CountryObligations, Crosswalk, CrosswalkQuery, InstrumentList } from './obligations.schemas.js';

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/countries/:iso2/obligations',
    {
      config: { role: 'reader' },
      schema: {
        tags: ['obligations'],
        summary: "A State's obligations: every instrument with its ratification status under each source, and the recommendations that speak to it.",
        params: CountryParams,
        response: { 200: CountryObligations },
      },
    },
    async (req) => {
      const result = await getCountryObligations(app.database.db, req.params.iso2);
      if (!result) throw notFound(`No country with code "${req.params.iso2}".`);
      return result;
    },
  );

  app.get(
    '/instruments',
    {
      config: { role: 'reader' },
      schema: {
        tags: ['obligations'],
        summary: 'The core human rights instruments and their optional protocols, with their monitoring bodies.',
        response: { 200: InstrumentList },
      },
    },
    async () => listInstruments(app.database.db),
  );

  app.get(
    '/crosswalks/themes',
    {
      config: { role: 'reader' },
      schema: {
        tags: ['obligations'],
        summary: 'The theme → instrument crosswalk (UPR Info issues and UHRI themes), the themes deliberately left unmapped, and stored themes in neither list.',
        querystring: CrosswalkQuery,
        response: { 200: Crosswalk },
      },
    },
    async (req) => listCrosswalk(app.database.db, req.query),
  );
};
export default routes;
