import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { addUser, grpc, grpcGateway, speechBackend, speechClient, waitFor } from './helpers.js';

/**
 * A TCP relay in front of a backend that can be frozen: it stops taking
 * connections and stops forwarding on the ones it has without closing them,
 * which is what a network partition looks like from the gateway's side.
 */
async function relay(targetPort: number, port = 0) {
  const pairs = new Set<[Socket, Socket]>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) s.on('error', () => {});
    client.pipe(upstream);
    upstream.pipe(client);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.once('close', () => pairs.delete(pair));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    freeze() {
      server.close();
      for (const [client, upstream] of pairs) {
        client.unpipe();
        upstream.unpipe();
        client.pause();
        upstream.pause();
      }
    },
    destroy() {
      server.close();
      for (const pair of pairs) for (const s of pair) s.destroy();
    },
  };
}

test('after a partition heals, calls reach the backend again on a fresh connection, not the silent old one', { timeout: 60_000 }, async (t) => {
  const p0 = await speechBackend('tts@p0');
  const p1 = await speechBackend('tts@p1');
  const first = await relay(p0.port);
  let second: Awaited<ReturnType<typeof relay>> | null = null;
  const gw = await grpcGateway([{ name: 'tts@p0', port: first.port }, p1], { heartbeatS: 0.1, maxFails: 2 });
  const client = speechClient(gw.port);
  t.after(async () => {
    client.close();
    await gw.close();
    first.destroy();
    second?.destroy();
    p0.kill();
    p1.kill();
  });
  await waitFor('first probes', () => gw.service.pool.all.every((b) => b.lastProbe !== null));
  assert.equal((await addUser(client, { name: 'a' })).value?.server, 'tts@p0');

  first.freeze();
  const stuck = addUser(client, { name: 'stuck' }, { deadlineMs: 500 });
  await waitFor('p0 ejected', () => !gw.service.pool.all[0]!.healthy);
  assert.equal((await addUser(client, { name: 'b' })).value?.server, 'tts@p1');
  assert.equal((await stuck).status.code, grpc.status.DEADLINE_EXCEEDED, 'a call lost in the partition ends at its deadline');

  second = await relay(p0.port, first.port);
  await waitFor('p0 back', () => gw.service.pool.all[0]!.healthy);
  const after = await addUser(client, { name: 'c' }, { deadlineMs: 3000 });
  assert.equal(after.error, null, `answered, not ${after.error?.details}`);
  assert.equal(after.value?.server, 'tts@p0');
});
