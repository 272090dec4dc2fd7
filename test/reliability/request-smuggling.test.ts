import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backendLines, configFromIni } from '../helpers/config.js';
import { gateway } from '../helpers/gateway.js';
import { httpServer } from '../helpers/servers.js';
import { getOnce, rawSend } from './helpers.js';
import { recordingBackend } from './recording-backend.js';

// Each is refused by the gateway with 400 and reaches no backend. Those in
// test/gateway/malformed-requests.test.ts (CL+TE, duplicate CL, obs-fold,
// "zz" chunk size) are not repeated.
const refused: [string, string][] = [
  ['TE.CL (Transfer-Encoding first, then Content-Length)', 'POST /s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n'],
  ['Transfer-Encoding: chunked, identity (chunked not last)', 'POST /s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n3\r\nabc\r\n0\r\n\r\n'],
  ['two Transfer-Encoding lines', 'POST /s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n3\r\nabc\r\n0\r\n\r\n'],
  ['Transfer-Encoding: xchunked', 'POST /s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n'],
  ['a space before the colon: "Transfer-Encoding : chunked"', 'POST /s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n'],
  ['a vertical tab before the value', 'POST /s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: \x0bchunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n'],
  ['Content-Length with a plus sign', 'POST /s HTTP/1.1\r\nHost: x\r\nContent-Length: +3\r\n\r\nabc'],
  ['a negative Content-Length', 'POST /s HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\nabc'],
  ['Content-Length as a list "3, 3"', 'POST /s HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 3\r\n\r\nabc'],
  ['a chunk size that overflows 64 bits', 'POST /s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\nabc\r\n0\r\n\r\n'],
  ['a negative chunk size', 'POST /s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n-3\r\nabc\r\n0\r\n\r\n'],
  ['chunks framed by bare LF', 'POST /s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\n0\n\n'],
  ['a head with bare LF line ends', 'GET /s HTTP/1.1\nHost: x\n\n'],
  ['a bare CR inside the head', 'GET /s HTTP/1.1\r\nHost: x\rX-A: b\r\n\r\n'],
  ['a NUL in a header value', 'GET /s HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n'],
  ['a space inside a header name', 'GET /s HTTP/1.1\r\nHost: x\r\nX A: b\r\n\r\n'],
  ['no Host in HTTP/1.1', 'GET /s HTTP/1.1\r\n\r\n'],
  ['two Host headers', 'GET /s HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n'],
];

test('request smuggling and malformed framing: 400, never forwarded, the gateway keeps serving', async (t) => {
  const backend = await recordingBackend();
  const gw = await gateway(configFromIni(`${backendLines([backend.port])}\n[balancer]\nheartbeat_interval = 3600\n[cache]\nenabled = false\n`));
  t.after(async () => {
    await gw.close();
    await backend.close();
  });
  for (const [name, bytes] of refused) {
    const before = backend.seen.length;
    const answer = await rawSend(gw.port, bytes);
    assert.match(answer.text, /^HTTP\/1\.1 400 /, `${name}: ${answer.text.slice(0, 60)}`);
    // node answers a missing Host itself (an empty 400) before any gateway code runs.
    if (!name.startsWith('no Host')) assert.match(answer.text, /"code":"PIBL_ERR_BAD_REQUEST"/, name);
    assert.equal(answer.ended, 'closed', `${name}: the connection is closed after the 400`);
    assert.equal(backend.seen.length, before, `${name} was not forwarded`);
  }
  assert.equal((await getOnce(`${gw.url}/after`)).status, 200);
  assert.equal(gw.pool.healthy().length, 1, 'no backend was blamed for a client\'s bad request');
});

test('pipelined smuggling: after the 400 nothing else on that connection reaches the backend', async (t) => {
  const backend = await recordingBackend();
  const gw = await gateway(configFromIni(`${backendLines([backend.port])}\n[balancer]\nheartbeat_interval = 3600\n[cache]\nenabled = false\n`));
  t.after(async () => {
    await gw.close();
    await backend.close();
  });
  const smuggled = 'GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n';
  const attempts: [string, string][] = [
    ['CL.TE with a request hidden in the body', `POST /front HTTP/1.1\r\nHost: x\r\nContent-Length: ${5 + smuggled.length}\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${smuggled}`],
    ['TE.CL with a request hidden in a chunk', `POST /front HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n${smuggled.length.toString(16)}\r\n${smuggled}\r\n0\r\n\r\n`],
    ['duplicate Content-Length, the longer one hiding a request', `POST /front HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: ${smuggled.length}\r\n\r\n${smuggled}`],
    ['a valid request, a malformed one, then a third', `GET /first HTTP/1.1\r\nHost: x\r\n\r\nPOST /bad HTTP/1.1\r\nHost: x\r\nContent-Length: +1\r\n\r\na${smuggled}`],
    ['no Host (node answers 400 itself), then a request', `GET /front HTTP/1.1\r\n\r\n${smuggled}`],
    ['two Hosts, then a request', `GET /front HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n${smuggled}`],
    ['101 header fields, then a request', `GET /front HTTP/1.1\r\nHost: x\r\n${'x-a: b\r\n'.repeat(100)}\r\n${smuggled}`],
    ['an asterisk-form target, then a request', `OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n${smuggled}`],
    ['CONNECT, then a request', `CONNECT h.example:80 HTTP/1.1\r\nHost: h.example:80\r\n\r\n${smuggled}`],
    ['TE with a space before the colon, then a request', `POST /front HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n${smuggled}`],
  ];
  for (const [name, bytes] of attempts) {
    const before = backend.seen.length;
    const answer = await rawSend(gw.port, bytes);
    const statuses = [...answer.text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => m[1]);
    assert.match(String(statuses.at(-1)), /^4(00|05|31)$/, `${name}: ${statuses.join(',')}`);
    assert.equal(answer.ended, 'closed', name);
    const urls = backend.seen.slice(before).map((s) => s.url);
    assert.ok(!urls.includes('/smuggled'), `${name}: the smuggled request reached the backend (${urls.join(', ')})`);
    assert.ok(!urls.includes('/front') && !urls.includes('/bad') && !urls.includes('*'), `${name}: the bad request itself was not forwarded (${urls.join(', ')})`);
    t.diagnostic(`${name}: answers ${statuses.join(',')}, backend saw [${urls.join(', ')}]`);
  }
});

