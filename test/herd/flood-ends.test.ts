import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { ask, eventually, NAMES, posixNow, startHerd, uniqueClient, type Herd } from './helpers.js';

/** The newest-time rule ends every flood: each server floods a new report once to each neighbour. */
let herd: Herd;
before(async () => {
  // A herd of its own: no other flood is in flight while the counts are read.
  herd = await startHerd();
});
after(() => herd.close());

const everyoneHas = (client: string, at: string) => NAMES.every((n) => herd.get(n).lookup(client)?.at === at);

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
