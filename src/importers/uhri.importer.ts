/**
 * OHCHR Universal Human Rights Index (UHRI) exports: the JSON array and the XLSX sheet (DOMAIN.md, UHRI).
 * The format is told by the file's first bytes (a ZIP is XLSX, "[" is JSON); both are streamed (stream-json,
 * exceljs's streaming workbook reader), one record in memory at a time.
 *
 * - Identity: the annotation id (recommendation_sources: importer 'uhri', source_ref = AnnotationId). A new
 *   annotation becomes recommendation `uhri-<annotation id>`, unless it is a UPR recommendation that UPR Info
 *   already brought: then it is merged into that one (see uhri/merge.ts) and counted as `matched`.
 * - Unchanged detection compares the source row's content hash, so re-importing reports unchanged whatever
 *   other sources did to a merged recommendation.
 */
import { inArray, and, eq, ne, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { recommendationSources } from '../db/schema.js';
import { bundledCountryResolver, type CountryResolver } from './reference.importer.js';
import { upsertRecommendationSources } from './recommendation-sources.js';
import { FatalImportError, type ImportContext, type Importer, type Outcome, type Parsed } from './run.js';
import { toUhriRecord, type UhriRecord } from './uhri/fields.js';
import { findUprTwins, mergedThemesSql } from './uhri/merge.js';
import { peek, readJson, readXlsx, sniffFormat, type UhriFormat } from './uhri/readers.js';

export type { UhriRecord } from './uhri/fields.js';
export type { UhriFormat } from './uhri/readers.js';

export const UHRI_IMPORTER = 'uhri';

export interface UhriOptions {
  /** The declared format (from the upload's content type); the file's first bytes must agree. Detected when absent. */
  format?: UhriFormat;
  resolveCountry?: CountryResolver;
}

interface Item extends UhriRecord {
  /** Set when the same annotation already appeared earlier in the file: not written again. */
  duplicate?: boolean;
}

export const uhriRecommendationId = (annotationId: string) => `uhri-${annotationId.trim().toLowerCase()}`;

export function uhriImporter(opts: UhriOptions = {}): Importer<Item> {
  return {
    kind: UHRI_IMPORTER,
    batchSize: 1000,

    async *parse(input, ctx: ImportContext): AsyncIterable<Parsed<Item>> {
      const { head, stream } = await peek(input);
      if (!head.length) throw new FatalImportError('The file is empty.');
      const format = sniffFormat(head);
      if (!format) throw new FatalImportError('This is not a UHRI export: neither a JSON array nor an XLSX workbook.');
      if (opts.format && opts.format !== format) {
        throw new FatalImportError(`The upload was declared ${opts.format.toUpperCase()} but the file is ${format.toUpperCase()}.`);
      }
      const resolver = opts.resolveCountry ?? bundledCountryResolver();
      const memo = new Map<string, string | undefined>();
      const resolve: CountryResolver = (name) => {
        if (!memo.has(name)) memo.set(name, resolver(name));
        return memo.get(name);
      };
      const seen = new Map<string, number>();
      const unknownReported = new Set<string>();
      for await (const item of format === 'json' ? readJson(stream) : readXlsx(stream)) {
        for (const k of item.unknownKeys ?? []) {
          if (unknownReported.has(k)) continue;
          unknownReported.add(k);
          ctx.report({ severity: 'warning', field: k, message: `the ${format === 'json' ? 'key' : 'column'} "${k}" is not read` });
        }
        const line = format === 'xlsx' ? item.position : undefined;
        const where = format === 'xlsx' ? `row ${item.position}` : `record ${item.position}`;
        const { record, problems } = toUhriRecord(item.raw, format, resolve);
        const recordId = item.raw.annotationId.trim() || `(${where})`;
        if (!record) {
          yield { line, recordId, problems };
          continue;
        }
        const key = record.annotationId.toLowerCase();
        const first = seen.get(key);
        if (first !== undefined) {
          problems.push({
            severity: 'warning',
            message: `${where} repeats annotation ${record.annotationId} of ${format === 'xlsx' ? 'row' : 'record'} ${first}; not imported again.`,
          });
          yield { line, recordId, record: { ...record, duplicate: true }, problems };
          continue;
        }
        seen.set(key, item.position);
        yield { line, recordId, record, problems };
      }
    },

    async writeBatch(tx: Db, batch: Parsed<Item>[], ctx: ImportContext): Promise<Outcome[]> {
      const records = batch.map((p) => p.record!);
      const fresh = records.filter((r) => !r.duplicate);
      if (!fresh.length) return records.map(() => 'unchanged');

      const stored = new Map(
        (
          await tx
            .select({
              ref: recommendationSources.sourceRef,
              recommendationId: recommendationSources.recommendationId,
              contentHash: recommendationSources.contentHash,
            })
            .from(recommendationSources)
            .where(and(eq(recommendationSources.importer, UHRI_IMPORTER), inArray(recommendationSources.sourceRef, fresh.map((r) => r.annotationId))))
        ).map((s) => [s.ref, s]),
      );

      // New UPR annotations: is UPR Info's twin already there?
      const seek = fresh.filter((r) => !stored.has(r.annotationId) && r.mechanism === 'UPR' && r.session !== null);
      const twins = await findUprTwins(
        tx,
        seek.map((r) => ({ country: r.country, session: r.session!, recommendingStates: r.recommendingStates, text: r.text })),
        UHRI_IMPORTER,
      );
      const twinOf = new Map(seek.map((r, i) => [r.annotationId, twins[i]]));

      const target = new Map<string, string>();
      const outcomes = records.map((r): Outcome => {
        if (r.duplicate) return 'unchanged';
        const s = stored.get(r.annotationId);
        if (s) {
          target.set(r.annotationId, s.recommendationId);
          return s.contentHash === r.contentHash ? 'unchanged' : 'updated';
        }
        const twin = twinOf.get(r.annotationId);
        if (twin) {
          target.set(r.annotationId, twin);
          ctx.count('matched');
          return 'updated';
        }
        target.set(r.annotationId, uhriRecommendationId(r.annotationId));
        return 'inserted';
      });
      const changed = records.filter((_, i) => outcomes[i] === 'inserted' || outcomes[i] === 'updated');

      if (changed.length) {
        // A recommendation with another importer's source is shared: UHRI writes only the fields it owns.
        const shared = new Set(
          (
            await tx
              .selectDistinct({ id: recommendationSources.recommendationId })
              .from(recommendationSources)
              .where(
                and(
                  inArray(recommendationSources.recommendationId, changed.map((r) => target.get(r.annotationId)!)),
                  ne(recommendationSources.importer, UHRI_IMPORTER),
                ),
              )
          ).map((s) => s.id),
        );
        const row = (r: Item) => ({
          id: target.get(r.annotationId)!,
          country: r.country,
          mechanism: r.mechanism,
          body: r.body,
          session: r.session,
          cycle: r.cycle,
          response: r.response,
          recommending_states: r.recommendingStates,
          recommending_state_names: r.recommendingStateNames,
          themes: r.themes,
          affected_persons: r.affectedPersons,
          sdg_targets: r.sdgTargets,
          sdg_goals: r.sdgGoals,
          regions: r.regions,
          text: r.text,
          text_html: r.textHtml,
          document_symbol: r.documentSymbol,
          document_id: r.documentId,
          paragraph: r.paragraph,
          annotation_type: r.annotationType,
          published_on: r.publishedOn,
          content_hash: r.contentHash,
        });
        const solo = changed.filter((r) => !shared.has(target.get(r.annotationId)!)).map(row);
        const merged = changed.filter((r) => shared.has(target.get(r.annotationId)!)).map(row);
        const recordset = (rows: ReturnType<typeof row>[]) => sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(
            id text, country text, mechanism text, body text, session integer, cycle integer, response text,
            recommending_states text[], recommending_state_names text[], themes text[], affected_persons text[],
            sdg_targets text[], sdg_goals text[], regions text[], text text, text_html text, document_symbol text,
            document_id text, paragraph text, annotation_type text, published_on date, content_hash text)`;
        if (solo.length) {
          await tx.execute(sql`
            insert into recommendations (id, country, mechanism, body, session, cycle, response, recommending_states,
              recommending_state_names, themes, affected_persons, sdg_targets, sdg_goals, regions, text, text_html,
              document_symbol, document_id, paragraph, annotation_type, published_on, content_hash, import_run_id)
            select id, country, mechanism, body, session, cycle, response, recommending_states,
              recommending_state_names, themes, affected_persons, sdg_targets, sdg_goals, regions, text, text_html,
              document_symbol, document_id, paragraph, annotation_type, published_on, content_hash, ${ctx.runId}
            from ${recordset(solo)}
            on conflict (id) do update set
              country = excluded.country, mechanism = excluded.mechanism, body = excluded.body,
              session = excluded.session, cycle = excluded.cycle, response = excluded.response,
              recommending_states = excluded.recommending_states, recommending_state_names = excluded.recommending_state_names,
              themes = excluded.themes, affected_persons = excluded.affected_persons, sdg_targets = excluded.sdg_targets,
              sdg_goals = excluded.sdg_goals, regions = excluded.regions, text = excluded.text, text_html = excluded.text_html,
              document_symbol = excluded.document_symbol, document_id = excluded.document_id, paragraph = excluded.paragraph,
              annotation_type = excluded.annotation_type, published_on = excluded.published_on,
              content_hash = excluded.content_hash, import_run_id = excluded.import_run_id, updated_at = now()`);
        }
        if (merged.length) {
          await tx.execute(sql`
            update recommendations r set
              themes = ${mergedThemesSql(sql`r.id`, UHRI_IMPORTER, sql`x.themes`)},
              affected_persons = x.affected_persons, sdg_targets = x.sdg_targets, sdg_goals = x.sdg_goals,
              regions = x.regions, text_html = x.text_html, document_symbol = x.document_symbol,
              document_id = x.document_id, paragraph = x.paragraph, annotation_type = x.annotation_type,
              published_on = x.published_on, import_run_id = ${ctx.runId}, updated_at = now()
            from ${recordset(merged)}
            where r.id = x.id`);
        }
      }

      await upsertRecommendationSources(
        tx,
        UHRI_IMPORTER,
        ctx.runId,
        fresh.map((r) => ({ id: target.get(r.annotationId)!, ref: r.annotationId, contentHash: r.contentHash, themes: r.themes })),
      );
      return outcomes;
    },
  };
}
