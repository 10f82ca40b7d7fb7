/**
 * Typed domain errors. Queries and importers throw these; one handler (plugins/errors.ts)
 * turns them into application/problem+json. Nothing here knows HTTP beyond the status number.
 */
export interface ProblemFieldError {
  /** Where the bad value was: query, path, body, header, or a file line / record. */
  in: string;
  /** The parameter, field, or `line 12: Response` style pointer. */
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    detail: string,
    readonly extra: { errors?: ProblemFieldError[]; headers?: Record<string, string>; [k: string]: unknown } = {},
  ) {
    super(detail);
    this.name = 'AppError';
  }
}

export const badRequest = (detail: string, errors?: ProblemFieldError[]) =>
  new AppError(400, 'validation', 'Invalid request', detail, { errors });
export const unauthorized = (detail: string) =>
  new AppError(401, 'unauthorized', 'Authentication required', detail, {
    headers: { 'www-authenticate': 'Bearer realm="oda-rights-map"' },
  });
export const forbidden = (detail: string) => new AppError(403, 'forbidden', 'Forbidden', detail);
export const notFound = (detail: string) => new AppError(404, 'not-found', 'Not found', detail);
export const conflict = (detail: string, extra: Record<string, unknown> = {}) =>
  new AppError(409, 'conflict', 'Conflict', detail, extra);
export const preconditionFailed = (detail: string) =>
  new AppError(412, 'precondition-failed', 'Precondition failed', detail);
export const payloadTooLarge = (detail: string) =>
  new AppError(413, 'payload-too-large', 'Payload too large', detail);
export const unsupportedMediaType = (detail: string) =>
  new AppError(415, 'unsupported-media-type', 'Unsupported media type', detail);
export const unprocessable = (detail: string, extra: Record<string, unknown> = {}) =>
  new AppError(422, 'unprocessable', 'Unprocessable content', detail, extra);
export const preconditionRequired = (detail: string) =>
  new AppError(428, 'precondition-required', 'Precondition required', detail);
export const serviceUnavailable = (detail: string) =>
  new AppError(503, 'unavailable', 'Service unavailable', detail, { headers: { 'retry-after': '5' } });

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

/** Maps a PostgreSQL error (SQLSTATE) to a domain error, PostgREST-style; undefined when it is a real fault. */
export function fromDatabaseError(err: unknown): AppError | undefined {
  // drizzle wraps the driver's error (DrizzleQueryError): the SQLSTATE is on its cause.
  const e = err as { code?: unknown; cause?: { code?: unknown } };
  const raw = typeof e?.code === 'string' ? e.code : e?.cause?.code;
  const code = typeof raw === 'string' ? raw : undefined;
  if (!code) return undefined;
  if (code === '23505') return conflict('The resource already exists.');
  if (code === '23503') return conflict('The request refers to a resource that does not exist or is still referenced.');
  if (code === '23502' || code.startsWith('22')) return badRequest('A value is not valid for its field.');
  if (code.startsWith('08') || code.startsWith('53') || code === '57P01' || code === '57P03')
    return serviceUnavailable('The database is not reachable; try again shortly.');
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE'].includes(code))
    return serviceUnavailable('The database is not reachable; try again shortly.');
  return undefined;
}
