import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backend, cacheGateway } from './harness.js';

const echo = (t: Parameters<typeof backend>[0]) =>
  backend(t, (req, res, n) => {
    req.resume();
    res.writeHead(200, { 'cache-control': 'max-age=600' });
    res.end(`${req.headers.host} ${req.url} #${n}`);
  });

test('the key holds the host: two hosts never share an entry (the original proxy keyed on the request line alone)', async (t) => {
  const origin = await echo(t);
  const gw = await cacheGateway(t, [origin]);
  const a = await gw.get('/same', { host: 'a.example' });
  const b = await gw.get('/same', { host: 'b.example' });
  assert.notEqual(a.body, b.body);
  assert.equal((await gw.get('/same', { host: 'a.example' })).body, a.body);
  assert.equal((await gw.get('/same', { host: 'B.EXAMPLE' })).body, b.body, 'host names compare case-insensitively');
  assert.equal((await gw.get('/same', { host: 'a.example:80' })).body, a.body, 'the default port is the same origin');
});

test('the key holds the query string', async (t) => {
  const origin = await echo(t);
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/q?a=1');
  const other = await gw.get('/q?a=2');
  assert.equal(other.headers['x-cache'], 'MISS');
  assert.equal((await gw.get('/q?a=1')).headers['x-cache'], 'HIT');
});

test('the key does not hold the method: GET fills, HEAD reads', async (t) => {
  const origin = await echo(t);
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/m');
  assert.equal((await gw.send('HEAD', '/m')).headers['x-cache'], 'HIT');
});
