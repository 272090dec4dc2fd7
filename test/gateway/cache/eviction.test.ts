import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backend, cacheGateway } from './harness.js';

test('max_bytes bounds the cache: least recently used entries are evicted and counted', async (t) => {
  const body = 'e'.repeat(4_000);
  const origin = await backend(t, (req, res) => {
    req.resume();
    res.writeHead(200, { 'cache-control': 'max-age=600' });
    res.end(body);
  });
  const gw = await cacheGateway(t, [origin], { cacheIni: 'max_bytes = 20000\nmax_object_bytes = 10000' });
  for (let i = 0; i < 4; i++) await gw.get(`/e${i}`);
  // Room for four; /e0 becomes the most recently used, so /e1 goes first.
  await gw.get('/e0');
  for (let i = 4; i < 7; i++) await gw.get(`/e${i}`);
  const stats = (await gw.stats());
  assert.ok(stats.bytes <= 20_000, `bytes ${stats.bytes}`);
  assert.ok(stats.evictions >= 3, `evictions ${stats.evictions}`);
  assert.equal((await gw.get('/e0')).headers['x-cache'], 'HIT');
  assert.equal((await gw.get('/e1')).headers['x-cache'], 'MISS');
});
