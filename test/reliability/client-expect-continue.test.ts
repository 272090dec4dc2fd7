import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { backendLines, configFromIni } from '../helpers/config.js';
import { gateway } from '../helpers/gateway.js';
import { rawSend } from './helpers.js';
import { recordingBackend } from './recording-backend.js';

/** A POST as curl sends an upload over 1 KiB: Expect: 100-continue, the body only after the 100. */
function postWithExpect(port: number, body: string): Promise<{ continued: boolean; status: number; text: string }> {
  return new Promise((resolve, reject) => {
    let continued = false;
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/upload', agent: false, headers: { expect: '100-continue', 'content-length': Buffer.byteLength(body), host: 'x' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ continued, status: res.statusCode!, text }));
    });
    req.on('continue', () => {
      continued = true;
      req.end(body);
    });
    req.on('error', reject);
  });
}

test('Expect: 100-continue (curl uploads over 1 KiB): the gateway answers the 100 itself, forwards the body, and never blames the backend', async (t) => {
  const backend = await recordingBackend();
  const gw = await gateway(configFromIni(`${backendLines([backend.port])}\n[balancer]\nheartbeat_interval = 3600\nmax_fails = 3\n[cache]\nenabled = true\n`));
  t.after(async () => {
    await gw.close();
    await backend.close();
  });
  const body = 'x'.repeat(4096);
  for (let i = 0; i < 5; i++) {
    const res = await postWithExpect(gw.port, body);
    assert.equal(res.continued, true, 'the client got its 100 Continue');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.text, 'POST /upload host=x');
  }
  assert.equal(backend.seen.length, 5);
  for (const seen of backend.seen) {
    assert.equal(seen.body, body, 'the body arrived whole');
    assert.equal(seen.headers.expect, undefined, 'the expectation was met on the first hop and not sent on');
  }
  // A GET with Expect (no body) used to be a 502 counted against the backend.
  for (let i = 0; i < 5; i++) {
    const answer = await rawSend(gw.port, 'GET /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n');
    assert.match(answer.text, /HTTP\/1\.1 200 /);
  }
  assert.equal(gw.pool.all[0]!.failures, 0, 'no failure counted');
  assert.equal(gw.pool.healthy().length, 1, 'still healthy');
});
