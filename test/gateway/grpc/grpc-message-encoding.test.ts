import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeGrpcMessage } from '../../../src/gateway/grpc/status.js';

test('grpc-message is percent-encoded UTF-8 that decodes back to the text', () => {
  assert.equal(encodeGrpcMessage('no healthy backend in pool [a, b]'), 'no healthy backend in pool [a, b]');
  assert.equal(encodeGrpcMessage('100% niño\n'), '100%25 ni%C3%B1o%0A');
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme' }), (text) => {
      const encoded = encodeGrpcMessage(text);
      assert.match(encoded, /^[\x20-\x7e]*$/, 'only printable ASCII on the wire');
      assert.equal(decodeURIComponent(encoded), text);
    }),
  );
});
