import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answer, backend, cacheGateway } from './harness.js';

test('must-revalidate does not stop a fresh answer from being reused', async (t) => {
  const origin = await backend(t, answer({ 'cache-control': 'max-age=600, must-revalidate' }, 'fresh'));
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/mr');
  assert.equal((await gw.get('/mr')).headers['x-cache'], 'HIT');
  assert.equal(origin.count('/mr'), 1);
});

test('must-revalidate allows storing the answer to a request with Authorization (RFC 9111 §3.5)', async (t) => {
  const origin = await backend(t, answer({ 'cache-control': 'max-age=600, must-revalidate' }, 'shared'));
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/mra', { authorization: 'Basic eDp5' });
  assert.equal((await gw.get('/mra', { authorization: 'Basic eDp5' })).headers['x-cache'], 'HIT');
});
