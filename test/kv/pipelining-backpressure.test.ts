import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Service } from '../../src/common/service.js';
import { startNode } from '../../src/kv/node.js';
import { ask, HOST } from './helpers.js';

// A client that pipelines far faster than answers are made (here: a node
// whose origin never answers) must be throttled by TCP, not buffered by the
// server without bound.
const held = new Set<Socket>();
let stalled: Server;
let node: Service;
before(async () => {
  stalled = createServer((s) => {
    held.add(s);
    s.on('error', () => {});
  });
  await new Promise<void>((r) => stalled.listen(0, HOST, r));
  node = await startNode({
    host: HOST, port: 0, originHost: HOST, originPort: (stalled.address() as { port: number }).port,
    cacheType: 'ttl', ttlSeconds: 30, lruCapacity: 10, originTimeoutMs: 30_000,
  });
});
after(async () => {
  for (const s of held) s.destroy();
  await node.close();
  await new Promise<void>((r) => stalled.close(() => r()));
});

test('a pipelining client is slowed down by TCP while its answers wait', async () => {
  const client = connect({ host: HOST, port: node.port });
  client.on('error', () => {});
  try {
    await new Promise<void>((r) => client.once('connect', () => r()));
    const line = Buffer.from('GET article/1\n');
    const chunk = Buffer.concat(Array.from({ length: 4096 }, () => line));
    // Up to 64 MiB offered (4.5 M lines); bounded in count and time. Before
    // the fix the node read all of it into memory.
    const deadline = Date.now() + 5_000;
    for (let i = 0; i < 1_100 && Date.now() < deadline && client.writableLength < 4 * 1024 * 1024; i++) {
      client.write(chunk);
      if (client.writableLength > 1024 * 1024) await sleep(10);
    }
    // The server stopped reading: the rest waits on the client side.
    await sleep(300);
    assert.ok(client.writableLength > 0, 'the server read everything it was sent');
    // And it still serves everyone else.
    assert.equal((await ask(node.port, 'METRICS')).status, 'OK');
  } finally {
    client.destroy();
  }
});
