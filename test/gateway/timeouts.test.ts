import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backendLines, configFromIni } from '../helpers/config.js';
import { fetchText, gateway } from '../helpers/gateway.js';
import { httpServer } from '../helpers/servers.js';

test('a backend that accepts and never answers: 504 after read_timeout', async (t) => {
  const silent = await httpServer(() => {
    /* never answers */
  });
  const gw = await gateway(configFromIni(`${backendLines([silent.port])}\nread_timeout = 0.3\n[balancer]\nheartbeat_interval = 3600\nretries = 0\n[cache]\nenabled = false\n`));
  t.after(async () => {
    await gw.close();
    await silent.kill();
  });
  const res = await fetchText(`${gw.url}/slow`);
  assert.equal(res.status, 504);
  assert.equal(JSON.parse(res.body).error.code, 'PIBL_ERR_GATEWAY_TIMEOUT');
});

test('a timed-out GET is retried on another backend', async (t) => {
  const silent = await httpServer(() => {});
  const live = await httpServer((_req, res) => res.end('live'));
  const gw = await gateway(configFromIni(`${backendLines([silent.port, live.port])}\nread_timeout = 0.3\n[balancer]\nheartbeat_interval = 3600\n[cache]\nenabled = false\n`));
  t.after(async () => {
    await gw.close();
    await silent.kill();
    await live.close();
  });
  for (let i = 0; i < 2; i++) {
    const res = await fetchText(`${gw.url}/r${i}`);
    assert.equal(res.status, 200);
    assert.equal(res.body, 'live');
  }
});
