import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backend, cacheGateway, sleep } from './harness.js';

test('50 concurrent cold requests for one URL make one backend request, and every one is answered', async (t) => {
  const origin = await backend(t, (req, res) => {
    req.resume();
    // Slow enough that the 50 arrive while the first is at the backend.
    setTimeout(() => {
      res.writeHead(200, { 'cache-control': 'max-age=60', 'content-type': 'text/plain' });
      res.end('coalesced body');
    }, 300);
  });
  const gw = await cacheGateway(t, [origin]);
  const answers = await Promise.all(Array.from({ length: 50 }, () => gw.get('/cold')));
  assert.equal(origin.count('/cold'), 1);
  for (const a of answers) {
    assert.equal(a.status, 200);
    assert.equal(a.body, 'coalesced body');
  }
  assert.equal(answers.filter((a) => a.headers['x-cache'] === 'MISS').length, 1);
  assert.equal(answers.filter((a) => a.headers['x-cache'] === 'HIT').length, 49);
  // RFC 9211 §2.7: the waiters say they were collapsed into the first request.
  assert.ok(answers.filter((a) => a.headers['cache-status'] === 'pibl; fwd=uri-miss; collapsed').length >= 40);
  // Most waited for the first one; on a slow machine a straggler may arrive after the entry was stored.
  assert.ok((await gw.stats()).coalescedWaits >= 40);
});

test('a non-storable answer does not leave waiters hanging: each fetches for itself', async (t) => {
  let open = 0;
  const origin = await backend(t, (req, res, n) => {
    req.resume();
    open++;
    setTimeout(() => {
      open--;
      res.writeHead(200, { 'cache-control': 'private', 'content-type': 'text/plain' });
      res.end(`personal ${n}`);
    }, 150);
  });
  const gw = await cacheGateway(t, [origin]);
  const answers = await Promise.all(Array.from({ length: 10 }, () => gw.get('/private')));
  assert.equal(origin.count('/private'), 10);
  assert.equal(new Set(answers.map((a) => a.body)).size, 10, 'every client got its own answer');
  for (const a of answers) assert.equal(a.headers['x-cache'], 'MISS');
  assert.equal(open, 0);
});

test('waiters are released when the leader fails, and get the error themselves', async (t) => {
  const origin = await backend(t, (req, res) => {
    req.resume();
    setTimeout(() => res.socket?.destroy(), 100);
  });
  const gw = await cacheGateway(t, [origin]);
  const answers = await Promise.all(Array.from({ length: 5 }, () => gw.get('/broken')));
  for (const a of answers) assert.ok(a.status >= 500, `status ${a.status}`);
  await sleep(10);
});

test('concurrent requests for a stale entry make one revalidation', async (t) => {
  const origin = await backend(t, (req, res, n) => {
    req.resume();
    const send = () => {
      if (req.headers['if-none-match'] === '"e1"') {
        res.writeHead(304, { 'cache-control': 'max-age=60', etag: '"e1"' });
        res.end();
      } else {
        res.writeHead(200, { 'cache-control': 'max-age=1', etag: '"e1"' });
        res.end('body');
      }
    };
    if (n === 1) send();
    else setTimeout(send, 200);
  });
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/stale');
  await sleep(1_100);
  const answers = await Promise.all(Array.from({ length: 20 }, () => gw.get('/stale')));
  assert.equal(origin.count('/stale'), 2);
  for (const a of answers) {
    assert.equal(a.status, 200);
    assert.equal(a.body, 'body');
    assert.equal(a.headers['x-cache'], 'HIT');
  }
});

test('after a non-storable answer, requests for that URL stop queueing behind one another (hit-for-miss)', async (t) => {
  const origin = await backend(t, (req, res) => {
    req.resume();
    setTimeout(() => {
      res.writeHead(200, { 'cache-control': 'no-store' });
      res.end('not shareable');
    }, 100);
  });
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/uncacheable');
  const before = (await gw.stats()).coalescedWaits;
  await Promise.all(Array.from({ length: 10 }, () => gw.get('/uncacheable')));
  assert.equal((await gw.stats()).coalescedWaits, before, 'nobody waited');
  assert.equal(origin.count('/uncacheable'), 11);
});

test('a URL that becomes storable again is coalesced again', async (t) => {
  const origin = await backend(t, (req, res, n) => {
    req.resume();
    setTimeout(() => {
      res.writeHead(200, { 'cache-control': n === 1 ? 'no-store' : 'max-age=1' });
      res.end(`#${n}`);
    }, 100);
  });
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/flip');
  await gw.get('/flip'); // storable now: the hit-for-miss mark goes
  await sleep(1_100);
  await Promise.all(Array.from({ length: 10 }, () => gw.get('/flip')));
  assert.equal(origin.count('/flip'), 3);
});

test('an error answer does not stop coalescing: the next concurrent misses still make one request', async (t) => {
  const origin = await backend(t, (req, res, n) => {
    req.resume();
    if (n === 1) {
      res.writeHead(500);
      res.end('transient');
      return;
    }
    setTimeout(() => {
      res.writeHead(200, { 'cache-control': 'max-age=60' });
      res.end('recovered');
    }, 200);
  });
  const gw = await cacheGateway(t, [origin]);
  assert.equal((await gw.get('/flaky')).status, 500);
  const answers = await Promise.all(Array.from({ length: 10 }, () => gw.get('/flaky')));
  for (const a of answers) assert.equal(a.body, 'recovered');
  assert.equal(origin.count('/flaky'), 2);
});
