import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTargetedCacheControl } from '../../../src/gateway/cache/cache-control.js';

// RFC 8941 §4.2.2 Dictionary, as RFC 9213 reads CDN-Cache-Control.
test('CDN-Cache-Control parses as a Structured Field Dictionary: tokens, integers, strings, parameters, inner lists', () => {
  assert.deepEqual(parseTargetedCacheControl('max-age=3600'), { 'max-age': '3600' });
  assert.deepEqual(parseTargetedCacheControl('foobar, max-age=3600'), { foobar: true, 'max-age': '3600' });
  assert.deepEqual(parseTargetedCacheControl('max-age=60 ,  private'), { 'max-age': '60', private: true });
  assert.deepEqual(parseTargetedCacheControl('max-age=1;x=2, no-cache'), { 'max-age': '1', 'no-cache': true });
  assert.deepEqual(parseTargetedCacheControl('foo=(1 2), max-age=5'), { foo: '(1 2)', 'max-age': '5' });
  assert.deepEqual(parseTargetedCacheControl('foo="a;b, c", max-age=5'), { foo: '"a;b, c"', 'max-age': '5' });
  assert.deepEqual(parseTargetedCacheControl(['max-age=5', 'private']), { 'max-age': '5', private: true }, 'repeated lines join');
  assert.deepEqual(parseTargetedCacheControl('max-age=1, max-age=9'), { 'max-age': '9' }, 'the last duplicate wins');
  assert.deepEqual(parseTargetedCacheControl('no-store=?0, max-age=5'), { 'max-age': '5' }, '?0 turns a directive off');
});

test('a string where a number belongs stays quoted, so it can never read as delta-seconds', () => {
  assert.deepEqual(parseTargetedCacheControl('max-age="10000"'), { 'max-age': '"10000"' });
});

test('CDN-Cache-Control that is empty or does not parse is null: the cache falls back to Cache-Control (RFC 9213 §2.1)', () => {
  for (const invalid of ['', 'MaX-aGe=3600', 'max-age =100', 'max-age= 100', 'max-age=10000, &&&&&', 'max-age=60,', 'a=(1 2', 'max-age=60;', '?0']) {
    assert.equal(parseTargetedCacheControl(invalid), null, JSON.stringify(invalid));
  }
  assert.equal(parseTargetedCacheControl(undefined), null);
});
