import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backendLines, configFromIni } from '../helpers/config.js';
import { gateway } from '../helpers/gateway.js';
import { getOnce, rawBackend } from './helpers.js';
import { settledTo, snapshot } from './leak-check.js';

for (const cache of [false, true]) {
  test(`a backend that resets the connection after its headers (cache ${cache ? 'on' : 'off'}): 502 or a cut connection, no crash, no leak`, async (t) => {
    const resetter = await rawBackend((socket) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n', () =>
        setTimeout(() => socket.resetAndDestroy(), 20),
      );
    });
    const gw = await gateway(
      configFromIni(`${backendLines([resetter.port])}\n[balancer]\nheartbeat_interval = 3600\nmax_fails = 100\n[cache]\nenabled = ${cache}\n`),
    );
    t.after(async () => {
      await gw.close();
      await resetter.close();
    });
    await new Promise((r) => setTimeout(r, 200));
    const before = snapshot(gw);
    for (let i = 0; i < 5; i++) {
      const a = await getOnce(`${gw.url}/reset/${i}`);
      assert.ok(a.status === 502 || (a.status === 200 && a.error !== null), `status ${a.status}, error ${a.error}, body ${a.body?.toString().slice(0, 40)}`);
      t.diagnostic(`resets after headers, cache ${cache}: status ${a.status}, ${a.error ?? 'no error'}`);
    }
    const after = await settledTo(gw, before);
    assert.ok(after.sockets <= before.sockets, `TCP sockets back to ${before.sockets} (now ${after.sockets})`);
    assert.equal(after.poolConnections, before.poolConnections);
    assert.equal((await getOnce(`${gw.url}/-/health`)).status, 200, 'the gateway still answers');
  });
}
