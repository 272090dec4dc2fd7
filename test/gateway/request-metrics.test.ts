import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { once } from 'node:events';
import { connect } from 'node:net';
import { answer, backend, cacheGateway, waitFor } from './cache/harness.js';

/** Prometheus text lines as name{labels} -> value. */
async function scrape(base: string): Promise<Map<string, number>> {
  const res = await request(`${base}/metrics`);
  assert.equal(res.statusCode, 200);
  const samples = new Map<string, number>();
  for (const line of (await res.body.text()).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

test('pibl_http_requests_total counts each answer by backend, method, status and cache result; the duration histogram by cache result', async (t) => {
  const origin = await backend(t, (req, res, n) => {
    if (req.url === '/missing') return answer({}, 'no', 404)(req, res, n);
    return answer({ 'cache-control': 'max-age=600' }, 'page')(req, res, n);
  });
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/page');
  for (let i = 0; i < 3; i++) await gw.get('/page');
  await gw.get('/missing');
  await gw.send('POST', '/form', { body: 'x=1' });
  await gw.send('PROPFIND', '/dav');

  const samples = await scrape(gw.url);
  const name = gw.service.pool.all[0]!.name;
  const count = (method: string, status: number, cache: string, b = name) =>
    samples.get(`pibl_http_requests_total{backend="${b}",method="${method}",status="${status}",cache="${cache}"}`);
  assert.equal(count('GET', 200, 'MISS'), 1);
  assert.equal(count('GET', 200, 'HIT', 'none'), 3, 'a hit touches no backend');
  assert.equal(count('GET', 404, 'MISS'), 1);
  assert.equal(count('POST', 200, 'BYPASS'), 1);
  assert.equal(count('OTHER', 200, 'BYPASS'), 1, 'methods outside the known set share one label value');

  assert.equal(samples.get('pibl_http_request_duration_seconds_count{cache="HIT"}'), 3);
  assert.equal(samples.get('pibl_http_request_duration_seconds_count{cache="MISS"}'), 2);
  assert.equal(samples.get('pibl_http_request_duration_seconds_bucket{le="+Inf",cache="HIT"}'), 3);
  assert.ok(samples.get('pibl_http_request_duration_seconds_sum{cache="HIT"}')! > 0);
  const hitBuckets = [...samples].filter(([k]) => k.startsWith('pibl_http_request_duration_seconds_bucket{') && k.endsWith('cache="HIT"}'));
  assert.equal(hitBuckets.length, 15, '14 bounds and +Inf');
  for (let i = 1; i < hitBuckets.length; i++) assert.ok(hitBuckets[i]![1] >= hitBuckets[i - 1]![1], 'buckets are cumulative');
});

test('a request pipelined behind a slow one, cut by a client reset before its turn, leaves the in-flight gauge at 0', async (t) => {
  const origin = await backend(t, (req, res, n) => {
    setTimeout(() => answer({}, `#${n}`)(req, res, n), req.url === '/slow' ? 300 : 0);
  });
  const gw = await cacheGateway(t, [origin]);
  const socket = connect(gw.service.port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write('GET /slow HTTP/1.1\r\nHost: a\r\n\r\nGET /queued HTTP/1.1\r\nHost: a\r\n\r\n');
  await waitFor(async () => (await scrape(gw.url)).get('pibl_http_requests_in_flight') === 2);
  socket.resetAndDestroy();
  assert.ok(await waitFor(async () => (await scrape(gw.url)).get('pibl_http_requests_in_flight') === 0, 3_000), 'both requests are reported done');
});
