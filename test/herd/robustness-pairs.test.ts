import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { ask, eventually, NAMES, posixNow, startHerd, uniqueClient, type Herd } from './helpers.js';
import { neighborsOf } from '../../src/herd/server.js';

/**
 * The original grader's robustness case: stop each pair of servers in turn,
 * report to a survivor, and check that every survivor still connected to it
 * in the topology agrees — and that the cut-off ones did not get it.
 */
let herd: Herd;
before(async () => {
  herd = await startHerd();
});
after(() => herd.close());

function component(from: string, down: Set<string>): Set<string> {
  const seen = new Set([from]);
  const todo = [from];
  while (todo.length) {
    for (const peer of neighborsOf(herd.config, todo.pop()!)) {
      if (!down.has(peer.name) && !seen.has(peer.name)) {
        seen.add(peer.name);
        todo.push(peer.name);
      }
    }
  }
  return seen;
}

const pairs = NAMES.flatMap((a, i) => NAMES.slice(i + 1).map((b) => [a, b] as const));

test('ten pairs, seven of which leave the survivors connected', () => {
  assert.equal(pairs.length, 10);
  const connected = pairs.filter(([a, b]) => {
    const survivors = NAMES.filter((n) => n !== a && n !== b);
    return component(survivors[0]!, new Set([a, b])).size === survivors.length;
  });
  assert.equal(connected.length, 7);
});

for (const [a, b] of pairs) {
  test(`with ${a} and ${b} down, the connected survivors agree`, async () => {
    await herd.stop(a);
    await herd.stop(b);
    try {
      const down = new Set([a, b]);
      const survivors = NAMES.filter((n) => !down.has(n));
      for (const entry of survivors) {
        const client = uniqueClient(`pair-${a}-${b}`);
        const at = (await ask(herd.get(entry).port, `IAMAT ${client} +34.068930-118.445127 ${posixNow()}\n`)).trimEnd();
        assert.match(at, new RegExp(`^AT ${entry} `));
        const reach = component(entry, down);
        assert.ok(await eventually(() => [...reach].every((n) => herd.get(n).lookup(client)?.at === at)), `reached ${[...reach]}`);
        // Answers over the wire agree too.
        for (const n of reach) assert.ok((await ask(herd.get(n).port, `WHATSAT ${client} 10 1\n`)).startsWith(`${at}\n`));
        for (const n of survivors.filter((s) => !reach.has(s))) assert.equal(herd.get(n).lookup(client), undefined, `${n} is cut off`);
      }
      // Every survivor tried its stopped neighbours and marked them down.
      const marked = () => survivors.every((n) => [a, b].every((peer) => !herd.get(n).neighbors.includes(peer) || herd.get(n).peers()[peer] === 'down'));
      assert.ok(await eventually(marked));
    } finally {
      await herd.start(a);
      await herd.start(b);
    }
  });
}
