import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempDir } from '../../helpers/config.js';
import { backend, cacheGateway } from './harness.js';

test('store = disk: a restarted gateway answers HIT for a URL cached before the restart', async (t) => {
  const { dir, remove } = tempDir('pibl-cache-restart-');
  t.after(remove);
  const origin = await backend(t, (req, res, n) => {
    req.resume();
    res.writeHead(200, { 'cache-control': 'max-age=600', 'content-type': 'text/plain', vary: 'accept-language' });
    res.end(`warm #${n} ${req.headers['accept-language']}`);
  });
  const cacheIni = `store = disk\ndir = ${dir}`;
  const first = await cacheGateway(t, [origin], { cacheIni });
  assert.equal((await first.get('/warm?x=1', { host: 'warm.example', 'accept-language': 'es' })).headers['x-cache'], 'MISS');
  await first.close();

  const second = await cacheGateway(t, [origin], { cacheIni });
  // Same Host as before the restart (a restarted gateway listens where the old one did; here the port changed).
  const answer = await second.get('/warm?x=1', { host: 'warm.example', 'accept-language': 'es' });
  assert.equal(answer.headers['x-cache'], 'HIT');
  assert.equal(answer.body, 'warm #1 es');
  assert.equal(answer.headers['content-type'], 'text/plain');
  assert.ok(Number(answer.headers.age) >= 0);
  assert.equal(origin.count('/warm?x=1'), 1);
  // Purge still finds entries loaded from disk.
  assert.equal(await second.purge('/warm?x=1'), 1);
  assert.equal((await second.get('/warm?x=1', { host: 'warm.example', 'accept-language': 'es' })).headers['x-cache'], 'MISS');
});

test('store = disk: freshness keeps counting across the restart', async (t) => {
  const { dir, remove } = tempDir('pibl-cache-restart-');
  t.after(remove);
  const origin = await backend(t, (req, res, n) => {
    req.resume();
    res.writeHead(200, { 'cache-control': 'max-age=1' });
    res.end(`#${n}`);
  });
  const cacheIni = `store = disk\ndir = ${dir}`;
  const first = await cacheGateway(t, [origin], { cacheIni });
  await first.get('/short', { host: 'warm.example' });
  assert.equal((await first.get('/short', { host: 'warm.example' })).headers['x-cache'], 'HIT');
  await first.close();
  await new Promise((r) => setTimeout(r, 1_100));
  const second = await cacheGateway(t, [origin], { cacheIni });
  assert.equal((await second.get('/short', { host: 'warm.example' })).body, '#2');
});
