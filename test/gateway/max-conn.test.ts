import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { backendLines, configFromIni } from '../helpers/config.js';
import { fetchText, gateway } from '../helpers/gateway.js';
import { httpServer } from '../helpers/servers.js';

test('connections beyond max_conn are refused and counted; the open ones keep working', async (t) => {
  const backend = await httpServer((_req, res) => res.end('ok'));
  const gw = await gateway(configFromIni(`${backendLines([backend.port])}\nmax_conn = 2\n[cache]\nenabled = false\n`));
  const open: Socket[] = [];
  t.after(async () => {
    for (const s of open) s.destroy();
    await gw.close();
    await backend.close();
  });
  for (let i = 0; i < 2; i++) {
    const s = connect({ host: '127.0.0.1', port: gw.port });
    await once(s, 'connect');
    open.push(s);
  }
  await new Promise((r) => setTimeout(r, 50));
  const extra = connect({ host: '127.0.0.1', port: gw.port });
  extra.on('error', () => {});
  extra.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  let answer = '';
  extra.on('data', (c) => (answer += c));
  await once(extra, 'close');
  assert.equal(answer, '', 'the third connection is closed without an answer');
  // One of the open ones still gets served.
  const first = open[0]!;
  let reply = '';
  first.on('data', (c) => (reply += c));
  first.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  await once(first, 'close');
  assert.match(reply, /^HTTP\/1\.1 200 /);
  for (const s of open) s.destroy();
  await new Promise((r) => setTimeout(r, 50));
  const metrics = (await fetchText(`${gw.url}/metrics`)).body;
  assert.match(metrics, /pibl_http_connections_refused_total [1-9]/);
});
