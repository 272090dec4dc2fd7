import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { ask, eventually, posixNow, startHerd, uniqueClient, type Herd } from './helpers.js';

/**
 * SPEC §4: the IAMAT sender gets its AT answer after the flood was handed to
 * the peers. Flood lines are counted at hand-over, so when the answer arrives
 * the count already holds them. Riley with one neighbour up (Jaquez) and one
 * down (Juzang): nothing else floods in this herd while the counts are read.
 */
let herd: Herd;
before(async () => {
  herd = await startHerd({ names: ['Riley', 'Jaquez'] });
});
after(() => herd.close());

test('when the IAMAT answer arrives, the flood to every neighbour was already attempted', async () => {
  const riley = herd.get('Riley');
  const client = uniqueClient();
  const at = (await ask(riley.port, `IAMAT ${client} +1+1 ${posixNow()}\n`)).trimEnd();
  const counters = riley.counters();
  assert.equal(counters.floodsSent, 1, 'handed to Jaquez');
  assert.equal(counters.floodsFailed, 1, 'Juzang is down');
  assert.deepEqual(riley.peers(), { Jaquez: 'up', Juzang: 'down' });
  assert.ok(await eventually(() => herd.get('Jaquez').lookup(client)?.at === at));
});

test('an IAMAT that is not newer is answered without a flood', async () => {
  const riley = herd.get('Riley');
  const client = uniqueClient();
  await ask(riley.port, `IAMAT ${client} +1+1 1700000000.2\n`);
  const before = riley.counters();
  assert.match(await ask(riley.port, `IAMAT ${client} +2+2 1700000000.1\n`), /^AT Riley /);
  const now = riley.counters();
  assert.equal(now.floodsSent + now.floodsFailed, before.floodsSent + before.floodsFailed);
});
