import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { stringify } from 'csv-stringify/sync';
import type { z } from 'zod';
import { CSV_MEDIA_TYPE, csvCell, wantsCsv } from '../../lib/csv.js';
import { badRequest } from '../../lib/errors.js';
import { AnswerCache, matchesEtag } from './coverage.cache.js';
import {
  coverageByDonor,
  coverageByRecommendation,
  coverageMatrix,
  coverageSummary,
  dataVersion,
  donorAlignment,
  type Unconverted,
} from './coverage.queries.js';
import {
  CoverageAnswer,
  CoverageDonorList,
  CoverageDonorsQuery,
  CoverageMatrix,
  CoverageMatrixQuery,
  CoverageQuery,
  CoverageRecommendationPage,
  CoverageRecommendationsQuery,
  DonorAlignment,
  DonorAlignmentParams,
  DonorAlignmentQuery,
} from './coverage.schemas.js';

type Row = Record<string, unknown>;
type Columns = [name: string, value: (r: Row) => unknown][];

/** Unconverted amounts in one CSV cell: "XDR 152861684.57;EUR 10.00" (each with its currency). */
const uncCell = (u: unknown) => (u as Unconverted[]).map((x) => `${x.currency} ${x.amount}`).join(';');
const money = (key: string) => (r: Row) => (r[key] as { amount: number }).amount;
const moneyCur = (key: string) => (r: Row) => (r[key] as { currency: string }).currency;

const FIGURE_COLUMNS: Columns = [
  ['recommendations', (r) => r.recommendations],
  ['covered', (r) => r.covered],
  ['coverageRatio', (r) => r.coverageRatio],
  ['activities', (r) => r.activities],
  ['donors', (r) => r.donors],
  ['money', money('money')],
  ['currency', moneyCur('money')],
  ['unconverted', (r) => uncCell(r.unconverted)],
];
const DONOR_COLUMNS: Columns = [
  ['moneyInCountry', money('moneyInCountry')],
  ['moneyInCountryUnconverted', (r) => uncCell(r.moneyInCountryUnconverted)],
  ['linkedMoney', money('linkedMoney')],
  ['linkedMoneyUnconverted', (r) => uncCell(r.linkedMoneyUnconverted)],
  ['currency', moneyCur('linkedMoney')],
  ['linkedShare', (r) => r.linkedShare],
  ['activities', (r) => r.activities],
  ['links', (r) => r.links],
  ['recommendations', (r) => r.recommendations],
];

function toCsv(rows: Row[], columns: Columns): string {
  return stringify(
    rows.map((r) => columns.map(([, v]) => csvCell(v(r)))),
    { header: true, columns: columns.map(([n]) => n) },
  );
}

/** Each answer's CSV: its list, one row per item (the JSON's numbers, to the cent). */
const CSV: Record<string, (answer: Row) => string> = {
  coverage: (a) =>
    a.groups
      ? toCsv(a.groups as Row[], [['key', (r) => r.key], ['label', (r) => r.label], ...FIGURE_COLUMNS])
      : toCsv([a.totals as Row], FIGURE_COLUMNS),
  recommendations: (a) =>
    toCsv(a.items as Row[], [
      ['id', (r) => r.id],
      ['mechanism', (r) => r.mechanism],
      ['body', (r) => r.body],
      ['response', (r) => r.response],
      ['themes', (r) => r.themes],
      ['covered', (r) => r.covered],
      ['activities', (r) => r.activities],
      ['donors', (r) => r.donors],
      ['money', money('money')],
      ['currency', moneyCur('money')],
      ['unconverted', (r) => uncCell(r.unconverted)],
      ['text', (r) => r.text],
    ]),
  donors: (a) => toCsv(a.items as Row[], [['donor', (r) => r.donor], ['name', (r) => r.name], ...DONOR_COLUMNS]),
  alignment: (a) => toCsv(a.items as Row[], [['country', (r) => r.country], ['name', (r) => r.name], ...DONOR_COLUMNS]),
  matrix: (a) =>
    toCsv(a.cells as Row[], [
      ['row', (r) => r.row],
      ['col', (r) => r.col],
      ['recommendations', (r) => r.recommendations],
      ['covered', (r) => r.covered],
      ['money', money('money')],
      ['currency', moneyCur('money')],
      ['unconverted', (r) => uncCell(r.unconverted)],
    ]),
};

function checkPeriod(q: { from?: string; to?: string }) {
  if (q.from && q.to && q.from > q.to) {
    throw badRequest('The period ends before it starts.', [{ in: 'query', path: 'to', message: 'must not be before from' }]);
  }
}

