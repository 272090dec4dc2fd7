import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { answerLines, ask, HOST, makeDataDir, rawExchange, startCluster, type Cluster } from './helpers.js';

// Every kv server shares the line server; each one is checked here.
const scratch = makeDataDir();
let cluster: Cluster;
let targets: [string, number][];
before(async () => {
  cluster = await startCluster(scratch.data, { nodes: 1 });
  targets = [
    ['origin', cluster.origin.port],
    ['node', cluster.nodes[0]!.port],
    ['lb', cluster.lb.port],
  ];
});
after(async () => {
  await cluster.close();
  scratch.cleanup();
});

test('a 1 MB line is answered BAD_REQUEST and the connection closed', async () => {
  for (const [name, port] of targets) {
    const { text, closedByServer } = await rawExchange(port, `GET ${'a'.repeat(1024 * 1024)}/1\n`, { end: false });
    assert.equal(closedByServer, true, name);
    const answers = answerLines(text);
    assert.equal(answers.length, 1, name);
    assert.equal(answers[0]!.status, 'BAD_REQUEST', name);
    assert.equal((await ask(port, 'GET article/1')).status, 'OK', name);
  }
});

test('a line just over 64 KiB is refused, one just under is parsed', async () => {
  const port = cluster.origin.port;
  const over = await rawExchange(port, `GET article/${'1'.repeat(64 * 1024)}\n`, { end: false });
  assert.equal(answerLines(over.text)[0]!.status, 'BAD_REQUEST');
  assert.equal(over.closedByServer, true);
  const under = await rawExchange(port, `GET article/${'1'.repeat(60 * 1024)}\n`);
  assert.equal(answerLines(under.text)[0]!.status, 'NOT_FOUND');
});

test('random bytes get error answers, never a crash', async () => {
  for (const [name, port] of targets) {
    for (let round = 0; round < 5; round++) {
      const { text } = await rawExchange(port, randomBytes(8 * 1024));
      for (const answer of answerLines(text)) {
        assert.ok(['BAD_REQUEST', 'WRONG_METHOD'].includes(answer.status), `${name}: ${answer.status}`);
      }
    }
    assert.equal((await ask(port, 'GET article/2')).status, 'OK', name);
  }
});

test('a silent client does not stop or slow the others', async () => {
  const silent: Socket[] = [];
  try {
    for (const [, port] of targets) {
      for (let i = 0; i < 5; i++) {
        const s = connect({ host: HOST, port });
        s.on('error', () => {});
        silent.push(s);
      }
    }
    for (const [name, port] of targets) {
      for (let i = 0; i < 10; i++) assert.equal((await ask(port, `GET article/${1 + (i % 4)}`)).status, 'OK', name);
    }
  } finally {
    for (const s of silent) s.destroy();
  }
});

test('a 1 MB line and random bytes sent alongside normal traffic do not disturb it', async () => {
  for (const [name, port] of targets) {
    const noise = [
      rawExchange(port, `GET ${'b'.repeat(1024 * 1024)}`, { end: false }),
      rawExchange(port, randomBytes(64 * 1024)),
    ];
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => ask(port, `GET article/${1 + (i % 4)}`)));
    for (const a of answers) assert.equal(a.status, 'OK', name);
    for (const { closedByServer } of await Promise.all(noise)) assert.equal(closedByServer, true, name);
  }
});
