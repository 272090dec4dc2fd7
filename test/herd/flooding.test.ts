import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { ask, eventually, NAMES, posixNow, startHerd, uniqueClient, type Herd } from './helpers.js';

let herd: Herd;
before(async () => {
  herd = await startHerd();
});
after(() => herd.close());

const everyoneHas = (client: string, at: string) => NAMES.every((n) => herd.get(n).lookup(client)?.at === at);

for (const first of NAMES) {
  test(`an IAMAT at ${first} reaches all five servers, unchanged`, async () => {
    const client = uniqueClient();
    const at = (await ask(herd.get(first).port, `IAMAT ${client} +34.068930-118.445127 ${posixNow()}\n`)).trimEnd();
    assert.ok(await eventually(() => everyoneHas(client, at)), 'flood reached everyone within the bound');
  });
}

test('an AT from a peer gets no answer, and trailing tokens are accepted but not flooded', async () => {
  const client = uniqueClient();
  const line = `AT Riley +0.500000000 ${client} +2+2 ${posixNow()}`;
  const answer = await ask(herd.get('Campbell').port, `${line} Riley Jaquez Bernard\n`);
  assert.equal(answer, '');
  assert.ok(await eventually(() => everyoneHas(client, line)), 'the six-field line reaches everyone');
});

test('the herd counts clients and reachable peers', () => {
  for (const n of NAMES) {
    const c = herd.get(n).counters();
    assert.ok(c.clients >= 1);
    assert.equal(c.peersReachable, herd.get(n).neighbors.length);
    assert.ok(c.received.AT >= 1);
    assert.deepEqual(Object.values(herd.get(n).peers()).filter((s) => s === 'up').length, c.peersReachable);
  }
});
