import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';

export interface SourceRow {
  /** The recommendation the source record belongs to (its own, or the twin it was merged into). */
  id: string | undefined;
  /** The record's key in its source (UPR Info content id, UHRI annotation id). */
  ref: string;
  contentHash: string;
  /** The source's own themes, so that the recommendation's merged themes can be recomputed. */
  themes: string[];
}

/** Records where each source record went; a no-op for rows that are already current. */
export async function upsertRecommendationSources(tx: Db, importer: string, runId: string, rows: SourceRow[]) {
  if (!rows.length) return;
  const json = JSON.stringify(rows.map((r) => ({ id: r.id, ref: r.ref, content_hash: r.contentHash, themes: r.themes })));
  await tx.execute(sql`
    insert into recommendation_sources (recommendation_id, importer, source_ref, import_run_id, content_hash, themes)
    select id, ${importer}, ref, ${runId}, content_hash, themes
    from jsonb_to_recordset(${json}::jsonb) as x(id text, ref text, content_hash text, themes text[])
    on conflict (importer, source_ref) do update set
      recommendation_id = excluded.recommendation_id, import_run_id = excluded.import_run_id,
      content_hash = excluded.content_hash, themes = excluded.themes, updated_at = now()
    where recommendation_sources.content_hash <> excluded.content_hash
       or recommendation_sources.recommendation_id <> excluded.recommendation_id
       or recommendation_sources.themes is distinct from excluded.themes`);
}
