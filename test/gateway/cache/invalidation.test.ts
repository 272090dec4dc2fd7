import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backend, cacheGateway, waitFor, type Backend } from './harness.js';

/** GETs are cacheable and count; unsafe methods answer with what `unsafe` says. */
async function site(t: Parameters<typeof backend>[0], unsafe: { status: number; headers?: Record<string, string> }): Promise<Backend> {
  return backend(t, (req, res, n) => {
    req.resume();
    if (req.method === 'GET') {
      res.writeHead(200, { 'cache-control': 'max-age=600', vary: 'accept' });
      res.end(`${req.url} #${n}`);
    } else {
      res.writeHead(unsafe.status, unsafe.headers ?? {});
      res.end();
    }
  });
}

for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
  test(`invalidation: a successful ${method} removes the URL, with all its variants`, async (t) => {
    const origin = await site(t, { status: 200 });
    const gw = await cacheGateway(t, [origin]);
    await gw.get('/item', { accept: 'text/html' });
    await gw.get('/item', { accept: 'application/json' });
    assert.equal((await gw.get('/item', { accept: 'text/html' })).headers['x-cache'], 'HIT');
    const unsafe = await gw.send(method, '/item', { body: 'change' });
    assert.equal(unsafe.headers['x-cache'], 'BYPASS');
    const html = await gw.get('/item', { accept: 'text/html' });
    const json = await gw.get('/item', { accept: 'application/json' });
    assert.equal(html.headers['x-cache'], 'MISS');
    assert.equal(json.headers['x-cache'], 'MISS');
  });
}

test('invalidation: Location and Content-Location on the same host are removed too', async (t) => {
  const origin = await site(t, { status: 201, headers: { location: '/items/7', 'content-location': 'http://127.0.0.1/ignored' } });
  const gw = await cacheGateway(t, [origin]);
  const host = new URL(gw.url).host;
  origin.handler = ((inner) => (req, res, n) => {
    if (req.method === 'POST') {
      req.resume();
      res.writeHead(201, { location: '/items/7', 'content-location': `http://${host}/items/latest` });
      res.end();
      return;
    }
    inner(req, res, n);
  })(origin.handler);
  for (const path of ['/items', '/items/7', '/items/latest', '/items/other']) await gw.get(path);
  await gw.send('POST', '/items', { body: '{}' });
  assert.equal((await gw.get('/items')).headers['x-cache'], 'MISS');
  assert.equal((await gw.get('/items/7')).headers['x-cache'], 'MISS');
  assert.equal((await gw.get('/items/latest')).headers['x-cache'], 'MISS');
  assert.equal((await gw.get('/items/other')).headers['x-cache'], 'HIT');
});

test('invalidation: a Location on another host is left alone (RFC 9111 §4.4)', async (t) => {
  const origin = await site(t, { status: 303, headers: { location: 'http://elsewhere.example/target' } });
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/target');
  await gw.send('POST', '/form', { body: 'x' });
  assert.equal((await gw.get('/target')).headers['x-cache'], 'HIT');
});

test('invalidation: a failed unsafe request invalidates nothing', async (t) => {
  const origin = await site(t, { status: 500 });
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/keep');
  await gw.send('POST', '/keep', { body: 'x' });
  assert.equal((await gw.get('/keep')).headers['x-cache'], 'HIT');
});

test('invalidation: only the host the request named; safe methods (OPTIONS) invalidate nothing', async (t) => {
  const origin = await site(t, { status: 204 });
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/h', { host: 'a.example' });
  await gw.get('/h', { host: 'b.example' });
  await gw.send('DELETE', '/h', { headers: { host: 'a.example' } });
  await gw.send('OPTIONS', '/h', { headers: { host: 'b.example' } });
  assert.equal((await gw.get('/h', { host: 'a.example' })).headers['x-cache'], 'MISS');
  assert.equal((await gw.get('/h', { host: 'b.example' })).headers['x-cache'], 'HIT');
});

test('invalidation wins over a GET that was at the backend when the unsafe request completed', async (t) => {
  let finishGet: (() => void) | null = null;
  const origin = await backend(t, (req, res, n) => {
    req.resume();
    if (req.method !== 'GET') {
      res.writeHead(204);
      res.end();
      return;
    }
    const send = () => {
      res.writeHead(200, { 'cache-control': 'max-age=600' });
      res.end(`version ${n}`);
    };
    if (n === 1) finishGet = send;
    else send();
  });
  const gw = await cacheGateway(t, [origin]);
  const slowGet = gw.get('/race');
  assert.ok(await waitFor(() => finishGet !== null));
  await gw.send('PUT', '/race', { body: 'new' });
  finishGet!();
  assert.equal((await slowGet).body, 'version 1');
  const after = await gw.get('/race');
  assert.equal(after.headers['x-cache'], 'MISS', 'the answer fetched before the PUT was not kept');
  assert.equal(after.body, 'version 3'); // the PUT was request 2
});
