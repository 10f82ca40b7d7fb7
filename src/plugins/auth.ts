import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { forbidden, unauthorized } from '../lib/errors.js';
import { roleRank, verifyKey, type Principal, type Role } from '../modules/keys/keys.queries.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The least role a route needs. `reader` routes are public unless PUBLIC_READS=false. */
    role?: Role;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/**
 * Bearer-key authentication. Each route names the role it needs in `config.role`;
 * a key is checked whenever one is presented, so a revoked key is refused even on public routes.
 */
export default fp(
  async function auth(app: FastifyInstance, opts: { publicReads: boolean }) {
    app.decorateRequest('principal', null);

    app.addHook('onRequest', async (req: FastifyRequest) => {
      const needed = req.routeOptions.config?.role;
      const header = req.headers.authorization;
      if (header) {
        const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
        if (!m) throw unauthorized('The Authorization header must be "Bearer <key>".');
        const check = await verifyKey(app.database.db, m[1]!);
        if (!check.ok) {
          if (check.reason === 'revoked') throw forbidden('This API key has been revoked.');
          throw unauthorized('The API key is not valid.');
        }
        req.principal = check.principal;
      }
      if (!needed) return;
      if (needed === 'reader' && opts.publicReads) return;
      if (!req.principal) throw unauthorized(`This operation needs a key with the ${needed} role.`);
      if (roleRank(req.principal.role) < roleRank(needed)) {
        throw forbidden(`This operation needs the ${needed} role; the key "${req.principal.name}" has ${req.principal.role}.`);
      }
    });
  },
  { name: 'auth', dependencies: ['database'] },
);
