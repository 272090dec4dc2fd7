import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backendLines, configFromIni } from '../helpers/config.js';
import { gateway } from '../helpers/gateway.js';
import { getOnce, rawBackend } from './helpers.js';
import { settledTo, snapshot } from './leak-check.js';

test('a backend that accepts and never answers: 504 each time, no crash, no leaked sockets', async (t) => {
  const silent = await rawBackend(() => {
    /* reads the head, never answers */
  });
  const gw = await gateway(
    configFromIni(`${backendLines([silent.port])}\nread_timeout = 0.3\n[balancer]\nheartbeat_interval = 3600\nmax_fails = 100\nretries = 0\n[cache]\nenabled = true\n`),
  );
  t.after(async () => {
    await gw.close();
    await silent.close();
  });
  await new Promise((r) => setTimeout(r, 200));
  const before = snapshot(gw);
  const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => getOnce(`${gw.url}/hang/${i % 3}`)));
  for (const a of answers) {
    assert.equal(a.status, 504);
    assert.equal(JSON.parse(a.body!.toString()).error.code, 'PIBL_ERR_GATEWAY_TIMEOUT');
  }
  assert.equal(silent.heads.length, 10, 'each request reached the backend once (no retry: retries = 0)');
  const after = await settledTo(gw, before);
  t.diagnostic(`never answers: before ${JSON.stringify(before)}, after ${JSON.stringify(after)}, backend sockets open ${silent.sockets.size}`);
  assert.ok(after.sockets <= before.sockets, `TCP sockets back to ${before.sockets} (now ${after.sockets})`);
  assert.equal(after.poolConnections, before.poolConnections, 'the gateway pool dropped the timed-out connections');
  assert.equal(silent.sockets.size, 0, 'the backend sees every timed-out connection closed');
  assert.equal((await getOnce(`${gw.url}/-/health`)).status, 200, 'the gateway still answers');
});
