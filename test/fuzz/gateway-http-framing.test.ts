import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { backendLines, configFromIni } from '../helpers/config.js';
import { gateway } from '../helpers/gateway.js';
import { rawSend } from '../reliability/helpers.js';
import { recordingBackend } from '../reliability/recording-backend.js';

/**
 * Request heads and bodies assembled from the pieces smuggling is made of,
 * sent raw to a real gateway. The oracle: the backend never sees more
 * requests than the client got answers for (a smuggled request would be
 * one more), no answer blames the backend (5xx), and the backend is never
 * counted as failed.
 */
const EOL = fc.constantFrom('\r\n', '\r\n', '\r\n', '\n', '\r', '');
const method = fc.constantFrom('GET', 'POST', 'PUT', 'HEAD', 'OPTIONS', 'G ET', 'get', 'CONNECT', '');
const target = fc.constantFrom('/', '/a?b=c', 'http://h.example/x', '*', '//x', '/%00', '/a b', 'h.example:80', '/\u00ff');
const version = fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1 ', 'http/1.1', 'HTTP/1.10', '');
const header = fc.oneof(
  fc.constantFrom(
    'Host: h.example',
    'Host: h.example',
    'Host: other.example',
    'Content-Length: 0',
    'Content-Length: 5',
    'Content-Length: 40',
    'Content-Length: +5',
    'Content-Length: 5, 5',
    'Content-Length: 99999999999999999999',
    'Transfer-Encoding: chunked',
    'Transfer-Encoding: chunked, identity',
    'Transfer-Encoding: identity',
    'Transfer-Encoding : chunked',
    'Transfer-Encoding:\tchunked',
    'transfer-encoding: CHUNKED',
    'Transfer-Encoding: xchunked',
    ' Transfer-Encoding: chunked',
    'Connection: close',
    'Connection: keep-alive, content-length',
    'Connection: transfer-encoding',
    'Expect: 100-continue',
    'Upgrade: websocket',
    'X-A: b',
    'X-A:',
    ': empty-name',
  ),
  fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 12 })).map(([n, v]) => `${n}: ${v}`),
);
const body = fc.constantFrom(
  '',
  'hello',
  '5\r\nhello\r\n0\r\n\r\n',
  '0\r\n\r\n',
  '0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: h.example\r\n\r\n',
  'GET /smuggled HTTP/1.1\r\nHost: h.example\r\n\r\n',
  'zz\r\nhello\r\n0\r\n\r\n',
  '5;ext=1\r\nhello\r\n0\r\nTrailer: x\r\n\r\n',
  '-1\r\n\r\n',
);
const message = fc
  .tuple(method, target, version, EOL, fc.array(fc.tuple(header, EOL), { maxLength: 6 }), EOL, body)
  .map(([m, t, v, eol1, headers, eol2, b]) => `${m} ${t} ${v}${eol1}${headers.map(([h, e]) => h + e).join('')}${eol2}${b}`);

test('gateway framing fuzz: the backend never gets more requests than the client got answers for; no 5xx, no blamed backend', async (t) => {
  const backend = await recordingBackend();
  const gw = await gateway(configFromIni(`${backendLines([backend.port])}\n[balancer]\nheartbeat_interval = 3600\nmax_fails = 1000\n[cache]\nenabled = false\n`));
  t.after(async () => {
    await gw.close();
    await backend.close();
  });
  await fc.assert(
    fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 3 }), async (messages) => {
      const before = backend.seen.length;
      const failuresBefore = gw.pool.all[0]!.failures;
      const { text } = await rawSend(gw.port, messages.join(''), { half: true, waitMs: 2_000 });
      const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
      const answered = statuses.filter((s) => s < 300).length;
      const seen = backend.seen.slice(before).map((s) => `${s.method} ${s.url}`);
      assert.ok(seen.length <= answered, `backend saw ${JSON.stringify(seen)} for answers ${statuses}; input ${JSON.stringify(messages)}`);
      assert.ok(!seen.some((s) => s.endsWith('/smuggled')) || statuses.length >= seen.length, `smuggled: ${JSON.stringify(messages)}`);
      assert.ok(statuses.every((s) => s < 500 || s === 501 || s === 505), `a 5xx for a client's input: ${statuses}; input ${JSON.stringify(messages)}`);
      await new Promise((r) => setImmediate(r));
      assert.equal(gw.pool.all[0]!.failures, failuresBefore, `the backend was blamed for a client's input: ${JSON.stringify(messages)}, answers ${statuses}`);
    }),
    { numRuns: 400 },
  );
  assert.equal(gw.pool.all[0]!.failures, 0, 'the backend was never blamed for a client\'s input');
});
