import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { backend, cacheGateway, sleep, waitFor, type Backend } from './harness.js';

/** Two identical GETs; the answer must come from the backend both times. */
async function notStored(
  t: Parameters<typeof backend>[0],
  headers: Record<string, string | string[]>,
  options: { status?: number; request?: Record<string, string>; body?: string; cacheIni?: string } = {},
): Promise<Backend> {
  const origin = await backend(t, (req, res, n) => {
    req.resume();
    res.writeHead(options.status ?? 200, headers);
    res.end(options.body ?? `n=${n}`);
  });
  const gw = await cacheGateway(t, [origin], { ttl: 180, cacheIni: options.cacheIni ?? '' });
  const first = await gw.get('/ns', options.request);
  assert.equal(first.headers['x-cache'], 'MISS');
  assert.doesNotMatch(String(first.headers['cache-status']), /stored/);
  const second = await gw.get('/ns', options.request);
  assert.equal(second.headers['x-cache'], 'MISS');
  assert.equal(origin.count('/ns'), 2);
  assert.equal((await gw.stats()).entries, 0);
  return origin;
}

test('never stored: Cache-Control: no-store', async (t) => {
  await notStored(t, { 'cache-control': 'max-age=60, no-store' });
});

test('never stored: Cache-Control: private', async (t) => {
  await notStored(t, { 'cache-control': 'private, max-age=60' });
});

test('never stored: a response with Set-Cookie', async (t) => {
  await notStored(t, { 'cache-control': 'max-age=60', 'set-cookie': 'session=abc' });
});

test('never stored: a request with no-store', async (t) => {
  await notStored(t, { 'cache-control': 'max-age=60' }, { request: { 'cache-control': 'no-store' } });
});

test('never stored: the answer to a request with Authorization, unless public or s-maxage', async (t) => {
  await notStored(t, { 'cache-control': 'max-age=60' }, { request: { authorization: 'Bearer secret' } });
  for (const cc of ['public, max-age=60', 's-maxage=60']) {
    const origin = await backend(t, (req, res, n) => {
      req.resume();
      res.writeHead(200, { 'cache-control': cc });
      res.end(`n=${n}`);
    });
    const gw = await cacheGateway(t, [origin]);
    await gw.get('/auth', { authorization: 'Bearer secret' });
    const second = await gw.get('/auth', { authorization: 'Bearer secret' });
    assert.equal(second.headers['x-cache'], 'HIT', cc);
    assert.equal(origin.count('/auth'), 1, cc);
  }
});

test('never stored: a partial (206) answer', async (t) => {
  await notStored(t, { 'cache-control': 'max-age=60', 'content-range': 'bytes 0-3/10' }, { status: 206, body: 'abcd' });
});

test('never stored: a body over max_object_bytes, with or without Content-Length', async (t) => {
  await notStored(t, { 'cache-control': 'max-age=60', 'content-length': '2000' }, { body: 'x'.repeat(2_000), cacheIni: 'max_object_bytes = 1000' });
  // Chunked: the limit is discovered while streaming (Cache-Status already said `stored`, the
  // intent); the client still gets every byte and nothing is kept.
  const origin = await backend(t, (req, res) => {
    req.resume();
    res.writeHead(200, { 'cache-control': 'max-age=60' });
    res.write('y'.repeat(600));
    res.end('y'.repeat(600));
  });
  const gw = await cacheGateway(t, [origin], { cacheIni: 'max_object_bytes = 1000' });
  const first = await gw.get('/chunked');
  assert.equal(first.body.length, 1_200);
  const second = await gw.get('/chunked');
  assert.equal(second.body.length, 1_200);
  assert.equal(second.headers['x-cache'], 'MISS');
  assert.equal(origin.count('/chunked'), 2);
});

test('never stored: answers to methods other than GET', async (t) => {
  const origin = await backend(t, (req, res, n) => {
    req.resume();
    res.writeHead(200, { 'cache-control': 'max-age=60' });
    res.end(`n=${n}`);
  });
  const gw = await cacheGateway(t, [origin]);
  const post = await gw.send('POST', '/m', { body: 'data' });
  assert.equal(post.headers['x-cache'], 'BYPASS');
  assert.match(String(post.headers['cache-status']), /fwd=method/);
  const get = await gw.get('/m');
  assert.equal(get.headers['x-cache'], 'MISS');
});

