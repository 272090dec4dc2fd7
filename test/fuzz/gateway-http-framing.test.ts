import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { backendLines, configFromIni } from '../helpers/config.js';
import { gateway } from '../helpers/gateway.js';
import { connect } from 'node:net';
import { HOST, until } from '../reliability/helpers.js';
import { recordingBackend } from '../reliability/recording-backend.js';

/**
 * Request heads and bodies assembled from the pieces smuggling is made of,
 * sent raw to a real gateway. The oracle: the backend never sees more
 * requests than the client got answers for (a smuggled request would be
 * one more), no answer blames the backend (5xx), and the backend is never
 * counted as failed.
 */
// Mostly well-formed, so that requests do get forwarded and the oracle has something to count.
const usually = <T,>(common: fc.Arbitrary<T>, rare: fc.Arbitrary<T>) => fc.oneof({ weight: 8, arbitrary: common }, { weight: 1, arbitrary: rare });
const EOL = usually(fc.constant('\r\n'), fc.constantFrom('\n', '\r', ''));
const method = usually(fc.constantFrom('GET', 'POST', 'PUT', 'HEAD', 'DELETE'), fc.constantFrom('OPTIONS', 'G ET', 'get', 'CONNECT', ''));
const target = usually(fc.constantFrom('/', '/a?b=c', '/smuggled-not', 'http://h.example/x'), fc.constantFrom('*', '//x', '/%00', '/a b', 'h.example:80', '/\u00ff'));
const version = usually(fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0'), fc.constantFrom('HTTP/2.0', 'HTTP/1.1 ', 'http/1.1', 'HTTP/1.10', ''));
const hostLine = usually(fc.constant('Host: h.example\r\n'), fc.constantFrom('', 'Host: a\r\nHost: b\r\n', 'Host:\r\n'));
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
  .tuple(method, target, version, EOL, hostLine, fc.array(fc.tuple(header, EOL), { maxLength: 5 }), EOL, body)
  .map(([m, t, v, eol1, host, headers, eol2, b]) => `${m} ${t} ${v}${eol1}${host}${headers.map(([h, e]) => h + e).join('')}${eol2}${b}`);

/** Writes `pieces` one after another (a few ms apart), half-closes, and collects the answer until the gateway closes (bounded). */
function sendPieces(port: number, pieces: string[], gapMs: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port });
    let text = '';
    const timer = setTimeout(() => socket.destroy(), 2_000);
    socket.setEncoding('latin1');
    socket.on('data', (c: string) => (text += c));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
    socket.on('connect', async () => {
      for (const piece of pieces) {
        if (!socket.writable) break;
        socket.write(piece, 'latin1');
        await new Promise((r) => setTimeout(r, gapMs));
      }
      if (socket.writable) socket.end();
    });
  });
}

test('gateway framing fuzz: the backend never gets more requests than the client got answers for; no 5xx, no blamed backend', async (t) => {
  const backend = await recordingBackend();
  const gw = await gateway(configFromIni(`${backendLines([backend.port])}\n[balancer]\nheartbeat_interval = 3600\nmax_fails = 1000\n[cache]\nenabled = false\n`));
  t.after(async () => {
    await gw.close();
    await backend.close();
  });
  const tally = { runs: 0, pieces: 0, forwarded: 0, statuses: new Map<number, number>() };
  await fc.assert(
    fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 3 }), fc.array(fc.nat(400), { maxLength: 3 }), fc.constantFrom(0, 0, 2, 20), async (messages, cuts, gapMs) => {
      const before = backend.seen.length;
      const failuresBefore = gw.pool.all[0]!.failures;
      // The same bytes in up to four writes: a parser's decisions must not depend on packet boundaries.
      const data = messages.join('');
      const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
      const pieces = [0, ...points].map((p, i, all) => data.slice(p, all[i + 1] ?? data.length)).filter((p) => p.length);
      const text = await sendPieces(gw.port, pieces, gapMs);
      // Runs are independent: whatever this input made the gateway send is counted here, not in the next run.
      await until(() => gw.pool.all[0]!.inFlight === 0, 3_000, 5);
      await new Promise((r) => setTimeout(r, 2));
      const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
      const answered = statuses.filter((s) => s < 300).length;
      tally.runs++;
      tally.pieces += pieces.length;
      tally.forwarded += answered > 0 ? 1 : 0;
      for (const s of statuses) tally.statuses.set(s, (tally.statuses.get(s) ?? 0) + 1);
      const seen = backend.seen.slice(before).map((s) => `${s.method} ${s.url}`);
      assert.ok(seen.length <= answered, `backend saw ${JSON.stringify(seen)} for answers ${statuses}; input ${JSON.stringify(pieces)}`);
      assert.ok(!seen.some((s) => s.endsWith('/smuggled')) || statuses.length >= seen.length, `smuggled: ${JSON.stringify(pieces)}`);
      assert.ok(statuses.every((s) => s < 500 || s === 501 || s === 505), `a 5xx for a client's input: ${statuses}; input ${JSON.stringify(pieces)}`);
      await new Promise((r) => setImmediate(r));
      assert.equal(gw.pool.all[0]!.failures, failuresBefore, `the backend was blamed for a client's input: ${JSON.stringify(pieces)}, answers ${statuses}`);
    }),
    { numRuns: 300 },
  );
  t.diagnostic(`framing fuzz: ${tally.runs} inputs in ${tally.pieces} writes, ${tally.forwarded} with a request forwarded; statuses ${JSON.stringify(Object.fromEntries(tally.statuses))}`);
  assert.equal(gw.pool.all[0]!.failures, 0, 'the backend was never blamed for a client\'s input');
});
