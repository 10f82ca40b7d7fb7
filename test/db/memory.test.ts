import t from 'tap';
import { memoryFacts, sharedBuffersAdvice } from '../../src/db/memory.js';
import { createTestDatabase } from '../helpers/build-test-app.js';

const MB = 1024 * 1024;

t.test('the shared_buffers advice: only when the recommendations table outgrows shared memory', async (t) => {
  t.equal(sharedBuffersAdvice({ sharedBuffers: 128 * MB, recommendations: 10 * MB }), undefined, 'a small table fits');
  t.equal(sharedBuffersAdvice({ sharedBuffers: 1024 * MB, recommendations: 800 * MB }), undefined, 'UHRI-size in 1 GB fits');
  const advice = sharedBuffersAdvice({ sharedBuffers: 128 * MB, recommendations: 800 * MB });
  t.match(advice, /shared_buffers \(128 MB\) is smaller than the recommendations table and its indexes \(800 MB\)/);
  t.match(advice, /PG_SHARED_BUFFERS/);
});

t.test('the facts are read from PostgreSQL, and not asked of PGlite', async (t) => {
  const database = await createTestDatabase(t);
  const facts = await memoryFacts(database);
  if (database.engine === 'pglite') {
    t.equal(facts, undefined);
    return;
  }
  t.ok(facts!.sharedBuffers >= 128 * 1024, 'shared_buffers in bytes');
  t.ok(facts!.recommendations > 0, 'the (empty) table still has pages of indexes');
});
