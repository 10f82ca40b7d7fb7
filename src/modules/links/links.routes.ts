import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CSV_MEDIA_TYPE, sendCsv, wantsCsv, type CsvColumn } from '../../lib/csv.js';
import { notFound, preconditionRequired, unsupportedMediaType } from '../../lib/errors.js';
import { ProblemSchema as ProblemRef } from '../../lib/schemas.js';
import { itemsFromCsv, itemsFromJson } from './links.import.js';
import { createLink, exportLinks, getLink, getLinkHistory, importLinks, listLinks, retireLink, updateLink, type Actor } from './links.queries.js';
import {
  IfMatchHeaders,
  IfNoneMatchHeaders,
  Link,
  LinkCreateBody,
  LinkHistory,
  LinkImportBody,
  LinkImportResult,
  LinkListQuery,
  LinkPage,
  LinkParams,
  LinkPatchBody,
} from './links.schemas.js';

/**
 * The CSV export's columns: the Link fields, in order; the import reads the same header.
 * evidence is always JSON text (a bare string evidence would otherwise lose its quotes and not parse back).
 */
const CSV_COLUMNS: CsvColumn<Link>[] = (Object.keys(Link.shape) as (keyof Link)[]).map((name) =>
  name === 'evidence' ? { name, value: (l: Link) => (l.evidence === null ? null : JSON.stringify(l.evidence)) } : { name },
);
const CSV_MEDIA = [CSV_MEDIA_TYPE, 'application/csv'];

const etagOf = (link: { id: string; version: number }) => `W/"${link.id}-${link.version}"`;

/**
 * The version an If-Match header names for this link; -1 when it names another link or is not a tag of ours.
 * Tags are weak (the JSON may be re-serialised), so If-Match compares them weakly, as most APIs do.
 */
function versionIn(header: string, id: string): number {
  for (const tag of header.split(',').map((s) => s.trim())) {
    const m = /^(?:W\/)?"([^"]+)-(\d+)"$/.exec(tag);
    if (m && m[1] === id) return Number(m[2]);
  }
  return -1;
}

function requireIfMatch(header: string | undefined, id: string): number {
  if (!header) throw preconditionRequired(`Changing a link needs If-Match with its ETag (GET /v1/links/${id}), so no one overwrites a change unseen.`);
  if (header.trim() === '*') throw preconditionRequired('If-Match: * is not accepted here; send the ETag of the version you read.');
  return versionIn(header, id);
}

const actorOf = (req: FastifyRequest): Actor => ({ name: req.principal!.name, requestId: req.id });

const withEtag = (reply: FastifyReply, link: Link) => reply.header('etag', etagOf(link));

const ChangeErrors = { 409: ProblemRef, 412: ProblemRef, 422: ProblemRef, 428: ProblemRef };

