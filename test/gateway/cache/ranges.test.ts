import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answer, backend, cacheGateway } from './harness.js';

const lastModified = 'Sun, 06 Nov 1994 08:49:37 GMT';

async function warm(t: Parameters<typeof backend>[0]) {
  const origin = await backend(t, answer({ 'cache-control': 'max-age=600', etag: '"r"', 'last-modified': lastModified }, '0123456789A'));
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/r');
  return { origin, gw };
}

test('a single byte range is answered 206 from a stored whole answer', async (t) => {
  const { origin, gw } = await warm(t);
  for (const [range, body, contentRange] of [
    ['bytes=0-1', '01', 'bytes 0-1/11'],
    ['bytes=1-', '123456789A', 'bytes 1-10/11'],
    ['bytes=-1', 'A', 'bytes 10-10/11'],
    ['bytes=5-100', '56789A', 'bytes 5-10/11'],
  ] as const) {
    const res = await gw.get('/r', { range });
    assert.equal(res.status, 206, range);
    assert.equal(res.body, body, range);
    assert.equal(res.headers['content-range'], contentRange, range);
    assert.equal(res.headers['x-cache'], 'HIT');
  }
  assert.equal(origin.count('/r'), 1);
});

test('an unsatisfiable range is 416 with the length; several ranges get the whole answer', async (t) => {
  const { gw } = await warm(t);
  const beyond = await gw.get('/r', { range: 'bytes=50-60' });
  assert.equal(beyond.status, 416);
  assert.equal(beyond.headers['content-range'], 'bytes */11');
  const multi = await gw.get('/r', { range: 'bytes=0-1,3-4' });
  assert.equal(multi.status, 200);
  assert.equal(multi.body, '0123456789A');
});

test('If-Range: a matching strong ETag or date gets the range, anything else the whole answer', async (t) => {
  const { gw } = await warm(t);
  assert.equal((await gw.get('/r', { range: 'bytes=0-1', 'if-range': '"r"' })).status, 206);
  assert.equal((await gw.get('/r', { range: 'bytes=0-1', 'if-range': lastModified })).status, 206);
  assert.equal((await gw.get('/r', { range: 'bytes=0-1', 'if-range': '"other"' })).status, 200);
  assert.equal((await gw.get('/r', { range: 'bytes=0-1', 'if-range': 'W/"r"' })).status, 200);
});

test('a range request with nothing stored passes through and stores nothing', async (t) => {
  const origin = await backend(t, (req, res) => {
    req.resume();
    res.writeHead(206, { 'cache-control': 'max-age=600', 'content-range': 'bytes 0-1/11' });
    res.end('01');
  });
  const gw = await cacheGateway(t, [origin]);
  const res = await gw.get('/cold', { range: 'bytes=0-1' });
  assert.equal(res.status, 206);
  assert.equal(res.headers['x-cache'], 'BYPASS');
  assert.equal(origin.seen[0]!.headers.range, 'bytes=0-1');
  assert.equal((await gw.stats()).entries, 0);
});
