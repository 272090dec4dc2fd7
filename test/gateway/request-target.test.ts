import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requestTarget } from '../../src/gateway/proxy-handler.js';
import { backendLines, configFromIni } from '../helpers/config.js';
import { fetchText, gateway } from '../helpers/gateway.js';
import { rawExchange } from '../helpers/raw.js';
import { httpServer } from '../helpers/servers.js';

test('requestTarget: origin-form as is, absolute-form reduced to path with its authority, the rest refused', () => {
  assert.deepEqual(requestTarget('/a/b?c=1'), { path: '/a/b?c=1' });
  assert.deepEqual(requestTarget('http://Example.test:81/x?y'), { path: '/x?y', authority: 'Example.test:81' });
  assert.deepEqual(requestTarget('https://example.test'), { path: '/', authority: 'example.test' });
  assert.deepEqual(requestTarget('http://example.test?q'), { path: '/?q', authority: 'example.test' });
  assert.equal(requestTarget('*'), null);
  assert.equal(requestTarget('example.test:443'), null);
  assert.equal(requestTarget('ftp://example.test/'), null);
  assert.equal(requestTarget('http://user@evil.test/'), null, 'userinfo is not an authority a proxy accepts');
});

test('an absolute-form request reaches the backend as origin-form with the authority as Host; an asterisk-form one gets 400', async (t) => {
  const backend = await httpServer((req, res) => res.end(JSON.stringify({ url: req.url, host: req.headers.host })));
  const gw = await gateway(configFromIni(`${backendLines([backend.port])}\n[cache]\nenabled = false\n`));
  t.after(async () => {
    await gw.close();
    await backend.close();
  });
  const answer = await rawExchange(gw.port, 'GET http://other.test/path?q=1 HTTP/1.1\r\nHost: spoofed.test\r\nConnection: close\r\n\r\n');
  assert.match(answer, /^HTTP\/1\.1 200 /);
  assert.deepEqual(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)), { url: '/path?q=1', host: 'other.test' });
  const star = await rawExchange(gw.port, 'OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.match(star, /^HTTP\/1\.1 400 /);
  assert.match((await fetchText(`${gw.url}/-/status`)).body, /"inFlight":0/, 'refused requests leave no in-flight count behind');
  const metrics = (await fetchText(`${gw.url}/metrics`)).body;
  assert.match(metrics, /pibl_http_requests_in_flight 0/);
});

test("the gateway's own routes answer unknown paths and malformed URLs in the JSON error shape", async (t) => {
  const backend = await httpServer((_req, res) => res.end('ok'));
  const gw = await gateway(configFromIni(`${backendLines([backend.port])}\n`));
  t.after(async () => {
    await gw.close();
    await backend.close();
  });
  const missing = await fetchText(`${gw.url}/-/nope`);
  assert.equal(missing.status, 404);
  assert.equal(JSON.parse(missing.body).error.code, 'PIBL_ERR_NOT_FOUND');
  const malformed = await rawExchange(gw.port, 'GET /kv/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.match(malformed, /^HTTP\/1\.1 400 /);
  assert.match(malformed, /"code":"PIBL_ERR_BAD_REQUEST"/);
});
