import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { importStream, type ImportKind } from '../../importers/index.js';
import { rejectionError } from '../../importers/run.js';
import { notFound } from '../../lib/errors.js';
import { mediaType, uploadFileName, uploadStream } from '../../lib/upload.js';
import { ProblemSchema as ProblemRef } from '../../lib/schemas.js';
import { getRun, listRuns } from './imports.queries.js';
import { runReportBody } from './run-report.js';
import {
  FileBody,
  ImportListQuery,
  ImportQuery,
  ImportRunPage,
  ImportRunParams,
  ImportRunWithProblems,
  UprInfoImportQuery,
} from './imports.schemas.js';

const XLSX_MEDIA = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const MEDIA: Record<ImportKind, string[]> = {
  'upr-info': ['text/csv', 'application/csv'],
  iati: ['application/xml', 'text/xml'],
  uhri: ['application/json', XLSX_MEDIA],
};


const routes = (config: Config): FastifyPluginAsyncZod =>
  async function importsRoutes(app) {
    // Files are streamed to the importer, never buffered: the parser hands the raw request stream on.
    app.addContentTypeParser(
      ['text/csv', 'application/csv', 'application/xml', 'text/xml'],
      (_req, payload, done) => done(null, payload),
    );

    const importRoute = (
      scope: typeof app,
      kind: ImportKind,
      query: typeof ImportQuery | typeof UprInfoImportQuery,
      summary: string,
    ) =>
      scope.post(
        `/imports/${kind}`,
        {
          config: { role: 'admin' },
          bodyLimit: config.IMPORT_MAX_BYTES,
          schema: {
            tags: ['imports'],
            summary,
            description:
              'Streams the body into the importer. 201 with the run report; 200 for a dry run; 422 when the file is rejected (nothing written).',
            consumes: MEDIA[kind],
            querystring: query,
            body: FileBody,
            headers: z.object({ 'x-file-name': z.string().max(300).optional().describe('The file name to record on the run.') }).passthrough(),
            response: { 200: ImportRunWithProblems, 201: ImportRunWithProblems, 413: ProblemRef, 415: ProblemRef, 422: ProblemRef },
          },
        },
        async (req, reply) => {
          const q = req.query as z.infer<typeof UprInfoImportQuery>;
          const body = uploadStream(req, MEDIA[kind], config.IMPORT_MAX_BYTES, `A ${kind} import`);
          const report = await importStream(app.database.db, kind, body, uploadFileName(req, `${kind}-upload`), {
            mode: q.mode,
            dryRun: q.dryRun,
            encoding: q.encoding,
            format: kind === 'uhri' ? (mediaType(req) === XLSX_MEDIA ? 'xlsx' : 'json') : undefined,
            actor: req.principal?.name ?? null,
            maxBytes: config.IMPORT_MAX_BYTES,
          });
          if (report.status === 'rejected') throw rejectionError(report);
          return reply.status(q.dryRun ? 200 : 201).send(runReportBody(report, req.principal?.name ?? null));
        },
      );

    importRoute(app, 'upr-info', UprInfoImportQuery, 'Import a UPR Info recommendations CSV (text/csv).');
    importRoute(app, 'iati', ImportQuery, 'Import an IATI activity XML file, versions 2.01–2.03 (application/xml).');
    // UHRI uploads JSON: in a scope of its own, so that its JSON body is streamed rather than parsed by Fastify.
    await app.register(async (uhri) => {
      uhri.removeContentTypeParser('application/json');
      uhri.addContentTypeParser(MEDIA.uhri, (_req, payload, done) => done(null, payload));
      importRoute(
        uhri,
        'uhri',
        ImportQuery,
        'Import an OHCHR Universal Human Rights Index export: the JSON array (application/json) or the XLSX sheet.',
      );
    });

    app.get(
      '/imports',
      {
        config: { role: 'reader' },
        schema: { tags: ['imports'], summary: 'Import runs, newest first.', querystring: ImportListQuery, response: { 200: ImportRunPage } },
      },
      async (req) => {
        const { limit, cursor, ...f } = req.query;
        return listRuns(app.database.db, f, { limit, cursor });
      },
    );

    app.get(
      '/imports/:id',
      {
        config: { role: 'reader' },
        schema: {
          tags: ['imports'],
          summary: 'One import run with every problem (line, record, field, message).',
          params: ImportRunParams,
          response: { 200: ImportRunWithProblems },
        },
      },
      async (req) => {
        const run = await getRun(app.database.db, req.params.id);
        if (!run) throw notFound(`No import run with id "${req.params.id}".`);
        return run;
      },
    );
  };


export default routes;
