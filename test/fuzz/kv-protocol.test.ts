import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeAnswer, isValidName, parseKvRequest } from '../../src/kv/protocol.js';

const NAME_CHARS = 'abcXYZ019._-/ \t\u0000%\\é';
const nearLine = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.tuple(fc.constantFrom('GET', 'get', 'METRICS', 'PUT', 'GET ', ' GET', 'GET\t', ''), fc.string({ unit: fc.constantFrom(...NAME_CHARS) })).map(([v, r]) => `${v} ${r}`),
);

test('parseKvRequest: any line gives one of its three kinds, never an exception; a GET names only a file inside the data folder', () => {
  fc.assert(
    fc.property(nearLine, (line) => {
      const r = parseKvRequest(line);
      assert.ok(['get', 'metrics', 'invalid'].includes(r.kind));
      if (r.kind === 'get') {
        assert.ok(isValidName(r.resource) && isValidName(r.key));
        assert.doesNotMatch(r.path, /\.\.|[\\\u0000%\s]/);
        assert.equal(r.path, `${r.resource}/${r.key}`);
        assert.equal(line, `GET ${r.path}`, 'only the exact form is a GET');
      }
      if (r.kind === 'invalid') assert.ok(['BAD_REQUEST', 'WRONG_METHOD'].includes(r.status));
    }),
    { numRuns: 3_000 },
  );
});

test('parseKvRequest: every valid resource/key pair round-trips', () => {
  const name = fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,15}$/).filter((n) => !n.includes('..') && !n.endsWith('.'));
  fc.assert(
    fc.property(name, name, (resource, key) => {
      const r = parseKvRequest(`GET ${resource}/${key}`);
      assert.deepEqual(r, { kind: 'get', resource, key, path: `${resource}/${key}` });
    }),
    { numRuns: 1_000 },
  );
});

test('decodeAnswer: any text is an answer object with a string status, or undefined; never an exception', () => {
  const jsonish = fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify({ status: v, data: v })));
  fc.assert(
    fc.property(jsonish, (text) => {
      const a = decodeAnswer(text);
      if (a !== undefined) assert.equal(typeof a.status, 'string');
    }),
    { numRuns: 2_000 },
  );
});
