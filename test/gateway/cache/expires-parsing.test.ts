import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHttpDate } from '../../../src/gateway/cache/http-date.js';
import { backend, cacheGateway } from './harness.js';

async function reused(t: Parameters<typeof backend>[0], expires: string): Promise<boolean> {
  const origin = await backend(t, (req, res, n) => {
    req.resume();
    res.writeHead(200, { expires, date: new Date().toUTCString() });
    res.end(`#${n}`);
  });
  const gw = await cacheGateway(t, [origin], { ttl: 0 });
  await gw.get('/x');
  await gw.get('/x');
  return origin.count('/x') === 1;
}

test('Expires in the three HTTP-date forms is honoured, names in any case (RFC 9110 §5.6.7)', async (t) => {
  for (const expires of [
    'Thu, 18 Aug 2050 02:01:18 GMT',
    'THU, 18 AUG 2050 02:01:18 gMT',
    'Thursday, 18-Aug-50 02:01:18 GMT',
    'Thu Aug 18 02:01:18 2050',
  ]) {
    assert.equal(await reused(t, expires), true, expires);
  }
});

test('an invalid Expires means already expired (RFC 9111 §5.3)', async (t) => {
  for (const expires of [
    '0',
    'Thu, 18 Aug 2050 02:01:18 UTC',
    'Thu, 18 Aug 50 02:01:18 GMT',
    'Thu 18 Aug 2050 02:01:18 GMT',
    'Thu, 18  Aug  2050 02:01:18 GMT',
    'Thu, 18-Aug-2050 02:01:18 GMT',
    'Thu, 18 Aug 2050 02.01.18 GMT',
    'Thu, 18 Aug 2050 2:01:18 GMT',
  ]) {
    assert.equal(await reused(t, expires), false, expires);
  }
});

test('HTTP-date parsing: values, the RFC 850 century rule, impossible dates', () => {
  assert.equal(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT'), Date.UTC(1994, 10, 6, 8, 49, 37));
  assert.equal(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT', Date.UTC(2026, 0, 1)), Date.UTC(1994, 10, 6, 8, 49, 37));
  assert.equal(parseHttpDate('Sun Nov  6 08:49:37 1994'), Date.UTC(1994, 10, 6, 8, 49, 37));
  assert.equal(parseHttpDate('Fri, 30 Feb 2024 00:00:00 GMT'), null);
  assert.equal(parseHttpDate('Fri, 01 Mar 2024 24:00:00 GMT'), null);
  assert.equal(parseHttpDate(undefined), null);
});
