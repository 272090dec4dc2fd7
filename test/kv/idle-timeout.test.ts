import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Service } from '../../src/common/service.js';
import { startBalancer } from '../../src/kv/balancer.js';
import { startNode } from '../../src/kv/node.js';
import { startOrigin } from '../../src/kv/origin.js';
import { answerLines, ask, HOST, makeDataDir, rawExchange } from './helpers.js';

const scratch = makeDataDir();
const services: Service[] = [];
const IDLE_MS = 300;
before(async () => {
  const origin = await startOrigin({ host: HOST, port: 0, dataDir: scratch.data, idleTimeoutMs: IDLE_MS });
  const node = await startNode({
    host: HOST, port: 0, originHost: HOST, originPort: origin.port,
    cacheType: 'ttl', ttlSeconds: 30, lruCapacity: 10, idleTimeoutMs: IDLE_MS,
  });
  const lb = await startBalancer({
    host: HOST, port: 0, proxies: [{ host: HOST, port: node.port }], strategy: 'round_robin',
    pollIntervalMs: 60_000, idleTimeoutMs: IDLE_MS,
  });
  services.push(lb, node, origin);
});
after(async () => {
  for (const s of services) await s.close();
  scratch.cleanup();
});

test('an idle connection gets BAD_REQUEST and is closed, on origin, node and lb', async () => {
  for (const service of services) {
    const { text, closedByServer } = await rawExchange(service.port, '', { end: false, timeoutMs: 5_000 });
    assert.equal(closedByServer, true, service.name);
    const answers = answerLines(text);
    assert.equal(answers.length, 1, service.name);
    assert.equal(answers[0]!.status, 'BAD_REQUEST', service.name);
  }
});

test('after an answer, a connection left open times out too', async () => {
  const { text, closedByServer } = await rawExchange(services[0]!.port, 'GET article/1\n', { end: false });
  assert.equal(closedByServer, true);
  assert.deepEqual(answerLines(text).map((a) => a.status), ['OK', 'BAD_REQUEST']);
});

test('the servers keep serving after idle closes', async () => {
  for (const service of services) assert.equal((await ask(service.port, 'GET article/1')).status, 'OK', service.name);
});
