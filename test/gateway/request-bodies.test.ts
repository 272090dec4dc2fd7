import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { backendLines, configFromIni } from '../helpers/config.js';
import { gateway } from '../helpers/gateway.js';
import { httpServer } from '../helpers/servers.js';

test('10 MB POST and PUT bodies stream to the backend intact and its 10 MB answer streams back', async (t) => {
  const backend = await httpServer((req, res) => {
    const hash = createHash('sha256');
    let size = 0;
    req.on('data', (c: Buffer) => {
      hash.update(c);
      size += c.length;
    });
    req.on('end', () => {
      res.writeHead(200, { 'x-size': String(size), 'x-sha256': hash.digest('hex'), 'x-method': req.method! });
      // Echo a body as large as what came in, generated, to test the way back.
      res.end(Buffer.alloc(size, 1));
    });
  });
  const gw = await gateway(configFromIni(`${backendLines([backend.port])}\n[cache]\nenabled = false\n`));
  t.after(async () => {
    await gw.close();
    await backend.close();
  });
  const body = randomBytes(10 * 1024 * 1024);
  const digest = createHash('sha256').update(body).digest('hex');
  for (const method of ['POST', 'PUT'] as const) {
    const res = await request(`${gw.url}/upload`, { method, body, headers: { 'content-type': 'application/octet-stream' } });
    const back = Buffer.from(await res.body.arrayBuffer());
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['x-method'], method);
    assert.equal(res.headers['x-size'], String(body.length));
    assert.equal(res.headers['x-sha256'], digest);
    assert.equal(back.length, body.length);
  }
});

test('a chunked request body (no Content-Length) streams through too', async (t) => {
  const backend = await httpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => res.end(Buffer.concat(chunks)));
  });
  const gw = await gateway(configFromIni(`${backendLines([backend.port])}\n[cache]\nenabled = false\n`));
  t.after(async () => {
    await gw.close();
    await backend.close();
  });
  async function* parts() {
    for (let i = 0; i < 5; i++) yield Buffer.from(`part${i};`);
  }
  const res = await request(`${gw.url}/chunked`, { method: 'POST', body: Readable.from(parts()) });
  assert.equal(await res.body.text(), 'part0;part1;part2;part3;part4;');
});
