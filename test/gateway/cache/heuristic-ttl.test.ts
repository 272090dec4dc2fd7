import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answer, backend, cacheGateway } from './harness.js';

test('without explicit freshness the configured ttl applies to the heuristically cacheable statuses', async (t) => {
  for (const status of [200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501]) {
    const origin = await backend(t, answer({ 'content-type': 'text/plain' }, status === 204 ? '' : 'body', status));
    const gw = await cacheGateway(t, [origin], { ttl: 60 });
    await gw.get('/h');
    const second = await gw.get('/h');
    assert.equal(second.status, status);
    assert.equal(second.headers['x-cache'], 'HIT', `status ${status}`);
    assert.equal(origin.count('/h'), 1, `status ${status}`);
  }
});

test('the ttl heuristic does not apply to other statuses (302, 307, 500)', async (t) => {
  for (const status of [302, 307, 500]) {
    const origin = await backend(t, answer({ location: '/elsewhere' }, 'x', status));
    const gw = await cacheGateway(t, [origin], { ttl: 60 });
    await gw.get('/h');
    await gw.get('/h');
    assert.equal(origin.count('/h'), 2, `status ${status}`);
  }
});

test('the heuristic freshness is ttl seconds: stale after it passes', async (t) => {
  const origin = await backend(t, (req, res, n) => answer({}, `n=${n}`)(req, res, n));
  const gw = await cacheGateway(t, [origin], { ttl: 1 });
  await gw.get('/short');
  assert.equal((await gw.get('/short')).headers['x-cache'], 'HIT');
  await new Promise((r) => setTimeout(r, 1_100));
  const later = await gw.get('/short');
  assert.equal(later.body, 'n=2');
});

test('ttl = 0: no heuristic; an answer with neither freshness nor validators is not stored', async (t) => {
  const origin = await backend(t, answer({ 'content-type': 'text/plain' }, 'plain'));
  const gw = await cacheGateway(t, [origin], { ttl: 0 });
  await gw.get('/n');
  await gw.get('/n');
  assert.equal(origin.count('/n'), 2);
  assert.equal((await gw.stats()).entries, 0);
});

test('ttl = 0: an answer with only a validator is stored and revalidated on every use', async (t) => {
  const lastModified = new Date(Date.now() - 86_400_000).toUTCString();
  const origin = await backend(t, (req, res) => {
    req.resume();
    if (req.headers['if-modified-since'] === lastModified) {
      res.writeHead(304, { 'last-modified': lastModified });
      res.end();
      return;
    }
    res.writeHead(200, { 'last-modified': lastModified });
    res.end('validated');
  });
  const gw = await cacheGateway(t, [origin], { ttl: 0 });
  await gw.get('/lm');
  const second = await gw.get('/lm');
  assert.equal(second.body, 'validated');
  assert.equal(origin.count('/lm'), 2);
  assert.equal(origin.seen[1]!.headers['if-modified-since'], lastModified);
});
