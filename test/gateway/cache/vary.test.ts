import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backend, cacheGateway } from './harness.js';

test('Vary: the named request headers are part of the key; each variant is stored and hit on its own', async (t) => {
  const origin = await backend(t, (req, res) => {
    req.resume();
    res.writeHead(200, { 'cache-control': 'max-age=60', vary: 'Accept-Language' });
    res.end(`lang=${req.headers['accept-language'] ?? 'none'}`);
  });
  const gw = await cacheGateway(t, [origin]);
  const es1 = await gw.get('/v', { 'accept-language': 'es' });
  const en1 = await gw.get('/v', { 'accept-language': 'en' });
  const none1 = await gw.get('/v');
  assert.deepEqual([es1.body, en1.body, none1.body], ['lang=es', 'lang=en', 'lang=none']);
  assert.deepEqual([es1.headers['x-cache'], en1.headers['x-cache'], none1.headers['x-cache']], ['MISS', 'MISS', 'MISS']);
  assert.match(String(en1.headers['cache-status']), /fwd=vary-miss/);

  const es2 = await gw.get('/v', { 'accept-language': 'es' });
  const en2 = await gw.get('/v', { 'accept-language': 'en' });
  const none2 = await gw.get('/v');
  assert.deepEqual([es2.body, en2.body, none2.body], ['lang=es', 'lang=en', 'lang=none']);
  assert.deepEqual([es2.headers['x-cache'], en2.headers['x-cache'], none2.headers['x-cache']], ['HIT', 'HIT', 'HIT']);
  assert.equal(origin.count('/v'), 3);
});

test('Vary: values that differ only by white space around commas select the same variant', async (t) => {
  const origin = await backend(t, (req, res) => {
    req.resume();
    res.writeHead(200, { 'cache-control': 'max-age=60', vary: 'accept-encoding' });
    res.end('enc');
  });
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/norm', { 'accept-encoding': 'gzip, br' });
  const again = await gw.get('/norm', { 'accept-encoding': 'gzip,br' });
  assert.equal(again.headers['x-cache'], 'HIT');
  assert.equal(origin.count('/norm'), 1);
});

test('Vary: Accept-Language values that differ only in the case of the language tags select the same variant; other fields keep their case', async (t) => {
  const origin = await backend(t, (req, res, n) => {
    req.resume();
    res.writeHead(200, { 'cache-control': 'max-age=60', vary: 'accept-language, x-token' });
    res.end(`#${n}`);
  });
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/lang', { 'accept-language': 'en, de', 'x-token': 'Abc' });
  const sameLanguages = await gw.get('/lang', { 'accept-language': 'eN, De', 'x-token': 'Abc' });
  assert.equal(sameLanguages.headers['x-cache'], 'HIT');
  const otherToken = await gw.get('/lang', { 'accept-language': 'en, de', 'x-token': 'abc' });
  assert.equal(otherToken.headers['x-cache'], 'MISS', 'an unknown field is compared as sent');
  assert.equal(origin.count('/lang'), 2);
});

test('Vary: * is never stored', async (t) => {
  const origin = await backend(t, (req, res, n) => {
    req.resume();
    res.writeHead(200, { 'cache-control': 'max-age=60', vary: '*' });
    res.end(`n=${n}`);
  });
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/star');
  const second = await gw.get('/star');
  assert.equal(second.body, 'n=2');
  assert.equal(second.headers['x-cache'], 'MISS');
  assert.equal((await gw.stats()).entries, 0);
});

test('Vary: a new answer that varies on other headers replaces the old variants', async (t) => {
  const origin = await backend(t, (req, res, n) => {
    req.resume();
    res.writeHead(200, { 'cache-control': n === 1 ? 'max-age=0' : 'max-age=60', vary: n === 1 ? 'accept' : 'accept-language' });
    res.end(`n=${n}`);
  });
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/change', { accept: 'text/html', 'accept-language': 'es' });
  const second = await gw.get('/change', { accept: 'text/html', 'accept-language': 'es' });
  assert.equal(second.body, 'n=2');
  const third = await gw.get('/change', { accept: 'application/json', 'accept-language': 'es' });
  assert.equal(third.body, 'n=2');
  assert.equal(third.headers['x-cache'], 'HIT');
  // One marker and one variant left; the variant made under `Vary: accept` is gone.
  assert.equal((await gw.stats()).entries, 2);
});
