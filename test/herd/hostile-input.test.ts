import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';
import { ask, exchange, HOST, posixNow, startHerd, uniqueClient, type Herd } from './helpers.js';

let herd: Herd;
before(async () => {
  // A short idle bound so the silent-client case ends quickly.
  herd = await startHerd({ names: ['Riley'], server: { idleTimeoutMs: 500 } });
});
after(() => herd.close());

/** The server still answers a normal client. */
async function stillServes() {
  const client = uniqueClient();
  assert.match(await ask(herd.get('Riley').port, `IAMAT ${client} +1+1 ${posixNow()}\n`), new RegExp(`^AT Riley \\S+ ${client} `));
}

test('empty lines are each answered "? " and do not end the connection', async () => {
  const client = uniqueClient();
  const answer = await ask(herd.get('Riley').port, `\n\r\n\nIAMAT ${client} +1+1 ${posixNow()}\n`);
  const lines = answer.split('\n');
  assert.deepEqual(lines.slice(0, 3), ['? ', '? ', '? ']);
  assert.match(lines[3]!, /^AT Riley /);
});

test('a 1 MB line is refused and the connection closed; the server goes on', async () => {
  const answer = (await exchange(herd.get('Riley').port, Buffer.alloc(1024 * 1024, 'A'), 10_000)).toString('latin1');
  assert.ok(answer.startsWith('? AAAA'), answer.slice(0, 40));
  assert.ok(answer.length < 1024, 'the answer quotes only the head of the line');
  await stillServes();
});

test('a 1 MB line with newlines inside is answered line by line without hanging', async () => {
  const line = `IAMAT ${'x'.repeat(1000)} +1+1 ${posixNow()}\n`;
  const data = line.repeat(Math.floor((1024 * 1024) / line.length));
  const answer = (await exchange(herd.get('Riley').port, data, 20_000)).toString('latin1');
  assert.equal(answer.split('\n').filter((l) => l.startsWith('AT Riley ')).length, Math.floor((1024 * 1024) / line.length));
  await stillServes();
});

test('random bytes are answered "?" and never stop the server', async () => {
  for (let i = 0; i < 20; i++) {
    const answer = await exchange(herd.get('Riley').port, randomBytes(4096));
    const text = answer.toString('latin1');
    assert.ok(text === '' || text.startsWith('? '), text.slice(0, 40));
  }
  await stillServes();
});

test('a client that never sends a newline is answered at EOF', async () => {
  const client = uniqueClient();
  const answer = await ask(herd.get('Riley').port, `IAMAT ${client} +1+1 ${posixNow()}`);
  assert.match(answer, new RegExp(`^AT Riley \\S+ ${client} `));
});

test('a silent client that never sends a newline is closed by the idle bound, and others are served meanwhile', async () => {
  const socket = connect(herd.get('Riley').port, HOST);
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('error', () => undefined);
  socket.write('IAMAT half a line without end');
  await stillServes();
  await closed;
});

test('a client that disconnects mid-request does not hurt the server', async () => {
  for (let i = 0; i < 20; i++) {
    const socket = connect(herd.get('Riley').port, HOST);
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
    socket.write(`WHATSAT ${uniqueClient()} 10 5\nIAMAT x +1+1 1\n`);
    socket.destroy();
  }
  await stillServes();
});