test('a malformed request pipelined behind a valid one: the valid one is answered first, then the 400', async (t) => {
  const slow = await httpServer((req, res) => {
    req.resume();
    setTimeout(() => res.end(`answer to ${req.url}`), req.headers['user-agent'] === 'pibl-health-check' ? 0 : 200);
  });
  const gw = await gateway(configFromIni(`${backendLines([slow.port])}\n[balancer]\nheartbeat_interval = 3600\n[cache]\nenabled = false\n`));
  t.after(async () => {
    await gw.close();
    await slow.close();
  });
  const answer = await rawSend(gw.port, 'GET /first HTTP/1.1\r\nHost: x\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\n\r\nPOST /bad HTTP/1.1\r\nHost: x\r\nContent-Length: +1\r\n\r\na');
  const statuses = [...answer.text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => m[1]);
  assert.deepEqual(statuses, ['200', '200', '400'], `answers in request order: ${answer.text.slice(0, 300)}`);
  assert.match(answer.text, /answer to \/first[\s\S]*answer to \/second[\s\S]*PIBL_ERR_BAD_REQUEST/);
  assert.equal(answer.ended, 'closed');
});

test('a refused request behind a slow one: what is pipelined behind the refused one is not forwarded', async (t) => {
  // The earlier answer is still in flight when node hands over the refused request and the one after
  // it, so the last-answer check cannot look only at the answer now at the head of the connection.
  const slow = await httpServer((req, res) => {
    req.resume();
    setTimeout(() => res.end(`answer to ${req.method} ${req.url}`), req.headers['user-agent'] === 'pibl-health-check' ? 0 : 200);
  });
  const gw = await gateway(configFromIni(`${backendLines([slow.port])}\n[balancer]\nheartbeat_interval = 3600\n[cache]\nenabled = false\n`));
  t.after(async () => {
    await gw.close();
    await slow.close();
  });
  for (const first of ['OPTIONS / HTTP/1.1\r\nHost: x\r\n\r\n', 'GET /first HTTP/1.1\r\nHost: x\r\nX-Forces-Node: a\r\nX-Forces-Node: b\r\n\r\n']) {
    const before = slow.hits;
    const answer = await rawSend(gw.port, `${first}GET /refused HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n`);
    const statuses = [...answer.text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => m[1]);
    assert.deepEqual(statuses, ['200', '400'], answer.text.slice(0, 300));
    assert.equal(answer.ended, 'closed');
    assert.equal(slow.hits - before, 1, 'only the first request reached the backend');
  }
});

test('Connection: close on a request: what is pipelined behind it is not forwarded (RFC 9112 §9.6)', async (t) => {
  const backend = await recordingBackend();
  const gw = await gateway(configFromIni(`${backendLines([backend.port])}\n[balancer]\nheartbeat_interval = 3600\n[cache]\nenabled = false\n`));
  t.after(async () => {
    await gw.close();
    await backend.close();
  });
  const answer = await rawSend(gw.port, 'GET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nDELETE /behind HTTP/1.1\r\nHost: x\r\n\r\n');
  const statuses = [...answer.text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => m[1]);
  assert.deepEqual(statuses, ['200']);
  assert.equal(answer.ended, 'closed');
  assert.deepEqual(backend.seen.map((s) => s.url), ['/last'], 'the request behind the last one never reached the backend');
});

test('CONNECT is answered 405 (a reverse proxy opens no tunnels), after the answers owed before it', async (t) => {
  const backend = await recordingBackend();
  const gw = await gateway(configFromIni(`${backendLines([backend.port])}\n[balancer]\nheartbeat_interval = 3600\n[cache]\nenabled = false\n`));
  t.after(async () => {
    await gw.close();
    await backend.close();
  });
  const alone = await rawSend(gw.port, 'CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n');
  assert.match(alone.text, /^HTTP\/1\.1 405 /);
  assert.match(alone.text, /PIBL_ERR_METHOD_NOT_ALLOWED/);
  const behind = await rawSend(gw.port, 'GET /first HTTP/1.1\r\nHost: x\r\n\r\nCONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n');
  assert.deepEqual([...behind.text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => m[1]), ['200', '405'], behind.text.slice(0, 200));
  assert.deepEqual(backend.seen.map((s) => s.url), ['/first']);
});
