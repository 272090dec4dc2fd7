import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatGrpcTimeout, parseGrpcTimeout } from '../../../src/gateway/grpc/deadline.js';

test('grpc-timeout values parse in every unit; malformed ones are ignored', () => {
  assert.equal(parseGrpcTimeout('200m'), 200);
  assert.equal(parseGrpcTimeout('3S'), 3000);
  assert.equal(parseGrpcTimeout('2M'), 120_000);
  assert.equal(parseGrpcTimeout('1H'), 3_600_000);
  assert.equal(parseGrpcTimeout('1500u'), 1.5);
  assert.equal(parseGrpcTimeout('5000000n'), 5);
  for (const bad of [undefined, '', '200', 'm', '123456789m', '-5m', '5 m', '5s', '1.5S']) assert.equal(parseGrpcTimeout(bad), null, String(bad));
});

test('the remaining time sent on is never more than what is left, and never rounds a live deadline to zero', () => {
  fc.assert(
    fc.property(fc.double({ min: 0.001, max: 1e12, noNaN: true }), (ms) => {
      const header = formatGrpcTimeout(ms);
      assert.match(header, /^\d{1,8}[mSMH]$/);
      const back = parseGrpcTimeout(header)!;
      assert.ok(back >= ms, `${header} for ${ms} ms`);
      assert.ok(back > 0);
    }),
  );
  assert.equal(formatGrpcTimeout(-5), '0m', 'a deadline already past goes on as zero');
});
