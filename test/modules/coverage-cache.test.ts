import t from 'tap';
import { AnswerCache } from '../../src/modules/coverage/coverage.cache.js';

t.test('the answer cache holds at most its count and its bytes, least recently used out', async (t) => {
  const cache = new AnswerCache(3, 100);
  cache.set('a', 'x'.repeat(20), 'text/plain');
  cache.set('b', 'x'.repeat(20), 'text/plain');
  cache.set('c', 'x'.repeat(20), 'text/plain');
  t.same(cache.size, { answers: 3, bytes: 60 });
  t.ok(cache.get('a'), 'a read: now the most recently used');
  cache.set('d', 'x'.repeat(20), 'text/plain');
  t.equal(cache.get('b'), undefined, 'over the count: b, the least recently used, is out');
  t.ok(cache.get('a') && cache.get('c') && cache.get('d'));
  cache.set('e', 'x'.repeat(24), 'text/plain');
  t.same(cache.size, { answers: 3, bytes: 64 }, 'c out by count');
  cache.set('f', 'x'.repeat(25), 'text/plain');
  t.ok(cache.size.bytes <= 100 && cache.size.answers <= 3);
  cache.set('g', 'x'.repeat(26), 'text/plain');
  t.equal(cache.get('g'), undefined, 'an answer over a quarter of the budget is not kept');
  cache.set('f', 'y'.repeat(10), 'text/plain');
  t.equal(cache.get('f')!.body, 'y'.repeat(10), 'a replaced answer counts once');
  t.equal(cache.size.bytes, [...['a', 'd', 'e', 'f']].reduce((n, k) => n + (cache.get(k)?.body.length ?? 0), 0));
});
