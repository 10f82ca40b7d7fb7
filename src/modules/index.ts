import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import activitiesRoutes from './activities/activities.routes.js';
import countriesRoutes from './countries/countries.routes.js';
import exchangeRatesRoutes from './exchange-rates/exchange-rates.routes.js';
import importsRoutes from './imports/imports.routes.js';
import organisationsRoutes from './organisations/organisations.routes.js';
import recommendationsRoutes from './recommendations/recommendations.routes.js';
import systemRoutes from './system/system.routes.js';

/** Every module's routes; the resources live under /v1. */
export async function registerModules(app: FastifyInstance, config: Config) {
  await app.register(systemRoutes);
  await app.register(
    async (v1) => {
      await v1.register(countriesRoutes);
      await v1.register(recommendationsRoutes);
      await v1.register(activitiesRoutes);
      await v1.register(organisationsRoutes);
      await v1.register(importsRoutes(config));
      await v1.register(exchangeRatesRoutes);
      await v1.register(import('./obligations/obligations.routes.js'));
      await v1.register(import('./links/links.routes.js'));
      await v1.register(import('./suggestions/suggestions.routes.js'));
      await v1.register(import('./coverage/coverage.routes.js'));
      await v1.register(import('./facets/facets.routes.js'));
    },
    { prefix: '/v1' },
  );
}
