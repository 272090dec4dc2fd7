import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backendLines, configFromIni } from '../helpers/config.js';
import { gateway } from '../helpers/gateway.js';
import { getOnce, rawBackend } from './helpers.js';
import { settledTo, snapshot } from './leak-check.js';

// The backend promises 100,000 bytes, sends 1,000 and closes.
const promised = 100_000;

for (const cache of [false, true]) {
  test(`a backend that closes mid-body (cache ${cache ? 'on' : 'off'}): the client never gets a complete-looking answer; no leak`, async (t) => {
    const liar = await rawBackend((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: ${promised}\r\ncache-control: max-age=60\r\n\r\n`);
      socket.write(Buffer.alloc(1_000, 'x'), () => setTimeout(() => socket.end(), 20));
    });
    const gw = await gateway(
      configFromIni(`${backendLines([liar.port])}\n[balancer]\nheartbeat_interval = 3600\nmax_fails = 100\n[cache]\nenabled = ${cache}\n`),
    );
    t.after(async () => {
      await gw.close();
      await liar.close();
    });
    await new Promise((r) => setTimeout(r, 200));
    const before = snapshot(gw);
    for (let i = 0; i < 5; i++) {
      const a = await getOnce(`${gw.url}/cut`);
      const complete = a.body !== null && a.status === 200 && a.body.length === promised;
      assert.equal(complete, false);
      // Either a clean 502 (the answer had not started) or a cut connection (it had).
      assert.ok(a.status === 502 || a.body === null || a.body.length < promised, `status ${a.status}, error ${a.error}`);
      if (a.status === 200) assert.ok(a.error !== null, `a 200 must end in a cut connection, not a short body: got ${a.body?.length} bytes`);
      t.diagnostic(`closes mid-body, cache ${cache}: status ${a.status}, ${a.error ?? 'no error'}, ${a.body?.length ?? 0} bytes`);
    }
    const stats = await getOnce(`${gw.url}/-/status`);
    if (cache) assert.equal(JSON.parse(stats.body!.toString()).cache.entries, 0, 'a truncated body is never stored');
    const after = await settledTo(gw, before);
    assert.ok(after.sockets <= before.sockets, `TCP sockets back to ${before.sockets} (now ${after.sockets})`);
    assert.equal(after.poolConnections, before.poolConnections);
    assert.equal((await getOnce(`${gw.url}/-/health`)).status, 200, 'the gateway still answers');
  });
}
