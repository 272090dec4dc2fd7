import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startLineServer } from '../../src/common/line-server.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

test('a closed connection is not kept alive by the line server (one connection per request leaves no heap behind)', async (t) => {
  const server = await startLineServer({
    name: 'retention test',
    host: '127.0.0.1',
    port: 0,
    handle: (line) => `${line.toUpperCase()}\n`,
    onLineTooLong: () => 'too long\n',
  });
  t.after(() => server.close());
  const served = new Set<WeakRef<Socket>>();
  server.server.on('connection', (socket: Socket) => served.add(new WeakRef(socket)));
  // Each client half-closes after its line, so the server ends the session itself (its lingering path).
  for (let i = 0; i < 200; i++) {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1', () => socket.end(`ping ${i}\n`));
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (text += chunk));
      socket.once('error', reject);
      socket.once('close', () => resolve(text));
    });
    assert.equal(answer, `PING ${i}\n`);
  }
  const deadline = Date.now() + 3_000;
  let alive = served.size;
  while (Date.now() < deadline && alive > 5) {
    await new Promise((r) => setTimeout(r, 50));
    gc();
    alive = [...served].filter((ref) => ref.deref() !== undefined).length;
  }
  // Before the fix each one stayed reachable for 5 s from its linger timer.
  assert.ok(alive <= 5, `${alive} of ${served.size} closed connections still reachable`);
});