/** A raw backend: each connection's first request gets `answer(head)`, and then the connection ends. */
async function rawBackend(t: Parameters<typeof backend>[0], answer: (head: string) => string): Promise<number> {
  const server = createServer((socket) => {
    socket.on('error', () => {});
    socket.once('data', (data) => socket.end(answer(data.toString('latin1'))));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  return (server.address() as AddressInfo).port;
}

/** Two GETs of a body whose end only the connection's close marks: served whole, never stored. */
async function cutBodyNotStored(t: Parameters<typeof backend>[0], path: string, head: string, body: string): Promise<void> {
  // Health probes get a plain empty answer.
  const port = await rawBackend(t, (request) => (request.startsWith(`GET ${path} `) ? `${head}\r\n\r\n${body}` : 'HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n'));
  const gw = await cacheGateway(t, [port]);
  const first = await gw.get(path);
  assert.equal(first.body, body);
  assert.doesNotMatch(String(first.headers['cache-status']), /stored/);
  const second = await gw.get(path);
  assert.notEqual(second.headers['x-cache'], 'HIT', 'a body that may have been cut was served as a hit');
  assert.equal((await gw.stats()).entries, 0);
}

test('never stored: a close-delimited body (no Content-Length, not chunked), which a reset mid-body would cut short unseen', async (t) => {
  // HTTP/1.1 with neither Content-Length nor Transfer-Encoding, ended by closing.
  await cutBodyNotStored(t, '/eof', 'HTTP/1.1 200 OK\r\ncache-control: max-age=600\r\ncontent-type: text/plain\r\nconnection: close', 'until the close');
});

test('never stored: a body framed by a Transfer-Encoding that is not chunked (it runs to the close, so a cut looks like its end)', async (t) => {
  // Ten bytes of what may be a longer body, then the connection ends: nothing tells the two apart.
  await cutBodyNotStored(t, '/te', 'HTTP/1.1 200 OK\r\ncache-control: max-age=600\r\ntransfer-encoding: identity', 'partial bo');
});

/**
 * A raw backend whose first answer has a length and may be stored, and whose
 * later answers end only by closing the connection. Counts the requests.
 */
async function closeDelimitedAfterFirst(t: Parameters<typeof backend>[0], firstCacheControl: string) {
  let requests = 0;
  const server = createServer((socket) => {
    socket.on('error', () => {});
    socket.on('data', (data) => {
      // Health probes come here too; only the test's own paths count.
      if (!/^GET \/(re|bg) /.test(data.toString('latin1'))) return void socket.end('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n');
      requests++;
      if (requests === 1) {
        socket.write(`HTTP/1.1 200 OK\r\ncache-control: ${firstCacheControl}\r\netag: "v1"\r\ncontent-length: 9\r\n\r\nversion 1`);
      } else {
        socket.end(`HTTP/1.1 200 OK\r\ncache-control: max-age=600\r\netag: "v${requests}"\r\nconnection: close\r\n\r\nversion ${requests}, until the close`);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  return { port: (server.address() as AddressInfo).port, requests: () => requests };
}

test('never stored: a close-delimited 200 that answers a revalidation (the stale entry stays; the next request asks again)', async (t) => {
  const origin = await closeDelimitedAfterFirst(t, 'max-age=0');
  const gw = await cacheGateway(t, [origin.port]);
  assert.equal((await gw.get('/re')).body, 'version 1');
  const second = await gw.get('/re');
  assert.equal(second.body, 'version 2, until the close', 'the client gets the new answer whole');
  assert.doesNotMatch(String(second.headers['cache-status']), /stored/);
  const third = await gw.get('/re');
  assert.notEqual(third.headers['x-cache'], 'HIT', 'the close-delimited answer was not kept');
  assert.equal(third.body, 'version 3, until the close');
  assert.equal(origin.requests(), 3);
});

test('never stored: a close-delimited 200 fetched by a stale-while-revalidate refresh', async (t) => {
  const origin = await closeDelimitedAfterFirst(t, 'max-age=0, stale-while-revalidate=60');
  const gw = await cacheGateway(t, [origin.port]);
  assert.equal((await gw.get('/bg')).body, 'version 1');
  const stale = await gw.get('/bg');
  assert.equal(stale.headers['x-cache'], 'STALE');
  assert.ok(await waitFor(() => origin.requests() >= 2), 'the background refresh ran');
  // The refresh's answer was not stored: the old entry is still what is served, stale.
  await sleep(100);
  const after = await gw.get('/bg');
  assert.equal(after.body, 'version 1');
  assert.equal(after.headers['x-cache'], 'STALE');
});

test('never stored: a GET with a body goes by the cache (BYPASS), the body reaching the backend', async (t) => {
  const origin = await backend(t, (req, res, n) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      res.writeHead(200, { 'cache-control': 'max-age=600' });
      res.end(`#${n} saw "${body}"`);
    });
  });
  const gw = await cacheGateway(t, [origin]);
  const withBody = await gw.send('GET', '/search', { body: 'q=secret' });
  assert.equal(withBody.body, '#1 saw "q=secret"');
  assert.equal(withBody.headers['x-cache'], 'BYPASS');
  const plain = await gw.get('/search');
  assert.equal(plain.headers['x-cache'], 'MISS', 'the answer to the GET with a body was not stored');
  assert.equal(plain.body, '#2 saw ""');
});
