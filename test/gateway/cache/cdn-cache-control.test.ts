import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answer, backend, cacheGateway } from './harness.js';

// RFC 9213: a valid CDN-Cache-Control replaces Cache-Control and Expires for this cache; clients still get both.
const future = () => new Date(Date.now() + 3_600_000).toUTCString();

async function twice(t: Parameters<typeof backend>[0], headers: Record<string, string>) {
  const origin = await backend(t, (req, res, n) => answer(headers, `n=${n}`)(req, res, n));
  const gw = await cacheGateway(t, [origin], { ttl: 0 });
  const first = await gw.get('/cdn');
  const second = await gw.get('/cdn');
  return { first, second, backendRequests: origin.count('/cdn') };
}

test('CDN-Cache-Control: max-age makes an answer fresh for the gateway even with Cache-Control: no-store, which the client still gets', async (t) => {
  const { first, second, backendRequests } = await twice(t, { 'cache-control': 'no-store', 'cdn-cache-control': 'max-age=600' });
  assert.equal(backendRequests, 1);
  assert.equal(second.headers['x-cache'], 'HIT');
  assert.equal(first.headers['cache-control'], 'no-store');
  assert.equal(second.headers['cache-control'], 'no-store');
  assert.equal(second.headers['cdn-cache-control'], 'max-age=600');
});

for (const directive of ['private', 'no-store', 'no-cache']) {
  test(`CDN-Cache-Control: ${directive} wins over Cache-Control: max-age and a future Expires`, async (t) => {
    const { backendRequests } = await twice(t, { 'cache-control': 'max-age=10000', expires: future(), 'cdn-cache-control': directive });
    assert.equal(backendRequests, 2);
  });
}

test('a short CDN-Cache-Control max-age wins over a long Cache-Control max-age; max-age=0 over a future Expires', async (t) => {
  const short = await twice(t, { 'cache-control': 'max-age=3600', 'cdn-cache-control': 'max-age=0' });
  assert.equal(short.backendRequests, 2);
  const zero = await twice(t, { expires: future(), 'cdn-cache-control': 'max-age=0' });
  assert.equal(zero.backendRequests, 2);
});

test('a CDN-Cache-Control that is not a valid Structured Field is ignored: Cache-Control governs', async (t) => {
  for (const invalid of ['max-age=10000, &&&&&', 'max-age =10000', 'MAX-AGE=10000']) {
    const { backendRequests } = await twice(t, { 'cache-control': 'no-store', 'cdn-cache-control': invalid });
    assert.equal(backendRequests, 2, `CDN-Cache-Control: ${invalid}`);
  }
  const { backendRequests } = await twice(t, { 'cache-control': 'max-age=600', 'cdn-cache-control': 'max-age=10000, &&&&&' });
  assert.equal(backendRequests, 1, 'with the invalid field ignored, Cache-Control max-age=600 makes it fresh');
});

test('an extension directive in CDN-Cache-Control is ignored, the rest applies', async (t) => {
  const { backendRequests } = await twice(t, { 'cdn-cache-control': 'foobar, max-age=3600' });
  assert.equal(backendRequests, 1);
});

test('a qualified no-cache="field" in CDN-Cache-Control drops that field from hits; one in the overridden Cache-Control does not', async (t) => {
  const origin = await backend(t, answer({ 'cdn-cache-control': 'max-age=600, no-cache="x-secret"', 'x-secret': 's', 'x-other': 'o' }, 'x'));
  const gw = await cacheGateway(t, [origin], { ttl: 0 });
  assert.equal((await gw.get('/q')).headers['x-secret'], 's', 'the answer from the backend carries it');
  const hit = await gw.get('/q');
  assert.equal(hit.headers['x-cache'], 'HIT');
  assert.equal(hit.headers['x-secret'], undefined);
  assert.equal(hit.headers['x-other'], 'o');

  const overridden = await backend(t, answer({ 'cache-control': 'no-cache="x-secret"', 'cdn-cache-control': 'max-age=600', 'x-secret': 's' }, 'y'));
  const gw2 = await cacheGateway(t, [overridden], { ttl: 0 });
  await gw2.get('/q');
  const hit2 = await gw2.get('/q');
  assert.equal(hit2.headers['x-cache'], 'HIT');
  assert.equal(hit2.headers['x-secret'], 's', 'Cache-Control does not govern this cache when CDN-Cache-Control does');
});
