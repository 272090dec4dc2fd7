import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { backendLines, configFromIni } from '../helpers/config.js';
import { gateway } from '../helpers/gateway.js';
import { namedBackend } from '../helpers/servers.js';
import { getOnce, HOST, metricValue, until } from './helpers.js';

test('more connections than max_conn: the extra ones are refused at once and counted; the gateway serves again when they go', async (t) => {
  const backend = await namedBackend('a');
  const gw = await gateway(configFromIni(`${backendLines([backend.port])}\nmax_conn = 50\n[balancer]\nheartbeat_interval = 3600\n[cache]\nenabled = false\n`));
  const sockets: Socket[] = [];
  t.after(async () => {
    for (const s of sockets) s.destroy();
    await gw.close();
    await backend.close();
  });
  let closedByServer = 0;
  for (let i = 0; i < 200; i++) {
    const s = connect({ host: HOST, port: gw.port });
    s.on('error', () => {});
    s.on('close', () => closedByServer++);
    sockets.push(s);
  }
  await until(() => closedByServer >= 150, 5_000);
  assert.equal(closedByServer, 150, 'exactly the connections over max_conn were dropped');
  for (const s of sockets) s.destroy();
  await until(() => sockets.every((s) => s.destroyed), 2_000);
  await new Promise((r) => setTimeout(r, 100));
  const res = await getOnce(`${gw.url}/after`);
  assert.equal(res.status, 200, 'served again');
  const metrics = (await getOnce(`${gw.url}/metrics`)).body!.toString();
  assert.equal(metricValue(metrics, 'pibl_http_connections_refused_total'), 150);
});
