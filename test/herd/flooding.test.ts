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

test('once the IAMAT is answered, its neighbours receive the report', async () => {
  const client = uniqueClient();
  const riley = herd.get('Riley');
  const at = (await ask(riley.port, `IAMAT ${client} +1+1 ${posixNow()}\n`)).trimEnd();
  // Riley's neighbours were handed the line before the answer left; they store it as soon as they read it.
  assert.ok(await eventually(() => riley.neighbors.every((n) => herd.get(n).lookup(client)?.at === at)));
});

test('an AT from a peer gets no answer, and trailing tokens are accepted but not flooded', async () => {
  const client = uniqueClient();
  const line = `AT Riley +0.500000000 ${client} +2+2 ${posixNow()}`;
  const answer = await ask(herd.get('Campbell').port, `${line} Riley Jaquez Bernard\n`);
  assert.equal(answer, '');
  assert.ok(await eventually(() => everyoneHas(client, line)), 'the six-field line reaches everyone');
});

test('every flood ends: a report is flooded once per server to each neighbour, and no more', async () => {
  const before = NAMES.map((n) => herd.get(n).counters().floodsSent);
  const sent = () => NAMES.map((n, i) => herd.get(n).counters().floodsSent - before[i]!);
  // Each server floods a new report once to each of its neighbours: 2+2+3+2+3 lines.
  const degree = NAMES.map((n) => herd.get(n).neighbors.length);
  const send = async (client: string, to: string) => {
    const at = (await ask(herd.get(to).port, `IAMAT ${client} +3+3 ${posixNow()}\n`)).trimEnd();
    assert.ok(await eventually(() => everyoneHas(client, at)));
  };
  await send(uniqueClient(), 'Juzang');
  assert.ok(await eventually(() => sent().join() === degree.join()), `${sent()} vs ${degree}`);
  // A second report, sent after the first was everywhere: had the first kept
  // bouncing, the counts would be past twice the degrees.
  await send(uniqueClient(), 'Campbell');
  assert.ok(await eventually(() => sent().join() === degree.map((d) => 2 * d).join()), `${sent()} vs 2 x ${degree}`);
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
