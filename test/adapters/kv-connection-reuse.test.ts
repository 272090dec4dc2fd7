import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Socket } from 'node:net';
import { startGateway } from '../../src/gateway/start.js';
import { logLines } from '../helpers/gateway.js';
import { call, startAdapterStack } from './harness.js';

/** A TCP relay in front of the kv balancer that counts the connections the gateway opens. */
async function countingRelay(targetPort: number) {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((client) => {
    accepted++;
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    accepted: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

test('the /kv adapter reuses its connections to the balancer instead of opening one per request', async (t) => {
  const stack = await startAdapterStack({ herd: 'standalone' });
  t.after(() => stack.close());
  const relay = await countingRelay(stack.cluster.lb.port);
  t.after(() => relay.close());
  const gateway = await startGateway({ ...stack.config, kv: { ...stack.config.kv, balancer: { host: '127.0.0.1', port: relay.port } } }, { logSink: logLines() });
  t.after(() => gateway.close());

  for (let i = 0; i < 30; i++) assert.equal((await call(gateway.port, 'GET', `/kv/article/${(i % 4) + 1}`)).status, 200);
  assert.equal(relay.accepted(), 1, 'one connection for 30 sequential requests');

  const burst = await Promise.all(Array.from({ length: 100 }, (_, i) => call(gateway.port, 'GET', `/kv/article/${(i % 4) + 1}`)));
  assert.ok(burst.every((a) => a.status === 200));
  // At most the pool's bound, however many requests arrive at once.
  assert.ok(relay.accepted() <= 1 + 64, `${relay.accepted()} connections`);
});
