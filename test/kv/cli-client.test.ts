import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import { HOST, makeDataDir, runCli, startCluster, type Cluster } from './helpers.js';

const scratch = makeDataDir();
let cluster: Cluster;
before(async () => {
  cluster = await startCluster(scratch.data, { nodes: 2 });
});
after(async () => {
  await cluster.close();
  scratch.cleanup();
});

test('--get prints the answer as indented JSON with latency_ms, exit 0 on OK', async () => {
  const run = await runCli(['client', '--port', String(cluster.lb.port), '--get', 'article/1']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^\{\n {2}"status": "OK",\n {2}"data": \{\n {4}"title": "Article1",/);
  const answer = JSON.parse(run.stdout);
  assert.deepEqual(answer.data, { title: 'Article1', author: 'John Doe' });
  assert.equal(answer.cache_hit, false);
  assert.equal(answer.node, cluster.nodes[0]!.port);
  assert.equal(typeof answer.latency_ms, 'number');
  assert.ok(answer.latency_ms >= 0);
});

test('NOT_FOUND and BAD_REQUEST exit 1 with the answer printed', async () => {
  for (const [path, status] of [['article/9', 'NOT_FOUND'], ['article1', 'BAD_REQUEST'], ['../secret', 'BAD_REQUEST']] as const) {
    const run = await runCli(['client', '--host', HOST, '--port', String(cluster.lb.port), '--get', path]);
    assert.equal(run.code, 1, path);
    assert.equal(JSON.parse(run.stdout).status, status, path);
  }
});

test('--metrics prints the cluster METRICS', async () => {
  const run = await runCli(['client', '--port', String(cluster.lb.port), '--metrics']);
  assert.equal(run.code, 0, run.stderr);
  const answer = JSON.parse(run.stdout);
  assert.equal(answer.data.strategy, 'round_robin');
  assert.equal(Object.keys(answer.data.proxies).length, 2);
  // Straight to a node works too.
  const node = JSON.parse((await runCli(['client', '--port', String(cluster.nodes[1]!.port), '--metrics'])).stdout);
  assert.equal(typeof node.data.hit_rate, 'number');
});

test('no --get or --metrics: the original message, exit 2', async () => {
  const run = await runCli(['client', '--port', String(cluster.lb.port)]);
  assert.equal(run.code, 2);
  assert.equal(run.stderr, 'Error: GET endpoint must be provided\n');
  assert.equal(run.stdout, '');
});

test('connection refused: CLIENT_CONNECTION_ERROR, exit 1', async () => {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, HOST, r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  const run = await runCli(['client', '--port', String(port), '--get', 'article/1']);
  assert.equal(run.code, 1);
  const answer = JSON.parse(run.stdout);
  assert.equal(answer.status, 'CLIENT_CONNECTION_ERROR');
  assert.equal(answer.data, null);
  assert.equal(typeof answer.latency_ms, 'number');
  assert.match(run.stderr, /ECONNREFUSED/);
});

test('--help and bad flags', async () => {
  const help = await runCli(['client', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /pibl client .*--port 9000 \(--get PATH \| --metrics\)/);
  assert.match(help.stdout, /--metrics/);
  const bad = await runCli(['client', '--port', 'x', '--get', 'article/1']);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  assert.match(bad.stderr, /--port/);
});
