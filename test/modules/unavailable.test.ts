import t from 'tap';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDb } from '../../src/db/client.js';
import { buildTestApp } from '../helpers/build-test-app.js';

t.test('database unreachable: 503 problem with Retry-After, no internals', async (t) => {
  // Port 1 on loopback: nothing listens there, so every connection is refused.
  const database = await createDb({ databaseUrl: 'postgres://nobody@127.0.0.1:1/none' });
  t.teardown(() => database.close());
  const app = await buildApp({ config: loadConfig({ RATE_LIMIT_MAX: '0' }), database });
  t.teardown(() => app.close());

  t.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200, 'liveness does not need the database');
  const ready = await app.inject({ method: 'GET', url: '/ready' });
  t.equal(ready.statusCode, 503);
  t.equal(ready.headers['retry-after'], '5');

  const list = await app.inject({ method: 'GET', url: '/v1/recommendations?country=KE' });
  t.equal(list.statusCode, 503);
  t.match(list.headers['content-type'], /application\/problem\+json/);
  t.equal(list.headers['retry-after'], '5');
  const body = list.json();
  t.match(body, { status: 503, title: 'Service unavailable' });
  t.notMatch(JSON.stringify(body), /ECONNREFUSED|select|127\.0\.0\.1|stack/i, 'no driver message, SQL or address leaks');
});

t.test('rate limit: 429 problem', async (t) => {
  const { app } = await buildTestApp(t, { RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW: '1 minute' });
  const codes: number[] = [];
  for (let i = 0; i < 4; i++) codes.push((await app.inject({ method: 'GET', url: '/health' })).statusCode);
  t.same(codes, [200, 200, 200, 429]);
  const limited = await app.inject({ method: 'GET', url: '/health' });
  t.match(limited.headers['content-type'], /application\/problem\+json/);
  t.match(limited.json(), { status: 429 });
});
