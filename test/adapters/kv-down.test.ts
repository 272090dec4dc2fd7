import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort } from '../helpers/servers.js';
import { call, errorCode, scrape, series, startAdapterStack } from './harness.js';

test('every kv node down: the balancer answers PROXY_UNREACHABLE or NO_HEALTHY_PROXY, the adapter 502', async (t) => {
  const stack = await startAdapterStack({ herd: 'standalone' });
  t.after(() => stack.close());
  for (const node of stack.cluster.nodes) await node.close();
  const answer = await call(stack.gateway.port, 'GET', '/kv/article/1');
  assert.equal(answer.status, 502, answer.text);
  assert.equal(errorCode(answer), 'PIBL_ERR_BAD_GATEWAY');
  assert.match(answer.json.error.message, /PROXY_UNREACHABLE|NO_HEALTHY_PROXY/);
});

test('the kv balancer down: 502 JSON on /kv routes, balancer_up 0 on /metrics, the rest of the gateway fine', async (t) => {
  const stack = await startAdapterStack({ herd: 'standalone' });
  t.after(() => stack.close());
  await stack.cluster.lb.close();
  for (const path of ['/kv/article/1', '/kv/-/metrics']) {
    const answer = await call(stack.gateway.port, 'GET', path);
    assert.equal(answer.status, 502, `${path}: ${answer.text}`);
    assert.equal(errorCode(answer), 'PIBL_ERR_BAD_GATEWAY');
    assert.match(answer.json.error.message, /kv balancer 127\.0\.0\.1:\d+ unreachable/);
  }
  const samples = await scrape(stack.gateway.port);
  assert.equal(series(samples, 'pibl_kv_balancer_up')[0]?.value, 0);
  assert.equal(series(samples, 'pibl_kv_node_up').length, 0);
  assert.equal((await call(stack.gateway.port, 'GET', '/-/status')).status, 200);
});

test('a kv balancer address where nothing ever listened: 502', async (t) => {
  const stack = await startAdapterStack({ herd: 'standalone' });
  t.after(() => stack.close());
  const nowhere = await freePort();
  const { startGateway } = await import('../../src/gateway/start.js');
  const { logLines } = await import('../helpers/gateway.js');
  const gateway = await startGateway({ ...stack.config, kv: { ...stack.config.kv, balancer: { host: '127.0.0.1', port: nowhere } } }, { logSink: logLines() });
  t.after(() => gateway.close());
  const answer = await call(gateway.port, 'GET', '/kv/article/1');
  assert.equal(answer.status, 502, answer.text);
  assert.match(answer.json.error.message, /ECONNREFUSED/);
});

test('a kv balancer that accepts and never answers: 504 after read_timeout, JSON', async (t) => {
  const stack = await startAdapterStack({ herd: 'standalone' });
  t.after(() => stack.close());
  const { createServer } = await import('node:net');
  const held = new Set<import('node:net').Socket>();
  const silent = createServer((socket) => {
    held.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => {
    for (const s of held) s.destroy();
    silent.close(() => resolve());
  }));
  const { startGateway } = await import('../../src/gateway/start.js');
  const { logLines } = await import('../helpers/gateway.js');
  const config = {
    ...stack.config,
    gateway: { ...stack.config.gateway, firstByteTimeoutMs: 300 },
    kv: { ...stack.config.kv, balancer: { host: '127.0.0.1', port: (silent.address() as { port: number }).port } },
  };
  const gateway = await startGateway(config, { logSink: logLines() });
  t.after(() => gateway.close());
  const answer = await call(gateway.port, 'GET', '/kv/article/1');
  assert.equal(answer.status, 504, answer.text);
  assert.equal(errorCode(answer), 'PIBL_ERR_GATEWAY_TIMEOUT');
  // /metrics stays bounded too: the poll has its own short timeout.
  const samples = await scrape(gateway.port);
  assert.equal(series(samples, 'pibl_kv_balancer_up')[0]?.value, 0);
});
