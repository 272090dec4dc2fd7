import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Service } from '../../src/common/service.js';
import { startNode } from '../../src/kv/node.js';
import { startOrigin } from '../../src/kv/origin.js';
import { ask, HOST, makeDataDir } from './helpers.js';

const scratch = makeDataDir();
const services: Service[] = [];
let origin: Service;
before(async () => {
  origin = await startOrigin({ host: HOST, port: 0, dataDir: scratch.data });
  services.push(origin);
});
after(async () => {
  for (const s of services.reverse()) await s.close();
  scratch.cleanup();
});

const ttlNode = async (ttlSeconds: number) => {
  const node = await startNode({ host: HOST, port: 0, originHost: HOST, originPort: origin.port, cacheType: 'ttl', ttlSeconds, lruCapacity: 1 });
  services.push(node);
  return node;
};

test('an entry expires after the ttl and is fetched again', async () => {
  const node = await ttlNode(0.3);
  assert.equal((await ask(node.port, 'GET article/2')).cache_hit, false);
  const cachedAt = Date.now();
  const second = await ask(node.port, 'GET article/2');
  // Only meaningful while the entry is surely fresh: a stalled machine must not fail the test.
  if (Date.now() - cachedAt < 250) assert.equal(second.cache_hit, true);
  await sleep(450);
  const again = await ask(node.port, 'GET article/2');
  assert.equal(again.status, 'OK');
  assert.equal(again.cache_hit, false);
  const fetches = (await ask(node.port, 'METRICS')).data.origin_fetches;
  assert.ok(fetches === 2 || (fetches === 3 && !second.cache_hit), `origin_fetches ${fetches}`);
});

test('the ttl cache is not bounded by lru_capacity', async () => {
  const node = await ttlNode(30);
  for (const k of [1, 2, 3, 4]) await ask(node.port, `GET article/${k}`);
  for (const k of [1, 2, 3, 4]) assert.equal((await ask(node.port, `GET article/${k}`)).cache_hit, true, `article/${k}`);
});

test('ttl 0 keeps nothing', async () => {
  const node = await ttlNode(0);
  assert.equal((await ask(node.port, 'GET article/1')).cache_hit, false);
  assert.equal((await ask(node.port, 'GET article/1')).cache_hit, false);
});