const routes: FastifyPluginAsyncZod = async (app) => {
  // Import batches arrive as CSV text (the export) or JSON; the CSV is small enough to take whole.
  app.addContentTypeParser(CSV_MEDIA, { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.post(
    '/links',
    {
      config: { role: 'editor' },
      schema: {
        tags: ['links'],
        summary: 'Link an activity to a recommendation.',
        description:
          "The activity must work in the recommendation's country (a recipient country of the activity or of one of its transactions), " +
          'else 422; a pair has at most one live link, so a second is 409 (the problem names the existing `linkId`). ' +
          'The answer carries the ETag and Location of the new link.',
        body: LinkCreateBody,
        response: { 201: Link, 409: ProblemRef, 422: ProblemRef },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const link = await createLink(
        app.database.db,
        {
          activityId: b.activity,
          recommendationId: b.recommendation,
          weight: b.weight,
          rationale: b.rationale,
          evidenceUrl: b.evidenceUrl ?? null,
          status: b.status,
          method: 'manual',
        },
        actorOf(req),
      );
      return withEtag(reply, link).header('location', `/v1/links/${link.id}`).status(201).send(link);
    },
  );

  app.get(
    '/links',
    {
      config: { role: 'reader' },
      schema: {
        tags: ['links'],
        summary: 'List live links, filtered and paginated; or export them all as CSV.',
        description:
          'Newest first. `format=csv` or `Accept: text/csv` answers every matching link as a CSV file with the Link fields as columns ' +
          '(evidence as JSON text); POST /v1/links/import takes that file back.',
        produces: ['application/json', CSV_MEDIA_TYPE],
        querystring: LinkListQuery,
        response: { 200: LinkPage },
      },
    },
    async (req, reply) => {
      const { limit, cursor, format, ...filters } = req.query;
      if (wantsCsv(req, format)) return sendCsv(reply, exportLinks(app.database.db, filters), CSV_COLUMNS, 'links.csv');
      return listLinks(app.database.db, filters, { limit, cursor });
    },
  );

  app.post(
    '/links/import',
    {
      config: { role: 'editor' },
      schema: {
        tags: ['links'],
        summary: 'Create a batch of links from the CSV or JSON export, atomically.',
        description:
          'The export\'s own shape: text/csv with a header row, or application/json (an array, or an object with `items`). ' +
          'Every row becomes a new link created by this key: the source\'s id, createdBy and createdAt are kept in the ' +
          'history row (`after.importedFrom`), while country, updatedBy, updatedAt and version are recomputed (a country that is given must match). ' +
          'All or nothing: any bad row rejects the batch with a 422 whose errors[] name `line N: field` (CSV) or `items[N].field` (JSON).',
        consumes: ['application/json', ...CSV_MEDIA],
        body: LinkImportBody,
        response: { 201: LinkImportResult, 413: ProblemRef, 415: ProblemRef, 422: ProblemRef },
      },
    },
    async (req, reply) => {
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const batch =
        type === 'application/json'
          ? itemsFromJson(req.body)
          : CSV_MEDIA.includes(type)
            ? itemsFromCsv(String(req.body ?? ''))
            : (() => {
                throw unsupportedMediaType(`A link import takes text/csv or application/json; got "${type || 'no content type'}".`);
              })();
      const created = await importLinks(app.database.db, batch.items, actorOf(req), batch.errors);
      return reply.status(201).send({ created: created.length, items: created });
    },
  );

  app.get(
    '/links/:id',
    {
      config: { role: 'reader' },
      schema: {
        tags: ['links'],
        summary: 'One live link, with its ETag.',
        description: '404 for unknown and retired links (a retired link\'s history stays at /v1/links/{id}/history). If-None-Match answers 304 when unchanged.',
        params: LinkParams,
        headers: IfNoneMatchHeaders,
        response: { 200: Link, 304: z.null().describe('Not modified.') },
      },
    },
    async (req, reply) => {
      const link = await getLink(app.database.db, req.params.id);
      if (!link) throw notFound(`No live link with id "${req.params.id}".`);
      const held = req.headers['if-none-match'];
      if (held && held.split(',').some((t) => versionIn(t, link.id) === link.version)) {
        return withEtag(reply, link).status(304).send();
      }
      return withEtag(reply, link).send(link);
    },
  );

  app.patch(
    '/links/:id',
    {
      config: { role: 'editor' },
      schema: {
        tags: ['links'],
        summary: "Change a link's weight, rationale, evidenceUrl or status.",
        description:
          'Needs If-Match with the ETag from GET: none (or `*`) is 428, a stale one 412. A change bumps the version and appends a history row.',
        params: LinkParams,
        headers: IfMatchHeaders,
        body: LinkPatchBody,
        response: { 200: Link, ...ChangeErrors },
      },
    },
    async (req, reply) => {
      const expected = requireIfMatch(req.headers['if-match'], req.params.id);
      const link = await updateLink(app.database.db, req.params.id, expected, req.body, actorOf(req));
      return withEtag(reply, link).send(link);
    },
  );

  app.delete(
    '/links/:id',
    {
      config: { role: 'editor' },
      schema: {
        tags: ['links'],
        summary: 'Retire a link: it leaves every query and list, and its history stays.',
        description: 'If-Match is optional here; when it names a version, a stale one is 412.',
        params: LinkParams,
        headers: IfMatchHeaders,
        response: { 204: z.null().describe('Retired.'), 412: ProblemRef, 428: ProblemRef },
      },
    },
    async (req, reply) => {
      const header = req.headers['if-match'];
      // `*` only asks that the link exist, which retiring checks anyway.
      const expected = header === undefined || header.trim() === '*' ? null : requireIfMatch(header, req.params.id);
      await retireLink(app.database.db, req.params.id, expected, actorOf(req));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/links/:id/history',
    {
      config: { role: 'reader' },
      schema: {
        tags: ['links'],
        summary: 'Every change to a link, oldest first; retired links included.',
        description: 'action, actor (the key name), time, request id, and the link before and after. History rows are never updated or deleted.',
        params: LinkParams,
        response: { 200: LinkHistory },
      },
    },
    async (req) => {
      const history = await getLinkHistory(app.database.db, req.params.id);
      if (!history) throw notFound(`No link with id "${req.params.id}".`);
      return history;
    },
  );
};
export default routes;
