import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backend, cacheGateway, sleep, waitFor } from './harness.js';

test('stale-while-revalidate: a stale entry is served at once (STALE) and refreshed once in the background', async (t) => {
  let release: (() => void) | null = null;
  const origin = await backend(t, (req, res, n) => {
    req.resume();
    const send = () => {
      res.writeHead(200, { 'cache-control': 'max-age=1, stale-while-revalidate=60', etag: `"s${n}"` });
      res.end(`version ${n}`);
    };
    // Hold the background refresh until the test has seen the stale answers.
    if (n === 2) release = send;
    else send();
  });
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/swr');
  await sleep(1_100);
  const stale = await Promise.all(Array.from({ length: 5 }, () => gw.get('/swr')));
  for (const a of stale) {
    assert.equal(a.body, 'version 1');
    assert.equal(a.headers['x-cache'], 'STALE');
    assert.equal(a.headers['cache-status'], 'pibl; hit; detail=stale-while-revalidate');
  }
  assert.ok(await waitFor(() => release !== null));
  assert.equal(origin.count('/swr'), 2, 'one background refresh for five stale answers');
  assert.equal(origin.seen[1]!.headers['if-none-match'], '"s1"');
  release!();
  assert.ok(await waitFor(async () => (await gw.get('/swr')).body === 'version 2'));
  const fresh = await gw.get('/swr');
  assert.equal(fresh.headers['x-cache'], 'HIT');
  assert.equal(origin.count('/swr'), 2);
});

test('stale-while-revalidate: past the window the entry is revalidated before answering', async (t) => {
  const origin = await backend(t, (req, res, n) => {
    req.resume();
    res.writeHead(200, { 'cache-control': 'max-age=1, stale-while-revalidate=1' });
    res.end(`version ${n}`);
  });
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/window');
  await sleep(2_100);
  const answer = await gw.get('/window');
  assert.equal(answer.body, 'version 2');
  assert.equal(answer.headers['x-cache'], 'MISS');
});

test('stale-while-revalidate does not apply to no-cache or must-revalidate answers', async (t) => {
  for (const cc of ['no-cache, max-age=1, stale-while-revalidate=60', 'must-revalidate, max-age=1, stale-while-revalidate=60']) {
    const origin = await backend(t, (req, res, n) => {
      req.resume();
      res.writeHead(200, { 'cache-control': cc });
      res.end(`version ${n}`);
    });
    const gw = await cacheGateway(t, [origin]);
    await gw.get('/strict');
    await sleep(1_100);
    assert.equal((await gw.get('/strict')).body, 'version 2', cc);
  }
});
