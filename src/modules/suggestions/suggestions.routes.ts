import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { notFound } from '../../lib/errors.js';
import { ProblemSchema as ProblemRef } from '../../lib/schemas.js';
import type { Actor } from '../links/links.queries.js';
import { acceptSuggestion, getSuggestion, listSuggestions, rejectSuggestion, runSuggestions } from './suggestions.queries.js';
import {
  Suggestion,
  SuggestionAcceptBody,
  SuggestionAcceptResult,
  SuggestionListQuery,
  SuggestionPage,
  SuggestionParams,
  SuggestionRejectBody,
  SuggestionRunBody,
  SuggestionRunReport,
} from './suggestions.schemas.js';

const actorOf = (req: FastifyRequest): Actor => ({ name: req.principal!.name, requestId: req.id });

const routes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/suggestions/runs',
    {
      config: { role: 'editor' },
      schema: {
        tags: ['suggestions'],
        summary: "Compute a country's suggestions.",
        description:
          'Scores every pair of an activity working in the country and a recommendation to it with the sdg-match, sector-theme and ' +
          "text methods, and stores the pairs above the floor (best few per activity), replacing the country's open suggestions. " +
          'Accepted and rejected suggestions are kept; a rejected pair comes back only with includeRejected. Answers with the run report.',
        body: SuggestionRunBody,
        response: { 201: SuggestionRunReport },
      },
    },
    async (req, reply) => {
      const report = await runSuggestions(app.database.db, { ...req.body, actor: req.principal?.name ?? null });
      return reply.status(201).send(report);
    },
  );

  app.get(
    '/suggestions',
    {
      config: { role: 'reader' },
      schema: {
        tags: ['suggestions'],
        summary: 'List suggestions by score, highest first, filtered and paginated.',
        description: 'Open suggestions unless `status` says otherwise. Suggestions are never counted as links; accept one to make a link.',
        querystring: SuggestionListQuery,
        response: { 200: SuggestionPage },
      },
    },
    async (req) => {
      const { limit, cursor, status, ...filters } = req.query;
      return listSuggestions(app.database.db, { ...filters, status: status ?? ['open'] }, { limit, cursor });
    },
  );

  app.get(
    '/suggestions/:id',
    {
      config: { role: 'reader' },
      schema: {
        tags: ['suggestions'],
        summary: 'One suggestion, with its evidence.',
        params: SuggestionParams,
        response: { 200: Suggestion },
      },
    },
    async (req) => {
      const found = await getSuggestion(app.database.db, req.params.id);
      if (!found) throw notFound(`No suggestion with id "${req.params.id}".`);
      return found;
    },
  );

  app.post(
    '/suggestions/:id/accept',
    {
      config: { role: 'editor' },
      schema: {
        tags: ['suggestions'],
        summary: 'Accept a suggestion: make a link from it.',
        description:
          "Creates an accepted link whose method (the suggestion's methods joined by '+'), confidence (its score) and evidence come from " +
          'the suggestion. 409 when the suggestion was decided already or the pair has a live link.',
        params: SuggestionParams,
        body: SuggestionAcceptBody,
        response: { 201: SuggestionAcceptResult, 409: ProblemRef, 422: ProblemRef },
      },
    },
    async (req, reply) => {
      const result = await acceptSuggestion(app.database.db, req.params.id, req.body ?? {}, actorOf(req));
      return reply.header('location', `/v1/links/${result.link.id}`).status(201).send(result);
    },
  );

  app.post(
    '/suggestions/:id/reject',
    {
      config: { role: 'editor' },
      schema: {
        tags: ['suggestions'],
        summary: 'Reject a suggestion, with a reason.',
        description: 'Later runs do not propose the pair again unless asked (includeRejected). 409 when the suggestion was decided already.',
        params: SuggestionParams,
        body: SuggestionRejectBody,
        response: { 200: Suggestion, 409: ProblemRef },
      },
    },
    async (req) => rejectSuggestion(app.database.db, req.params.id, req.body.reason, actorOf(req)),
  );
};
export default routes;
