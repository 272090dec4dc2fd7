import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { backendLines, configFromIni } from '../helpers/config.js';
import { gateway } from '../helpers/gateway.js';
import { httpServer } from '../helpers/servers.js';
import { getOnce } from './helpers.js';
import { settledTo, snapshot } from './leak-check.js';

const SIZE = 10 * 1024 * 1024;
const CHUNK = 256 * 1024;
const body = randomBytes(SIZE);
const digest = createHash('sha256').update(body).digest('hex');

for (const cache of [false, true]) {
  test(`a backend that answers 10 MB slowly (cache ${cache ? 'on' : 'off'}): the body passes intact`, async (t) => {
    const slow = await httpServer((req, res) => {
      req.resume();
      if (req.headers['user-agent'] === 'pibl-health-check') return void res.end('ok');
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': SIZE });
      let offset = 0;
      const timer = setInterval(() => {
        if (res.destroyed) return clearInterval(timer);
        res.write(body.subarray(offset, offset + CHUNK));
        offset += CHUNK;
        if (offset >= SIZE) {
          clearInterval(timer);
          res.end();
        }
      }, 25);
    });
    const gw = await gateway(
      configFromIni(`${backendLines([slow.port])}\nidle_timeout = 5\n[balancer]\nheartbeat_interval = 3600\n[cache]\nenabled = ${cache}\n`),
    );
    t.after(async () => {
      await gw.close();
      await slow.kill();
    });
    await new Promise((r) => setTimeout(r, 200));
    const before = snapshot(gw);
    const started = Date.now();
    const a = await getOnce(`${gw.url}/big`);
    t.diagnostic(`10 MB slowly, cache ${cache}: status ${a.status}, ${a.body?.length} bytes in ${Date.now() - started} ms, x-cache ${a.headers['x-cache']}`);
    assert.equal(a.status, 200);
    assert.equal(a.error, null);
    assert.equal(a.body!.length, SIZE);
    assert.equal(createHash('sha256').update(a.body!).digest('hex'), digest, 'byte for byte');
    const after = await settledTo(gw, before);
    assert.ok(after.sockets <= before.sockets + 1, `TCP sockets ${before.sockets} -> ${after.sockets} (one pooled keep-alive allowed)`);
  });
}
