import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addUser, speechBackend, throughGateway } from './helpers.js';

test("with strategy = weighted, calls follow the servers' load: 0.5/0.3/0.2 gives 50/30/20", { timeout: 60_000 }, async (t) => {
  const backends = await Promise.all(['tts@a', 'tts@b', 'tts@c'].map((name) => speechBackend(name)));
  const { client } = await throughGateway(t, backends, { strategy: 'weighted', loads: [0.5, 0.3, 0.2] });

  const served = new Map<string, number>();
  for (let i = 0; i < 100; i++) {
    const server = (await addUser(client, { name: `w${i}` })).value!.server;
    served.set(server, (served.get(server) ?? 0) + 1);
  }
  assert.deepEqual(Object.fromEntries(served), { 'tts@a': 50, 'tts@b': 30, 'tts@c': 20 });
});
