import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { backendLines, configFromIni } from '../helpers/config.js';
import { gateway } from '../helpers/gateway.js';
import { httpServer } from '../helpers/servers.js';

/** A raw node:http request, so that hop-by-hop headers are sent as written. */
function rawGet(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; headers: NodeJS.Dict<string | string[]>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('hop-by-hop and Connection-named headers are not forwarded, either way; X-Forwarded-* and Via are added', async (t) => {
  const backend = await httpServer((req, res) => {
    res.writeHead(200, {
      'content-type': 'application/json',
      connection: 'x-backend-secret, keep-alive',
      'x-backend-secret': 'hop',
      'keep-alive': 'timeout=5',
      'proxy-authenticate': 'Basic',
      'x-end-to-end': 'kept',
    });
    res.end(JSON.stringify(req.headers));
  });
  const gw = await gateway(configFromIni(`${backendLines([backend.port])}\n[cache]\nenabled = false\n`));
  t.after(async () => {
    await gw.close();
    await backend.close();
  });
  const res = await rawGet(gw.port, '/h', {
    host: 'example.test',
    connection: 'x-client-secret, te',
    'x-client-secret': 'hop',
    te: 'trailers',
    'proxy-authorization': 'Basic Zm9vOmJhcg==',
    'x-forwarded-for': '203.0.113.7, 198.51.100.2',
    'x-end-to-end': 'kept',
  });
  assert.equal(res.status, 200);
  const seen = JSON.parse(res.body) as Record<string, string>;
  assert.equal(seen['x-client-secret'], undefined);
  assert.equal(seen.te, undefined);
  assert.equal(seen['proxy-authorization'], undefined);
  assert.equal(seen['x-end-to-end'], 'kept');
  assert.equal(seen['x-forwarded-for'], '203.0.113.7, 198.51.100.2, 127.0.0.1', 'XFF appended to the incoming chain');
  assert.equal(seen['x-forwarded-proto'], 'http');
  assert.equal(seen['x-forwarded-host'], 'example.test');
  assert.equal(seen.host, 'example.test', 'Host passes through, as HAProxy and Varnish do');
  assert.match(seen.via!, /1\.1 pibl/);
  assert.equal(res.headers['x-backend-secret'], undefined);
  assert.equal(res.headers['proxy-authenticate'], undefined);
  assert.equal(res.headers['x-end-to-end'], 'kept');
  assert.match(String(res.headers.via), /1\.1 pibl/);
});
