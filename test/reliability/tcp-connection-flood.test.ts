import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { HOST, rawSend, until } from './helpers.js';
import { startListeners, type Listener } from './tcp-listeners.js';

const CONNECTIONS = 1_000;
let listeners: Listener[];
let close: () => Promise<void>;
before(async () => ({ listeners, close } = await startListeners(10_000)));
after(() => close());

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapUsed = () => {
  gc();
  return process.memoryUsage().heapUsed;
};

test(`${CONNECTIONS} connections at once on every TCP listener: each answered, another client served meanwhile, memory back down after`, async (t) => {
  for (const l of listeners) {
    const heapBefore = heapUsed();
    const sockets: Socket[] = [];
    const answers: string[] = Array(CONNECTIONS).fill('');
    try {
      for (let i = 0; i < CONNECTIONS; i++) {
        const s = connect({ host: HOST, port: l.port });
        s.setEncoding('latin1');
        s.on('error', () => {});
        s.on('data', (c: string) => (answers[i] += c));
        s.on('connect', () => s.write(l.good));
        sockets.push(s);
      }
      // Another client, while all of them are open.
      const other = await rawSend(l.port, l.good, { half: true, waitMs: 15_000 });
      assert.ok(l.isGood(other.text), `${l.name}: another client served meanwhile`);
      const answered = await until(() => answers.every((a) => a.includes('\n')), 20_000, 50);
      const good = answers.filter((a) => l.isGood(a)).length;
      assert.ok(answered, `${l.name}: ${answers.filter((a) => a.includes('\n')).length}/${CONNECTIONS} answered in time`);
      assert.equal(good, CONNECTIONS, `${l.name}: every connection got a good answer`);
    } finally {
      for (const s of sockets) s.destroy();
    }
    const closed = await until(() => sockets.every((s) => s.destroyed), 5_000);
    assert.ok(closed);
    await new Promise((r) => setTimeout(r, 200));
    const heapAfter = heapUsed();
    t.diagnostic(`${l.name}: ${CONNECTIONS} connections, heapUsed ${(heapBefore / 1e6).toFixed(1)} MB -> ${(heapAfter / 1e6).toFixed(1)} MB`);
    assert.ok(heapAfter - heapBefore < 32e6, `${l.name}: heap grew by ${((heapAfter - heapBefore) / 1e6).toFixed(1)} MB`);
    const after = await rawSend(l.port, l.good, { half: true });
    assert.ok(l.isGood(after.text), `${l.name} still serves after the flood`);
  }
});
