import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, fromDatabaseError, isAppError, type ProblemFieldError } from '../lib/errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const LOCATION: Record<string, string> = { querystring: 'query', params: 'path', body: 'body', headers: 'header' };

export function problemBody(req: FastifyRequest, e: AppError) {
  const { headers: _headers, ...extra } = e.extra;
  return {
    type: `/problems/${e.slug}`,
    title: e.title,
    status: e.status,
    detail: e.message,
    instance: req.url,
    requestId: req.id,
    ...extra,
  };
}

export function sendProblem(req: FastifyRequest, reply: FastifyReply, e: AppError) {
  for (const [k, v] of Object.entries(e.extra.headers ?? {})) reply.header(k, v);
  return reply.status(e.status).type(PROBLEM_CONTENT_TYPE).send(problemBody(req, e));
}

/** Fastify's own errors (body too large, bad JSON, unsupported media type…) → domain errors. */
function fromFastifyError(err: FastifyError): AppError | undefined {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = LOCATION[err.validationContext ?? ''] ?? err.validationContext ?? 'request';
    const errors: ProblemFieldError[] = err.validation.map((v) => ({
      in: where,
      path: v.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(root)',
      message: v.message ?? 'invalid value',
    }));
    const names = [...new Set(errors.map((x) => x.path))].join(', ');
    return new AppError(400, 'validation', 'Invalid request', `Invalid ${where} parameter(s): ${names}.`, { errors });
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError(413, 'payload-too-large', 'Payload too large', 'The request body exceeds the size limit.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError(415, 'unsupported-media-type', 'Unsupported media type', err.message);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError(400, 'validation', 'Invalid request', err.message);
  }
  if (err.statusCode === 429) {
    return new AppError(429, 'rate-limited', 'Too many requests', err.message);
  }
  if (err instanceof SyntaxError && err.statusCode === 400) {
    return new AppError(400, 'validation', 'Invalid request', `The body is not valid JSON: ${err.message}`);
  }
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return new AppError(err.statusCode, 'client-error', 'Bad request', err.message);
  }
  return undefined;
}

/** One error handler for the whole app: every error leaves as application/problem+json, 5xx without internals. */
export default fp(
  async function errors(app: FastifyInstance) {
    app.setErrorHandler((err: FastifyError, req, reply) => {
      const mapped = isAppError(err) ? err : (fromDatabaseError(err) ?? fromFastifyError(err));
      if (mapped) {
        if (mapped.status >= 500) req.log.warn({ err }, 'service unavailable');
        return sendProblem(req, reply, mapped);
      }
      req.log.error({ err }, 'unhandled error');
      return sendProblem(
        req,
        reply,
        new AppError(500, 'internal', 'Internal server error', 'An unexpected error occurred. Quote the requestId when reporting it.'),
      );
    });

    app.setNotFoundHandler((req, reply) =>
      sendProblem(req, reply, new AppError(404, 'not-found', 'Not found', `No route ${req.method} ${req.url.split('?')[0]}.`)),
    );
  },
  { name: 'errors' },
);
