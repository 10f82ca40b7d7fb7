import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import { badRequest } from './lib/errors.js';
import { parseClientJson } from './lib/json.js';
import authPlugin from './plugins/auth.js';
import databasePlugin from './plugins/database.js';
import errorsPlugin from './plugins/errors.js';
import swaggerPlugin from './plugins/swagger.js';
import { registerModules } from './modules/index.js';

export interface BuildAppOptions {
  config: Config;
  database: Database;
  logger?: FastifyServerOptions['logger'];
}

/** Builds the app as a plugin tree; it never listens (server.ts does). */
export async function buildApp({ config, database, logger = false }: BuildAppOptions) {
  const app = Fastify({
    logger,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    bodyLimit: 10 * 1024 * 1024,
    connectionTimeout: 0,
    requestTimeout: 15 * 60_000,
    keepAliveTimeout: 72_000,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    ajv: undefined,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // JSON bodies, parsed as fastify's default parser does (secure-json-parse, prototype keys refused) but with a problem
  // that says what is wrong: the default answers "not valid JSON" for valid JSON with a "__proto__" key.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    if (body === '') {
      done(badRequest('The request body is empty but its content-type is application/json.'), undefined);
      return;
    }
    const parsed = parseClientJson(body as string);
    if (parsed.ok) done(null, parsed.value);
    else done(badRequest(`The request body ${parsed.reason}.`), undefined);
  });
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });

  // Infrastructure first.
  await app.register(errorsPlugin);
  await app.register(databasePlugin, { database });
  await app.register(helmet, { global: true, contentSecurityPolicy: false });
  await app.register(cors, { origin: config.CORS_ORIGIN === '*' ? true : config.CORS_ORIGIN.split(','), exposedHeaders: ['etag', 'x-request-id', 'retry-after'] });
  if (config.RATE_LIMIT_MAX > 0) {
    await app.register(rateLimit, { max: config.RATE_LIMIT_MAX, timeWindow: config.RATE_LIMIT_WINDOW });
  }
  await app.register(swaggerPlugin);
  await app.register(authPlugin, { publicReads: config.PUBLIC_READS });

  // Then the modules.
  await registerModules(app, config);
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
