import { badRequest } from './errors.js';

/** Opaque keyset cursors: base64url JSON of the last row's sort key. */
export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, arity: number): unknown[] | undefined {
  if (cursor === undefined) return undefined;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === arity) return v;
  } catch {
    // fall through
  }
  throw badRequest('The cursor is not valid; use the nextCursor of a previous page.', [
    { in: 'query', path: 'cursor', message: 'not a cursor issued by this API' },
  ]);
}

/** Cuts a page fetched with limit+1 rows into items and the next cursor. */
export function paginate<T>(rows: T[], limit: number, keyOf: (row: T) => unknown[]) {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  const nextCursor = rows.length > limit && last ? encodeCursor(keyOf(last)) : null;
  return { items, nextCursor };
}

/** A database timestamp (either driver's text form) as ISO 8601 UTC; null stays null. */
export function isoTimestamp(ts: string | null): string | null {
  if (ts === null) return null;
  const d = new Date(ts.includes('T') ? ts : ts.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));
  return Number.isNaN(d.getTime()) ? ts : d.toISOString();
}
