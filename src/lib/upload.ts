import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { payloadTooLarge, unsupportedMediaType } from './errors.js';

/** The request's media type, lower-cased, without parameters ("" when absent). */
export function mediaType(req: FastifyRequest): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * The raw body stream of a file upload, after checking its media type (415) and its declared size (413).
 * The route's plugin registers a content-type parser that passes the stream on, so nothing is buffered;
 * bytes beyond the limit without a Content-Length are stopped by the importer's meter.
 */
export function uploadStream(req: FastifyRequest, accepted: string[], maxBytes: number, what: string): Readable {
  const type = mediaType(req);
  if (!accepted.includes(type)) {
    throw unsupportedMediaType(`${what} takes ${accepted.join(' or ')}; got "${type || 'no content type'}".`);
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw payloadTooLarge(`The file (${declared} bytes) exceeds the size limit of ${maxBytes} bytes for ${what.toLowerCase()}.`);
  }
  return req.body as Readable;
}

/** The file name an upload gives in `X-File-Name` (trimmed, at most 300 characters), else `fallback`. */
export function uploadFileName(req: FastifyRequest, fallback: string): string {
  const given = req.headers['x-file-name'];
  return typeof given === 'string' && given.trim() ? given.trim().slice(0, 300) : fallback;
}
