import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { backend, cacheGateway, waitFor } from './harness.js';

test('a miss streams the body to the client before the backend has finished it', async (t) => {
  let finish: (() => void) | null = null;
  const origin = await backend(t, (req, res) => {
    req.resume();
    res.writeHead(200, { 'cache-control': 'max-age=600', 'content-type': 'text/plain' });
    res.write('first part;');
    finish = () => res.end('second part');
  });
  const gw = await cacheGateway(t, [origin]);
  const res = await request(`${gw.url}/stream`);
  assert.equal(res.headers['x-cache'], 'MISS');
  const reader = res.body[Symbol.asyncIterator]();
  const first = await reader.next();
  assert.equal(Buffer.from(first.value as Buffer).toString(), 'first part;', 'first chunk arrived while the backend still held the rest');
  assert.ok(await waitFor(() => finish !== null));
  finish!();
  let rest = '';
  for (let next = await reader.next(); !next.done; next = await reader.next()) rest += Buffer.from(next.value as Buffer).toString();
  assert.equal(rest, 'second part');
  // The whole streamed body was kept.
  const hit = await gw.get('/stream');
  assert.equal(hit.headers['x-cache'], 'HIT');
  assert.equal(hit.body, 'first part;second part');
});

test('past max_object_bytes the copy stops, never the stream: a large body arrives whole and is not stored', async (t) => {
  const chunk = 'z'.repeat(64 * 1024);
  const origin = await backend(t, (req, res) => {
    req.resume();
    res.writeHead(200, { 'cache-control': 'max-age=600' });
    let sent = 0;
    const more = () => {
      while (sent < 32) {
        sent++;
        if (!res.write(chunk)) return void res.once('drain', more);
      }
      res.end();
    };
    more();
  });
  const gw = await cacheGateway(t, [origin], { cacheIni: 'max_object_bytes = 100000' });
  const first = await gw.get('/big');
  assert.equal(first.body.length, 32 * chunk.length);
  const second = await gw.get('/big');
  assert.equal(second.body.length, 32 * chunk.length);
  assert.equal(second.headers['x-cache'], 'MISS');
  assert.equal((await gw.stats()).entries, 0);
});

test('a client that goes away mid-body never leaves a truncated entry behind', async (t) => {
  let finish: (() => void) | null = null;
  const origin = await backend(t, (req, res, n) => {
    req.resume();
    res.writeHead(200, { 'cache-control': 'max-age=600' });
    res.write('partial ');
    if (n === 1) finish = () => res.end('rest');
    else res.end('rest');
  });
  const gw = await cacheGateway(t, [origin]);
  const res = await request(`${gw.url}/gone`);
  const reader = res.body[Symbol.asyncIterator]();
  await reader.next();
  res.body.destroy();
  assert.ok(await waitFor(() => finish !== null));
  finish!();
  // Whether the gateway noticed the client leave before the backend finished or not,
  // what it answers next is the whole body.
  const again = await gw.get('/gone');
  assert.equal(again.body, 'partial rest');
});

test('a backend that dies mid-body leaves nothing stored', async (t) => {
  const origin = await backend(t, (req, res, n) => {
    req.resume();
    res.writeHead(200, { 'cache-control': 'max-age=600', 'content-length': '100' });
    res.write('half of it');
    if (n === 1) setTimeout(() => res.socket?.destroy(), 20);
    else res.end('x'.repeat(90));
  });
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/dies').catch(() => null);
  const again = await gw.get('/dies');
  assert.equal(again.headers['x-cache'], 'MISS');
  assert.equal(again.body.length, 100);
});
