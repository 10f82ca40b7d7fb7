import { createHash } from 'node:crypto';

/**
 * Coverage answers keyed by their ETag: a hash of the route, the parsed parameters, the format and the data
 * version (coverage_inputs). A change to any input bumps the version in the writer's own transaction, so a
 * new answer gets a new key: nothing is ever invalidated, and nothing stale is ever served. Old versions'
 * entries simply age out of the LRU.
 */
export class AnswerCache {
  private readonly entries = new Map<string, { body: string; type: string }>();
  constructor(private readonly max = 500) {}

  static etag(route: string, params: Record<string, unknown>, format: string, version: string): string {
    const canonical = JSON.stringify(Object.keys(params).sort().map((k) => [k, params[k]]));
    return `"${createHash('sha256').update(`${route}\n${canonical}\n${format}\n${version}`).digest('base64url').slice(0, 32)}"`;
  }

  get(etag: string) {
    const hit = this.entries.get(etag);
    if (hit) {
      this.entries.delete(etag);
      this.entries.set(etag, hit);
    }
    return hit;
  }

  set(etag: string, body: string, type: string) {
    this.entries.set(etag, { body, type });
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }
}

/** If-None-Match holds the ETag (or *): weak comparison, as RFC 9110 asks for GET. */
export function matchesEtag(header: string | string[] | undefined, etag: string): boolean {
  if (!header) return false;
  const tags = (Array.isArray(header) ? header.join(',') : header).split(',').map((t) => t.trim().replace(/^W\//, ''));
  return tags.includes('*') || tags.includes(etag);
}
