import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backendLines, configFromIni } from '../helpers/config.js';
import { fetchText, gateway } from '../helpers/gateway.js';
import { httpServer } from '../helpers/servers.js';
import { rawExchange } from '../helpers/raw.js';

test('a request head larger than buffer_size gets 431 and is not forwarded', async (t) => {
  const backend = await httpServer((_req, res) => res.end('ok'));
  const gw = await gateway(configFromIni(`${backendLines([backend.port])}\nbuffer_size = 2048\n[cache]\nenabled = false\n`));
  t.after(async () => {
    await gw.close();
    await backend.close();
  });
  const before = backend.hits;
  const answer = await rawExchange(gw.port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(4096)}\r\n\r\n`);
  assert.match(answer, /^HTTP\/1\.1 431 /);
  assert.match(answer, /PIBL_ERR_HEAD_TOO_LARGE/);
  assert.equal(backend.hits, before);
  assert.equal((await fetchText(`${gw.url}/`)).status, 200, 'the gateway still serves');
});
