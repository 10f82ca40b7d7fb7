import { createHash } from 'node:crypto';

/**
 * Coverage answers keyed by their ETag: a hash of the route, the parsed parameters, the format and the data
 * version (coverage_inputs). A change to any input bumps the version in the writer's own transaction, so a
 * new answer gets a new key: nothing is ever invalidated, and nothing stale is ever served. Old versions'
 * entries simply age out of the LRU, which holds at most 500 answers and 64 MB (a donor × theme matrix at L is
 * 2.4 MB: 500 of them held 1.2 GB before the byte budget).
 */
export class AnswerCache {
  private readonly entries = new Map<string, { body: string; type: string }>();
  private bytes = 0;
  /** At most `max` answers and `maxBytes` of them (UTF-16 code units, about bytes for these answers). */
  constructor(
    private readonly max = 500,
    private readonly maxBytes = 64 * 1024 * 1024,
  ) {}

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
    // An answer larger than a quarter of the budget is not kept (it would push out most others).
    if (body.length > this.maxBytes / 4) return;
    const held = this.entries.get(etag);
    if (held) {
      this.bytes -= held.body.length;
      this.entries.delete(etag);
    }
    this.entries.set(etag, { body, type });
    this.bytes += body.length;
    while (this.entries.size > this.max || this.bytes > this.maxBytes) {
      const [k, v] = this.entries.entries().next().value!;
      this.entries.delete(k);
      this.bytes -= v.body.length;
    }
  }

  /** Answers and their size held now. */
  get size() {
    return { answers: this.entries.size, bytes: this.bytes };
  }
}

/** If-None-Match holds the ETag (or *): weak comparison, as RFC 9110 asks for GET. */
export function matchesEtag(header: string | string[] | undefined, etag: string): boolean {
  if (!header) return false;
  const tags = (Array.isArray(header) ? header.join(',') : header).split(',').map((t) => t.trim().replace(/^W\//, ''));
  return tags.includes('*') || tags.includes(etag);
}
