import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { startGateway, type GatewayCache } from '../../src/gateway/start.js';
import { backendLines, configFromIni } from '../helpers/config.js';
import { logLines } from '../helpers/gateway.js';
import { httpServer } from '../helpers/servers.js';

// The seam the cache uses to watch and tap answers: a listener that throws must fail the
// attempt cleanly (a 502 in the gateway's shape, nothing half-written), never hang it.
test('a head listener that throws fails the exchange with a 502; the client is answered and the next request works', async (t) => {
  const origin = await httpServer((_req, res) => res.end('fine'));
  t.after(() => origin.close());
  let throwing = true;
  const cache: GatewayCache = {
    handle: (ctx, _fetch, pass) =>
      pass(ctx, () => {
        if (throwing) throw new Error('listener bug');
      }),
    purge: async () => 0,
    stats: () => ({}),
    close: async () => {},
  };
  const config = configFromIni(`${backendLines([origin.port])}\n[balancer]\nretries = 0\nheartbeat_interval = 3600\nmax_fails = 1000\n`);
  const gw = await startGateway(config, { logSink: logLines(), cache });
  t.after(() => gw.close());
  const failed = await request(`http://127.0.0.1:${gw.port}/x`, { headersTimeout: 5_000, bodyTimeout: 5_000 });
  assert.equal(failed.statusCode, 502);
  assert.match(await failed.body.text(), /PIBL_ERR_BAD_GATEWAY/);
  throwing = false;
  const ok = await request(`http://127.0.0.1:${gw.port}/x`, { headersTimeout: 5_000 });
  assert.equal(ok.statusCode, 200);
  assert.equal(await ok.body.text(), 'fine');
});
