import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ratesImporter } from '../../importers/rates.importer.js';
import { rejectionError, runImport } from '../../importers/run.js';
import { uploadFileName, uploadStream } from '../../lib/upload.js';
import { ProblemSchema as ProblemRef } from '../../lib/schemas.js';
import { ImportRunWithProblems } from '../imports/imports.schemas.js';
import { runReportBody } from '../imports/run-report.js';
import { currencyCodes, listRates } from './exchange-rates.queries.js';
import { ExchangeRateListQuery, ExchangeRateLoadQuery, ExchangeRatePage, RatesCsvBody } from './exchange-rates.schemas.js';

const CSV_TYPES = ['text/csv', 'application/csv'];
/** A rate table for every currency and year since 1960 is under 1 MB; anything far larger is not one. */
const MAX_RATES_BYTES = 5 * 1024 * 1024;

const routes: FastifyPluginAsyncZod = async (app) => {
  // The CSV is streamed to the importer, never buffered (this parser is scoped to this plugin).
  app.addContentTypeParser(CSV_TYPES, (_req, payload, done) => done(null, payload));

  app.get(
    '/exchange-rates',
    {
      config: { role: 'reader' },
      schema: {
        tags: ['reference'],
        summary: 'Annual exchange rates (units per US dollar), by currency and year.',
        description:
          'One rate per currency and year: a loaded rate (origin loaded) replaces the bundled FRED-derived default. USD is 1 and not listed.',
        querystring: ExchangeRateListQuery,
        response: { 200: ExchangeRatePage },
      },
    },
    async (req) => {
      const { limit, cursor, ...f } = req.query;
      return listRates(app.database.db, f, { limit, cursor });
    },
  );

  app.post(
    '/exchange-rates',
    {
      config: { role: 'admin' },
      bodyLimit: MAX_RATES_BYTES,
      schema: {
        tags: ['reference'],
        summary: 'Load annual exchange rates from CSV (currency,year,unitsPerUsd,source).',
        description:
          'Atomic: any invalid row rejects the file (422 naming every line and field) and nothing is written. ' +
          'A loaded rate replaces the stored rate of its currency and year and takes precedence over the bundled default. ' +
          'Recorded as an import run of kind exchange-rates. 201 with the run report (counts inserted, updated, unchanged); 200 for a dry run.',
        consumes: CSV_TYPES,
        querystring: ExchangeRateLoadQuery,
        body: RatesCsvBody,
        headers: z.object({ 'x-file-name': z.string().max(300).optional().describe('The file name to record on the run.') }).passthrough(),
        response: { 200: ImportRunWithProblems, 201: ImportRunWithProblems, 413: ProblemRef, 415: ProblemRef, 422: ProblemRef },
      },
    },
    async (req, reply) => {
      const body = uploadStream(req, CSV_TYPES, MAX_RATES_BYTES, 'A rate table');
      const db = app.database.db;
      const report = await runImport(db, ratesImporter({ origin: 'loaded', currencies: await currencyCodes(db) }), body, {
        fileName: uploadFileName(req, 'exchange-rates-upload'),
        mode: 'atomic',
        dryRun: req.query.dryRun,
        actor: req.principal?.name ?? null,
        maxBytes: MAX_RATES_BYTES,
      });
      if (report.status === 'rejected') throw rejectionError(report, 'The rate table');
      return reply.status(req.query.dryRun ? 200 : 201).send(runReportBody(report, req.principal?.name ?? null));
    },
  );
};
export default routes;
