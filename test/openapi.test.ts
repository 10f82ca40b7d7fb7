import { readFileSync } from 'node:fs';
import t from 'tap';
import { fromRoot } from '../src/lib/paths.js';
import { buildTestApp } from './helpers/build-test-app.js';

t.test('the OpenAPI document equals the committed openapi/openapi.json', async (t) => {
  const { app } = await buildTestApp(t);
  const live = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
  const committed = JSON.parse(readFileSync(fromRoot('openapi/openapi.json'), 'utf8'));
  t.same(live, committed, 'run `npm run openapi` and commit the result');

  // Every route the app serves is documented, and every documented error is a problem.
  const paths = Object.keys(live.paths);
  for (const p of ['/v1/recommendations', '/v1/recommendations/{id}', '/v1/activities', '/v1/activities/{id}', '/v1/countries',
    '/v1/countries/{iso2}', '/v1/organisations', '/v1/imports', '/v1/imports/{id}', '/v1/imports/iati', '/v1/imports/upr-info',
    '/v1/imports/uhri', '/v1/exchange-rates', '/v1/countries/{iso2}/obligations', '/v1/instruments', '/v1/crosswalks/themes',
    '/v1/facets', '/v1/links', '/v1/links/{id}', '/v1/links/{id}/history', '/v1/links/import', '/v1/suggestions',
    '/v1/suggestions/runs', '/v1/suggestions/{id}', '/v1/suggestions/{id}/accept', '/v1/suggestions/{id}/reject',
    '/v1/coverage', '/v1/coverage/recommendations', '/v1/coverage/donors', '/v1/coverage/matrix', '/v1/donors/{ref}/alignment',
    '/health', '/ready']) {
    t.ok(paths.includes(p), `${p} is documented`);
  }
  for (const [path, ops] of Object.entries(live.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>)) {
    for (const [method, op] of Object.entries(ops)) {
      t.ok(op.responses['400'] && op.responses['500'], `${method.toUpperCase()} ${path} documents 400 and 500`);
    }
  }
  t.ok(live.components.schemas.Problem, 'Problem is a named component');
});
