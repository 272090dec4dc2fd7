import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { compareTimes } from '../../src/herd/clock.js';
import { ask, eventually, NAMES, startHerd, uniqueClient } from '../herd/helpers.js';

const WORKERS = 4;
const CLIENTS = 8;
const SURVIVORS = ['Riley', 'Juzang', 'Campbell'];

test('herd servers stopped and restarted while IAMAT traffic flows: the survivors agree on the newest report per client, then all five do', async (t) => {
  const herd = await startHerd();
  t.after(() => herd.close());
  const clients = Array.from({ length: CLIENTS }, () => uniqueClient('flow'));
  const base = 1_700_000_000;
  const newest = new Map<string, string>();
  let sent = 0;
  let toStopped = 0;
  let cut = 0;
  const wrong: string[] = [];
  let stop = false;
  /** Servers being stopped: a connection they accepted but had not read from yet is closed unanswered, as nginx closes idle connections on shutdown. */
  const stopping = new Set<string>();
  const worker = async () => {
    const deadline = Date.now() + 15_000;
    while (!stop && sent < 20_000 && Date.now() < deadline) {
      const n = ++sent;
      const client = clients[n % CLIENTS]!;
      const name = NAMES[n % NAMES.length]!;
      const time = (base + n / 1000).toFixed(3);
      const server = herd.servers.get(name);
      if (!server) {
        // Its server is down: a CS131 client would get "connection refused".
        toStopped++;
        continue;
      }
      let answer: string;
      try {
        answer = await ask(server.port, `IAMAT ${client} +34.068930-118.445127 ${time}\n`);
      } catch {
        // In flight while its server was being stopped.
        cut++;
        continue;
      }
      if (answer === '' && stopping.has(name)) {
        // Closed unanswered while its server was stopping: the client sees a cut connection.
        cut++;
        continue;
      }
      if (!answer.startsWith('AT ')) wrong.push(answer);
      const prev = newest.get(client);
      if (!prev || compareTimes(time, prev) > 0) newest.set(client, time);
    }
  };
  const load = Promise.all(Array.from({ length: WORKERS }, worker));
  try {
    for (const victim of ['Jaquez', 'Bernard']) {
      await sleep(400);
      stopping.add(victim);
      await herd.stop(victim);
      await sleep(400);
      await herd.start(victim);
      stopping.delete(victim);
    }
    await sleep(300);
  } finally {
    stop = true;
    await load;
  }
  t.diagnostic(`herd restart under load: ${sent} IAMAT, ${sent - toStopped - cut} answered, ${toStopped} aimed at a stopped server, ${cut} cut while their server stopped, ${wrong.length} wrong answers`);
  assert.ok(sent - toStopped - cut > 100, 'traffic flowed');
  assert.deepEqual(wrong, [], 'every answer from a live server is its AT line');
  assert.ok(cut <= 2 * WORKERS, `cut connections (${cut}) bounded by the requests in flight at each stop`);

  const agree = (names: string[]) => clients.every((c) => names.every((n) => herd.get(n).lookup(c)?.time === newest.get(c)));
  assert.ok(await eventually(() => agree(SURVIVORS)), 'the servers never stopped hold the newest accepted report of every client');

  const final = base + 100;
  for (const [i, c] of clients.entries()) {
    const answer = await ask(herd.get(NAMES[i % NAMES.length]!).port, `IAMAT ${c} +1+1 ${final}\n`);
    assert.match(answer, /^AT /);
    newest.set(c, String(final));
  }
  assert.ok(await eventually(() => agree(NAMES)), 'after one newer report each, all five agree');
});
