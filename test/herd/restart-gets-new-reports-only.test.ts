import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { ask, eventually, NAMES, posixNow, startHerd, uniqueClient, type Herd } from './helpers.js';

let herd: Herd;
before(async () => {
  herd = await startHerd();
});
after(() => herd.close());

test('a restarted server gets new reports only; its neighbours reconnect on the next message', async () => {
  await herd.stop('Campbell');
  const old = uniqueClient('old');
  const oldAt = (await ask(herd.get('Riley').port, `IAMAT ${old} +1+1 ${posixNow()}\n`)).trimEnd();
  const others = NAMES.filter((n) => n !== 'Campbell');
  assert.ok(await eventually(() => others.every((n) => herd.get(n).lookup(old)?.at === oldAt)));
  assert.ok(await eventually(() => herd.get('Juzang').peers().Campbell === 'down' && herd.get('Bernard').peers().Campbell === 'down'));

  const campbell = await herd.start('Campbell');
  const fresh = uniqueClient('new');
  const freshAt = (await ask(herd.get('Riley').port, `IAMAT ${fresh} +2+2 ${posixNow()}\n`)).trimEnd();
  assert.ok(await eventually(() => campbell.lookup(fresh)?.at === freshAt), 'the new report arrives');
  assert.equal(campbell.lookup(old), undefined, 'no old report is replayed');
  assert.equal((await ask(campbell.port, `WHATSAT ${old} 10 1\n`)), `? WHATSAT ${old} 10 1\n`);
  assert.ok(await eventually(() => herd.get('Juzang').peers().Campbell === 'up' && herd.get('Bernard').peers().Campbell === 'up'));
});

test('a report whose client time predates the restart still reaches the restarted server', async () => {
  await herd.stop('Riley');
  const client = uniqueClient();
  const time = posixNow();
  await herd.start('Riley');
  const at = (await ask(herd.get('Jaquez').port, `IAMAT ${client} +3+3 ${time}\n`)).trimEnd();
  assert.ok(await eventually(() => herd.get('Riley').lookup(client)?.at === at));
});
