import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import systemRoutes from './system/system.routes.js';

/** Every module's routes; /v1 modules under their prefix. */
export async function registerModules(app: FastifyInstance, config: Config) {
  await app.register(systemRoutes);
  void config;
}
