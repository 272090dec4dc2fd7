import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backend, cacheGateway } from './harness.js';

/** Whether a second GET is answered from the cache for this Cache-Control (ttl = 0, no validators). */
async function reused(t: Parameters<typeof backend>[0], cacheControl: string | string[]): Promise<boolean> {
  const origin = await backend(t, (req, res, n) => {
    req.resume();
    // setHeader: a list becomes repeated header lines.
    res.setHeader('cache-control', cacheControl);
    res.writeHead(200);
    res.end(`#${n}`);
  });
  const gw = await cacheGateway(t, [origin], { ttl: 0 });
  await gw.get('/cc');
  await gw.get('/cc');
  return origin.count('/cc') === 1;
}

test('Cache-Control: valid max-age forms are fresh', async (t) => {
  for (const cc of ['max-age=3600', 'MaX-AgE=3600', 'max-age="3600"', 'foobar, max-age=3600', 'max-age=003600', 'max-age=99999999999']) {
    assert.equal(await reused(t, cc), true, cc);
  }
});

test('Cache-Control: invalid max-age forms are stale, never fresh (RFC 9111 §4.2.1, §1.2.2)', async (t) => {
  for (const cc of ['max-age=100a', 'max-age=a100', 'max-age=-100', "max-age='3600'", 'max-age =100', 'max-age= 100', 'max-age=3600.5']) {
    assert.equal(await reused(t, cc), false, cc);
  }
});

test('Cache-Control: a max-age inside a quoted string is not a directive', async (t) => {
  assert.equal(await reused(t, 'extension="max-age=3600, public", no-store'), false);
  assert.equal(await reused(t, 'no-store, extension="a,b", other'), false);
  assert.equal(await reused(t, 'extension="no-store, private", max-age=3600'), true);
});

test('Cache-Control: the first of repeated directives counts, across repeated header lines too', async (t) => {
  assert.equal(await reused(t, 'max-age=3600, max-age=0'), true);
  assert.equal(await reused(t, ['max-age=0', 'max-age=3600']), false);
});

test('Cache-Control: directive names are case-insensitive for no-store and no-cache', async (t) => {
  assert.equal(await reused(t, 'No-StOrE, max-age=3600'), false);
  assert.equal(await reused(t, 'max-age=3600, No-CaChE'), false);
});

test('qualified no-cache="a, b": reused without revalidation, but without the listed fields', async (t) => {
  const origin = await backend(t, (req, res) => {
    req.resume();
    res.setHeader('cache-control', ['no-cache="a, b"', 'max-age=3600']);
    res.writeHead(200, { a: '1', b: '2', c: '3' });
    res.end('q');
  });
  const gw = await cacheGateway(t, [origin], { ttl: 0 });
  const miss = await gw.get('/q');
  assert.equal(miss.headers.a, '1');
  const hit = await gw.get('/q');
  assert.equal(hit.headers['x-cache'], 'HIT');
  assert.equal(hit.headers.a, undefined);
  assert.equal(hit.headers.b, undefined);
  assert.equal(hit.headers.c, '3');
  assert.equal(origin.count('/q'), 1);
});
