import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answer, backend, cacheGateway, sleep } from './harness.js';

test('hits carry Age, counting the time spent in the cache', async (t) => {
  const origin = await backend(t, answer({ 'cache-control': 'max-age=600' }, 'aged'));
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/age');
  const early = await gw.get('/age');
  assert.ok(Number(early.headers.age) <= 1);
  await sleep(1_600);
  const later = await gw.get('/age');
  assert.ok(Number(later.headers.age) >= 1, `Age ${later.headers.age}`);
});

test("Age includes the Age the backend sent, and it shortens freshness", async (t) => {
  const origin = await backend(t, answer({ 'cache-control': 'max-age=600', age: '100' }, 'x'));
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/a100');
  const hit = await gw.get('/a100');
  assert.equal(hit.headers['x-cache'], 'HIT');
  assert.ok(Number(hit.headers.age) >= 100);

  const expired = await backend(t, answer({ 'cache-control': 'max-age=60', age: '100' }, 'y'));
  const gw2 = await cacheGateway(t, [expired]);
  await gw2.get('/old');
  await gw2.get('/old');
  assert.equal(expired.count('/old'), 2, 'an answer older than its max-age is stale on arrival');
});

test("Date stays the backend's on hits", async (t) => {
  const date = new Date(Date.now() - 5_000).toUTCString();
  const origin = await backend(t, answer({ 'cache-control': 'max-age=600', date }, 'd'));
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/date');
  assert.equal((await gw.get('/date')).headers.date, date);
});

test('an Age that is not delta-seconds (7200.0, -1, abc) is ignored, not read as a number (RFC 9111 §5.1)', async (t) => {
  for (const age of ['7200.0', '-7200', 'abc']) {
    const origin = await backend(t, answer({ 'cache-control': 'max-age=3600', age }, 'x'));
    const gw = await cacheGateway(t, [origin]);
    await gw.get('/bad-age');
    const second = await gw.get('/bad-age');
    assert.equal(second.headers['x-cache'], 'HIT', `Age: ${age} leaves the answer fresh`);
    assert.ok(Number(second.headers.age) < 60, `Age: ${age} is not carried into the answer's age`);
    assert.equal(origin.count('/bad-age'), 1);
  }
});
