import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backendLines, configFromIni } from '../helpers/config.js';
import { fetchText, gateway } from '../helpers/gateway.js';
import { httpServer } from '../helpers/servers.js';
import { rawConnection, rawExchange } from '../helpers/raw.js';

const cases: [string, string][] = [
  ['conflicting Content-Length and Transfer-Encoding', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
  ['duplicate Content-Length', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde'],
  ['a malformed request line', 'GET\r\n\r\n'],
  ['garbage bytes', '\x00\x01\x02 not http at all\r\n\r\n'],
  ['an invalid chunk size', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n'],
  ['obs-fold in a header', 'GET / HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n'],
];

test('malformed requests get 400, are never forwarded, and the gateway keeps serving', async (t) => {
  const backend = await httpServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  const gw = await gateway(configFromIni(`${backendLines([backend.port])}\n[cache]\nenabled = false\n`));
  t.after(async () => {
    await gw.close();
    await backend.close();
  });
  for (const [name, bytes] of cases) {
    const before = backend.hits;
    const answer = await rawExchange(gw.port, bytes);
    assert.match(answer, /^HTTP\/1\.1 400 /, `${name}: ${answer.slice(0, 80)}`);
    assert.equal(backend.hits, before, `${name} was not forwarded`);
  }
  assert.equal((await fetchText(`${gw.url}/`)).body, 'ok');
});

test('a slow client that never finishes its head is cut off with 408 after headers_timeout', async (t) => {
  const backend = await httpServer((_req, res) => res.end('ok'));
  const gw = await gateway(configFromIni(`${backendLines([backend.port])}\nheaders_timeout = 0.5\n[cache]\nenabled = false\n`));
  t.after(async () => {
    await gw.close();
    await backend.close();
  });
  const { socket, text } = rawConnection(gw.port, { waitMs: 5_000 });
  socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
  const drip = setInterval(() => socket.writable && socket.write('X-Slow: y\r\n'), 100);
  const answer = await text;
  clearInterval(drip);
  assert.match(answer, /^HTTP\/1\.1 408 /);
  assert.equal((await fetchText(`${gw.url}/`)).body, 'ok', 'others are still served');
});

test('an HTTP/1.1 request without Host gets a JSON 400 and is not forwarded; HTTP/1.0 without Host is fine', async (t) => {
  const backend = await httpServer((_req, res) => res.end('ok'));
  const gw = await gateway(configFromIni(`${backendLines([backend.port])}\n[cache]\nenabled = false\n`));
  t.after(async () => {
    await gw.close();
    await backend.close();
  });
  const before = backend.hits;
  const answer = await rawExchange(gw.port, 'GET / HTTP/1.1\r\nConnection: close\r\n\r\n');
  assert.match(answer, /^HTTP\/1\.1 400 /);
  assert.match(answer, /"code":"PIBL_ERR_BAD_REQUEST".*missing Host/);
  assert.equal(backend.hits, before);
  const old = await rawExchange(gw.port, 'GET / HTTP/1.0\r\n\r\n');
  assert.match(old, /^HTTP\/1\.1 200 /);
});
