import type { SQL } from 'drizzle-orm';
import type { Db } from './client.js';

/** Runs raw SQL and returns its rows; both drivers answer `{ rows }`. */
export async function queryRows<T extends Record<string, unknown>>(db: Db, query: SQL): Promise<T[]> {
  const res = (await db.execute(query)) as unknown as { rows: T[] };
  return res.rows;
}

/** How many values one `inArray` list binds: each is a parameter, and a statement takes at most 65,535. */
export const IN_LIST_CHUNK = 1000;

/** Reads `values` IN_LIST_CHUNK at a time with `read` and concatenates the rows, in order. */
export async function readInChunks<V, T>(values: V[], read: (part: V[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < values.length; i += IN_LIST_CHUNK) out.push(...(await read(values.slice(i, i + IN_LIST_CHUNK))));
  return out;
}
