import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backend, cacheGateway, sleep } from './harness.js';

test('stale-if-error: every backend down -> the stale entry is served with X-Cache: STALE', async (t) => {
  const origin = await backend(t, (req, res) => {
    req.resume();
    res.writeHead(200, { 'cache-control': 'max-age=1, stale-if-error=60' });
    res.end('kept for bad days');
  });
  const gw = await cacheGateway(t, [origin], { cacheIni: 'grace = 0' });
  await gw.get('/sie');
  await origin.kill();
  await sleep(1_100);
  const answer = await gw.get('/sie');
  assert.equal(answer.status, 200);
  assert.equal(answer.body, 'kept for bad days');
  assert.equal(answer.headers['x-cache'], 'STALE');
  assert.match(String(answer.headers['cache-status']), /fwd=stale; detail=stale-if-error/);
  assert.ok(Number(answer.headers.age) >= 1);
  assert.equal((await gw.stats()).staleServed, 1);
});

test('stale-if-error: a 5xx answer is replaced by the stale entry', async (t) => {
  const origin = await backend(t, (req, res, n) => {
    req.resume();
    if (n === 1) {
      res.writeHead(200, { 'cache-control': 'max-age=1, stale-if-error=60' });
      res.end('good');
    } else {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('overloaded');
    }
  });
  const gw = await cacheGateway(t, [origin], { cacheIni: 'grace = 0' });
  await gw.get('/five');
  await sleep(1_100);
  const answer = await gw.get('/five');
  assert.equal(answer.status, 200);
  assert.equal(answer.body, 'good');
  assert.equal(answer.headers['x-cache'], 'STALE');
  assert.match(String(answer.headers['cache-status']), /fwd-status=503/);
});

test('stale-if-error: past its window the error goes to the client', async (t) => {
  const origin = await backend(t, (req, res, n) => {
    req.resume();
    if (n === 1) {
      res.writeHead(200, { 'cache-control': 'max-age=1, stale-if-error=1' });
      res.end('good');
    } else {
      res.writeHead(500);
      res.end('broken');
    }
  });
  const gw = await cacheGateway(t, [origin], { cacheIni: 'grace = 0' });
  await gw.get('/late');
  await sleep(2_200);
  const answer = await gw.get('/late');
  assert.equal(answer.status, 500);
  assert.equal(answer.body, 'broken');
});

test('stale-if-error in the request is honoured too (RFC 5861 §4)', async (t) => {
  const origin = await backend(t, (req, res, n) => {
    req.resume();
    if (n === 1) {
      res.writeHead(200, { 'cache-control': 'max-age=1' });
      res.end('good');
    } else {
      res.writeHead(502);
      res.end('bad');
    }
  });
  const gw = await cacheGateway(t, [origin], { cacheIni: 'grace = 0' });
  await gw.get('/req');
  await sleep(1_100);
  assert.equal((await gw.get('/req')).status, 502);
  const answer = await gw.get('/req', { 'cache-control': 'stale-if-error=60' });
  assert.equal(answer.status, 200);
  assert.equal(answer.headers['x-cache'], 'STALE');
});
