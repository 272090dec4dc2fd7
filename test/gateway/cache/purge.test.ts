import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backend, cacheGateway } from './harness.js';

const cacheable = (t: Parameters<typeof backend>[0]) =>
  backend(t, (req, res, n) => {
    req.resume();
    res.writeHead(200, { 'cache-control': 'max-age=600', vary: 'accept' });
    res.end(`#${n}`);
  });

test('purge of one URL removes it on every host and in every variant, and nothing else', async (t) => {
  const origin = await cacheable(t);
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/p?x=1', { host: 'a.example', accept: 'text/html' });
  await gw.get('/p?x=1', { host: 'a.example', accept: 'application/json' });
  await gw.get('/p?x=1', { host: 'b.example', accept: 'text/html' });
  await gw.get('/p?x=2', { host: 'a.example', accept: 'text/html' });
  assert.equal(await gw.purge('/p?x=1'), 3);
  assert.equal((await gw.get('/p?x=1', { host: 'a.example', accept: 'text/html' })).headers['x-cache'], 'MISS');
  assert.equal((await gw.get('/p?x=1', { host: 'b.example', accept: 'text/html' })).headers['x-cache'], 'MISS');
  assert.equal((await gw.get('/p?x=2', { host: 'a.example', accept: 'text/html' })).headers['x-cache'], 'HIT');
});

test('purge with an absolute URL is limited to that origin', async (t) => {
  const origin = await cacheable(t);
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/q', { host: 'a.example' });
  await gw.get('/q', { host: 'b.example' });
  assert.equal(await gw.purge('http://a.example/q'), 1);
  assert.equal((await gw.get('/q', { host: 'b.example' })).headers['x-cache'], 'HIT');
});

test('DELETE /-/cache purges everything; ?url= one URL (through the gateway admin route)', async (t) => {
  const origin = await cacheable(t);
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/one');
  await gw.get('/two');
  const one = await gw.send('DELETE', '/-/cache?url=%2Fone');
  assert.equal(one.status, 200);
  assert.equal(JSON.parse(one.body).purged, 1);
  assert.equal((await gw.get('/one')).headers['x-cache'], 'MISS');
  assert.equal((await gw.get('/two')).headers['x-cache'], 'HIT');
  const all = await gw.send('DELETE', '/-/cache');
  assert.ok(JSON.parse(all.body).purged >= 2);
  assert.equal((await gw.get('/two')).headers['x-cache'], 'MISS');
  assert.equal((await gw.stats()).entries, 2);
});
