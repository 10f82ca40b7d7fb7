import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { serviceUnavailable } from '../../lib/errors.js';
import { API_VERSION } from '../../plugins/swagger.js';

const Health = z.object({ status: z.literal('ok'), version: z.string() }).meta({ id: 'Health' });
const Ready = z
  .object({ status: z.literal('ready'), database: z.enum(['pglite', 'postgres']) })
  .meta({ id: 'Ready' });

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/health',
    { schema: { tags: ['system'], summary: 'Liveness: the process answers.', response: { 200: Health } } },
    async () => ({ status: 'ok' as const, version: API_VERSION }),
  );
  app.get(
    '/ready',
    {
      schema: { tags: ['system'], summary: 'Readiness: the database answers (503 otherwise).', response: { 200: Ready } },
    },
    async () => {
      try {
        await app.database.ping();
      } catch {
        throw serviceUnavailable('The database is not reachable.');
      }
      return { status: 'ready' as const, database: app.database.engine };
    },
  );
};
export default routes;
