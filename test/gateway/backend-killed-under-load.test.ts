import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backendLines, configFromIni } from '../helpers/config.js';
import { fetchText, gateway } from '../helpers/gateway.js';
import { namedBackend } from '../helpers/servers.js';

test('a backend killed in the middle of 200 sequential GETs costs the client no error', async (t) => {
  const backends = await Promise.all(['a', 'b', 'c'].map((n) => namedBackend(n)));
  const gw = await gateway(configFromIni(`${backendLines(backends.map((b) => b.port))}\n[balancer]\nheartbeat_interval = 60\n[cache]\nenabled = false\n`));
  t.after(async () => {
    await gw.close();
    await Promise.all(backends.map((b) => b.close()));
  });
  const statuses: number[] = [];
  const served: string[] = [];
  for (let i = 0; i < 200; i++) {
    if (i === 100) await backends[1]!.kill();
    const res = await fetchText(`${gw.url}/seq/${i}`);
    statuses.push(res.status);
    served.push(res.body);
  }
  assert.equal(statuses.filter((s) => s !== 200).length, 0, 'no failed request');
  assert.equal(served.slice(110).filter((b) => b === 'b').length, 0, 'the dead backend serves nothing more');
  const b = gw.pool.all.find((x) => x.port === backends[1]!.port)!;
  assert.equal(b.healthy, false, 'ejected after max_fails passive failures');
});