const routes: FastifyPluginAsyncZod = async (app) => {
  const cache = new AnswerCache();

  /**
   * Every coverage answer: ETag from (route, parameters, format, data version); 304 on If-None-Match; the
   * serialised answer is cached under its ETag, so a repeated question costs one tiny query.
   */
  async function answer<S extends z.ZodTypeAny>(
    req: FastifyRequest,
    reply: FastifyReply,
    kind: keyof typeof CSV,
    schema: S,
    params: Record<string, unknown>,
    compute: (version: string) => Promise<z.input<S>>,
  ) {
    const { format, ...rest } = params as { format?: string } & Record<string, unknown>;
    const csv = wantsCsv(req, format);
    const version = await dataVersion(app.database.db);
    const etag = AnswerCache.etag(kind, rest, csv ? 'csv' : 'json', version);
    reply.header('etag', etag).header('cache-control', 'no-cache').header('vary', 'accept');
    if (matchesEtag(req.headers['if-none-match'], etag)) return reply.code(304).send();
    let hit = cache.get(etag);
    if (!hit) {
      const value = schema.parse(await compute(version)) as Row;
      hit = csv
        ? { body: CSV[kind]!(value), type: `${CSV_MEDIA_TYPE}; charset=utf-8` }
        : { body: JSON.stringify(value), type: 'application/json; charset=utf-8' };
      cache.set(etag, hit.body, hit.type);
    }
    if (csv) reply.header('content-disposition', `attachment; filename="coverage-${kind}.csv"`);
    return reply.type(hit.type).send(hit.body);
  }

  const csvNote = ' JSON by default; CSV with format=csv or Accept: text/csv. ETag / If-None-Match (304) on the data version.';

  app.get(
    '/coverage',
    {
      config: { role: 'reader' },
      schema: {
        tags: ['coverage'],
        summary: "Coverage of a country's recommendations by linked aid: totals, and groups with groupBy.",
        description: 'Money is attributed through links (split by normalised weights); reach is counted, not split.' + csvNote,
        querystring: CoverageQuery,
        response: { 200: CoverageAnswer },
      },
    },
    async (req, reply) => {
      checkPeriod(req.query);
      return answer(req, reply, 'coverage', CoverageAnswer, req.query, (v) => coverageSummary(app.database.db, req.query, v));
    },
  );

  app.get(
    '/coverage/recommendations',
    {
      config: { role: 'reader' },
      schema: {
        tags: ['coverage'],
        summary: 'Coverage per recommendation (covered=false lists the gaps), sorted and paginated.',
        description: 'sort=priority: supported before noted, then recommendations echoed by more mechanisms or sessions (same themes), then newest.' + csvNote,
        querystring: CoverageRecommendationsQuery,
        response: { 200: CoverageRecommendationPage },
      },
    },
    async (req, reply) => {
      checkPeriod(req.query);
      return answer(req, reply, 'recommendations', CoverageRecommendationPage, req.query, (v) =>
        coverageByRecommendation(app.database.db, req.query, v),
      );
    },
  );

  app.get(
    '/coverage/donors',
    {
      config: { role: 'reader' },
      schema: {
        tags: ['coverage'],
        summary: 'Every donor in the country: its money there, the money attributed through links, the linked share, links and recommendations reached.',
        description: csvNote.trim(),
        querystring: CoverageDonorsQuery,
        response: { 200: CoverageDonorList },
      },
    },
    async (req, reply) => {
      checkPeriod(req.query);
      return answer(req, reply, 'donors', CoverageDonorList, req.query, (v) => coverageByDonor(app.database.db, req.query, v));
    },
  );

  app.get(
    '/donors/:ref/alignment',
    {
      config: { role: 'reader' },
      schema: {
        tags: ['coverage'],
        summary: "A donor's alignment in every country it works in: money there, money attributed through links, linked share.",
        description: csvNote.trim(),
        params: DonorAlignmentParams,
        querystring: DonorAlignmentQuery,
        response: { 200: DonorAlignment },
      },
    },
    async (req, reply) => {
      checkPeriod(req.query);
      return answer(req, reply, 'alignment', DonorAlignment, { ...req.query, ref: req.params.ref }, (v) =>
        donorAlignment(app.database.db, req.params.ref, req.query, v),
      );
    },
  );

  app.get(
    '/coverage/matrix',
    {
      config: { role: 'reader' },
      schema: {
        tags: ['coverage'],
        summary: 'A cross-tabulation of coverage: rows × cols among donor, mechanism, theme, sdgGoal, instrument, response.',
        description: csvNote.trim(),
        querystring: CoverageMatrixQuery,
        response: { 200: CoverageMatrix },
      },
    },
    async (req, reply) => {
      checkPeriod(req.query);
      return answer(req, reply, 'matrix', CoverageMatrix, req.query, (v) => coverageMatrix(app.database.db, req.query, v));
    },
  );
};
export default routes;
