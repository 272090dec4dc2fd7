import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { ask, eventually, NAMES, startHerd, uniqueClient, type Herd } from './helpers.js';

let herd: Herd;
before(async () => {
  herd = await startHerd();
});
after(() => herd.close());

const atEverywhere = (client: string, at: string) => eventually(() => NAMES.every((n) => herd.get(n).lookup(client)?.at === at));

test('a newer report replaces the old one everywhere', async () => {
  const client = uniqueClient();
  const first = (await ask(herd.get('Riley').port, `IAMAT ${client} +1+1 1700000000.1\n`)).trimEnd();
  assert.ok(await atEverywhere(client, first));
  const second = (await ask(herd.get('Campbell').port, `IAMAT ${client} +2+2 1700000000.2\n`)).trimEnd();
  assert.ok(await atEverywhere(client, second));
});

test('an older report never overwrites, at the server that got it or elsewhere', async () => {
  const client = uniqueClient();
  const newest = (await ask(herd.get('Riley').port, `IAMAT ${client} +1+1 1700000000.500000002\n`)).trimEnd();
  assert.ok(await atEverywhere(client, newest));
  await ask(herd.get('Bernard').port, `IAMAT ${client} +9+9 1700000000.500000001\n`);
  await ask(herd.get('Jaquez').port, `AT Juzang +0.1 ${client} +8+8 1600000000\n`);
  // A later, newer report travels the same paths; once it is everywhere, the
  // older ones (sent before it) have been seen and refused.
  const probe = uniqueClient('probe');
  const probeAt = (await ask(herd.get('Bernard').port, `IAMAT ${probe} +0+0 1700000000\n`)).trimEnd();
  assert.ok(await atEverywhere(probe, probeAt));
  for (const n of NAMES) assert.equal(herd.get(n).lookup(client)?.at, newest, n);
});

test('an equal client time never overwrites (the first report stays, with its server and diff)', async () => {
  const client = uniqueClient();
  const first = (await ask(herd.get('Juzang').port, `IAMAT ${client} +1+1 1700000001.25\n`)).trimEnd();
  assert.ok(await atEverywhere(client, first));
  await ask(herd.get('Riley').port, `IAMAT ${client} +5+5 1700000001.250\n`);
  await ask(herd.get('Campbell').port, `AT Bernard -1.000000000 ${client} +6+6 1700000001.25\n`);
  const probe = uniqueClient('probe');
  const probeAt = (await ask(herd.get('Riley').port, `IAMAT ${probe} +0+0 1700000000\n`)).trimEnd();
  assert.ok(await atEverywhere(probe, probeAt));
  for (const n of NAMES) assert.equal(herd.get(n).lookup(client)?.at, first, n);
});

test('reports that differ past double precision are still ordered exactly', async () => {
  const client = uniqueClient();
  const older = (await ask(herd.get('Riley').port, `IAMAT ${client} +1+1 1621464827.959498503\n`)).trimEnd();
  assert.ok(await atEverywhere(client, older));
  const newer = (await ask(herd.get('Riley').port, `IAMAT ${client} +2+2 1621464827.959498504\n`)).trimEnd();
  assert.ok(await atEverywhere(client, newer));
});
