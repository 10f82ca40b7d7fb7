import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { ProblemSchema } from '../lib/schemas.js';

export const API_VERSION = '1.0.0';

const ERROR_STATUSES: Record<string, string> = {
  '400': 'Invalid request: a parameter or field is not valid (see errors[]).',
  '401': 'Authentication required.',
  '403': 'The key lacks the role, or was revoked.',
  '404': 'Not found.',
  '429': 'Too many requests.',
  '500': 'Unexpected fault (no internals are shown).',
  '503': 'The database is not reachable; retry after Retry-After seconds.',
};

/**
 * OpenAPI from the zod schemas. Every route gets the problem schema on its error statuses,
 * so the document shows errors without each route repeating them.
 */
export default fp(
  async function openapi(app: FastifyInstance) {
    app.addHook('onRoute', (route) => {
      if (route.url.startsWith('/docs') || route.schema?.hide) return;
      const schema = (route.schema ??= {});
      const response = ((schema as { response?: Record<string, unknown> }).response ??= {});
      for (const status of Object.keys(ERROR_STATUSES)) {
        if (status === '401' || status === '403') {
          if (!route.config?.role) continue;
        }
        response[status] ??= ProblemSchema;
      }
      if (route.config?.role) {
        (schema as { security?: unknown }).security = [{ bearerAuth: [] }];
      }
    });

    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'oda-rights-map API',
          version: API_VERSION,
          description:
            'Links donor development projects (IATI activities) to the recipient State\'s UN human rights recommendations ' +
            '(Universal Periodic Review, Treaty Bodies, Special Procedures) and reports coverage. Errors are RFC 9457 problem details.',
          license: { name: 'MIT' },
        },
        tags: [
          { name: 'recommendations', description: 'UN human rights recommendations to States.' },
          { name: 'activities', description: 'IATI aid activities.' },
          { name: 'reference', description: 'Countries, organisations and codelists.' },
          { name: 'imports', description: 'Importing source files, with run reports.' },
          { name: 'system', description: 'Health and readiness.' },
        ],
        components: {
          securitySchemes: {
            bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key created with `npm run cli -- keys create`.' },
          },
        },
      },
      transform: jsonSchemaTransform,
      transformObject: jsonSchemaTransformObject,
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });

    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'openapi' },
);
