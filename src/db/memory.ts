import { sql } from 'drizzle-orm';
import type { Database } from './client.js';
import { queryRows } from './query.js';

export interface MemoryFacts {
  /** PostgreSQL's shared_buffers, in bytes. */
  sharedBuffers: number;
  /** The recommendations table with its indexes and TOAST, in bytes. */
  recommendations: number;
}

/**
 * Advice when PostgreSQL's shared memory cannot hold the recommendations table: list totals over its GIN indexes
 * (full-text search) then read their pages from the OS, 2–3 times slower at UHRI's size (README, "Docker
 * Compose"). Undefined when the table fits, or is too small for it to matter (under 64 MB).
 */
export function sharedBuffersAdvice(f: MemoryFacts): string | undefined {
  const mb = (b: number) => `${Math.round(b / 1024 / 1024)} MB`;
  if (f.recommendations < 64 * 1024 * 1024 || f.recommendations <= f.sharedBuffers) return undefined;
  return (
    `PostgreSQL shared_buffers (${mb(f.sharedBuffers)}) is smaller than the recommendations table and its indexes ` +
    `(${mb(f.recommendations)}): full-text list totals will read from disk. Raise shared_buffers (docker-compose: PG_SHARED_BUFFERS).`
  );
}

/** The facts behind sharedBuffersAdvice, read from a PostgreSQL server (undefined on PGlite: it has no server to tune). */
export async function memoryFacts(database: Database): Promise<MemoryFacts | undefined> {
  if (database.engine !== 'postgres') return undefined;
  const [row] = await queryRows<{ shared_buffers: string; recommendations: string }>(
    database.db,
    sql`select pg_size_bytes(current_setting('shared_buffers'))::text as shared_buffers,
               coalesce(pg_total_relation_size(to_regclass('recommendations')), 0)::text as recommendations`,
  );
  return row && { sharedBuffers: Number(row.shared_buffers), recommendations: Number(row.recommendations) };
}
