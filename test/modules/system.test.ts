import t from 'tap';
import { buildTestApp } from '../helpers/build-test-app.js';

t.test('health, readiness and problem bodies', async (t) => {
  const { app } = await buildTestApp(t);
  const health = await app.inject({ method: 'GET', url: '/health' });
  t.equal(health.statusCode, 200);
  t.equal(health.json().status, 'ok');

  const ready = await app.inject({ method: 'GET', url: '/ready' });
  t.equal(ready.statusCode, 200);
  t.equal(ready.json().status, 'ready');

  const missing = await app.inject({ method: 'GET', url: '/v1/nothing-here' });
  t.equal(missing.statusCode, 404);
  t.match(missing.headers['content-type'], /application\/problem\+json/);
  t.match(missing.json(), { status: 404, title: 'Not found', instance: '/v1/nothing-here' });
  t.type(missing.json().requestId, 'string');
});
