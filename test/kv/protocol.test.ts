import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeAnswer, parseKvRequest } from '../../src/kv/protocol.js';

test('GET resource/key and METRICS parse', () => {
  assert.deepEqual(parseKvRequest('GET article/1'), { kind: 'get', resource: 'article', key: '1', path: 'article/1' });
  assert.deepEqual(parseKvRequest('GET my-res_2/a.b'), { kind: 'get', resource: 'my-res_2', key: 'a.b', path: 'my-res_2/a.b' });
  assert.deepEqual(parseKvRequest('METRICS'), { kind: 'metrics' });
});

test('lines that crashed the original origin are BAD_REQUEST', () => {
  for (const line of ['GET article1', 'GET', 'GET  article/1', '', ' ', 'GET article/1 extra', 'METRICS now', '\u0000', 'GET article/']) {
    const r = parseKvRequest(line);
    assert.equal(r.kind, 'invalid', JSON.stringify(line));
    assert.equal(r.kind === 'invalid' && r.status, 'BAD_REQUEST', JSON.stringify(line));
  }
});

test('traversal attempts are BAD_REQUEST', () => {
  for (const line of [
    'GET ../secret',
    'GET a/..%2F..',
    'GET a/../../etc/passwd',
    'GET /etc/passwd',
    'GET //etc/passwd',
    'GET article/1\u0000',
    'GET article\u0000/1',
    'GET ../data/secret',
    'GET a./.b',
    'GET a/..',
    'GET ../1',
    'GET C:\\windows/x',
    'GET article/1\\..\\x',
  ]) {
    const r = parseKvRequest(line);
    assert.equal(r.kind === 'invalid' && r.status, 'BAD_REQUEST', JSON.stringify(line));
  }
});

test('other verbs are WRONG_METHOD', () => {
  for (const line of ['PUT article/1', 'POST x/y', 'get article/1', 'DELETE', 'HEAD article/1']) {
    const r = parseKvRequest(line);
    assert.equal(r.kind === 'invalid' && r.status, 'WRONG_METHOD', line);
  }
});

test('decodeAnswer accepts kv answers only', () => {
  assert.deepEqual(decodeAnswer('{"status":"OK","data":1}'), { status: 'OK', data: 1 });
  assert.equal(decodeAnswer('not json'), undefined);
  assert.equal(decodeAnswer('[1]'), undefined);
  assert.equal(decodeAnswer('{"data":1}'), undefined);
  assert.equal(decodeAnswer('null'), undefined);
});
