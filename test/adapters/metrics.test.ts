import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, posixNow, uniqueClient } from '../herd/helpers.js';
import { call, scrape, series, startAdapterStack, type AdapterStack } from './harness.js';

/** /metrics with the herd in process: kv polled from the balancer, herd counters read directly. */
let stack: AdapterStack;
before(async () => {
  stack = await startAdapterStack({ herd: 'in-process', pollIntervalMs: 50 });
});
after(() => stack.close());

const sum = (rows: { value: number }[]) => rows.reduce((n, r) => n + r.value, 0);

test('kv node series: up, requests, hits, misses and origin fetches for every configured node', async () => {
  for (let i = 0; i < 9; i++) assert.equal((await call(stack.gateway.port, 'GET', `/kv/article/${(i % 3) + 1}`)).status, 200);
  const nodes = stack.cluster.nodes.map((n) => `{node="127.0.0.1:${n.port}"}`).sort();
  // The balancer polls its nodes on an interval and the gateway keeps a poll for a second: wait for the totals to catch up.
  let samples = new Map<string, number>();
  const caughtUp = await eventually(async () => {
    samples = await scrape(stack.gateway.port);
    return sum(series(samples, 'pibl_kv_node_requests_total')) >= 9;
  }, 60, 100);
  assert.ok(caughtUp, [...samples].filter(([k]) => k.startsWith('pibl_kv')).join('\n'));
  assert.equal(series(samples, 'pibl_kv_balancer_up')[0]?.value, 1);
  const up = series(samples, 'pibl_kv_node_up');
  assert.deepEqual(up.map((s) => s.labels).sort(), nodes);
  assert.ok(up.every((s) => s.value === 1));
  for (const name of ['pibl_kv_node_requests_total', 'pibl_kv_node_hits_total', 'pibl_kv_node_misses_total', 'pibl_kv_node_origin_fetches_total']) {
    assert.deepEqual(series(samples, name).map((s) => s.labels).sort(), nodes, name);
  }
  const hits = sum(series(samples, 'pibl_kv_node_hits_total'));
  const misses = sum(series(samples, 'pibl_kv_node_misses_total'));
  assert.equal(hits + misses, sum(series(samples, 'pibl_kv_node_requests_total')));
  assert.ok(misses >= 3 && sum(series(samples, 'pibl_kv_node_origin_fetches_total')) >= 3);
});

test('a kv node that goes down shows as pibl_kv_node_up 0', async () => {
  const victim = stack.cluster.nodes[2]!;
  await victim.close();
  const label = `{node="127.0.0.1:${victim.port}"}`;
  const down = await eventually(async () => series(await scrape(stack.gateway.port), 'pibl_kv_node_up').find((s) => s.labels === label)?.value === 0, 60, 100);
  assert.ok(down);
});

test('herd series: messages by kind, flood fan-out, clients and peer links', async () => {
  const client = uniqueClient('metrics');
  const at = await call(stack.gateway.port, 'POST', '/herd/Riley/iamat', { type: 'application/json', data: JSON.stringify({ client, location: '+1+1', time: posixNow() }) });
  assert.equal(at.status, 200);
  await call(stack.gateway.port, 'GET', `/herd/Riley/whatsat?client=${client}&radius=1&max=1`);
  await call(stack.gateway.port, 'POST', '/herd/Riley/iamat', { type: 'text/plain', data: 'IAMAT bad' });
  // Flooding is done when all five servers know the client.
  assert.ok(await eventually(() => [...stack.herd.servers.values()].every((s) => s.lookup(client))));
  const samples = await scrape(stack.gateway.port);
  const value = (name: string, labels: string) => series(samples, name).find((s) => s.labels === labels)?.value;
  assert.ok(value('pibl_herd_messages_total', '{server="Riley",kind="iamat"}')! >= 1);
  assert.ok(value('pibl_herd_messages_total', '{server="Riley",kind="whatsat"}')! >= 1);
  assert.ok(value('pibl_herd_messages_total', '{server="Riley",kind="invalid"}')! >= 1);
  assert.ok(value('pibl_herd_messages_total', '{server="Jaquez",kind="at"}')! >= 1);
  // Riley hands the AT line to both its neighbours.
  assert.ok(value('pibl_herd_flood_messages_total', '{server="Riley"}')! >= 2);
  for (const server of ['Riley', 'Jaquez', 'Juzang', 'Campbell', 'Bernard']) {
    assert.ok(value('pibl_herd_clients', `{server="${server}"}`)! >= 1, server);
    assert.equal(value('pibl_herd_server_up', `{server="${server}"}`), 1, server);
  }
  assert.equal(value('pibl_herd_peer_up', '{server="Riley",peer="Jaquez"}'), 1);
  // Label sets stay bounded: 5 servers x 4 kinds, one series per link end.
  assert.equal(series(samples, 'pibl_herd_messages_total').length, 20);
  assert.equal(series(samples, 'pibl_herd_peer_up').length, 12);
});

test('the gateway\'s own and the default process metrics are on the same page', async () => {
  const samples = await scrape(stack.gateway.port);
  assert.ok(series(samples, 'pibl_process_cpu_seconds_total').length > 0);
  assert.ok([...samples.keys()].some((k) => k.startsWith('pibl_http_requests_in_flight')));
});

test('adapter requests are counted by route pattern and status, never by URL', async () => {
  await call(stack.gateway.port, 'GET', '/kv/article/1');
  await call(stack.gateway.port, 'GET', '/kv/article/12345');
  await call(stack.gateway.port, 'GET', '/kv/..%2F..');
  await call(stack.gateway.port, 'GET', '/herd/Nobody/clients/x');
  await call(stack.gateway.port, 'GET', '/herd/nothing/at/all/here');
  const samples = await scrape(stack.gateway.port);
  const rows = series(samples, 'pibl_adapter_requests_total');
  const value = (labels: string) => rows.find((r) => r.labels === labels)?.value ?? 0;
  assert.ok(value('{adapter="kv",route="/kv/*",status="200"}') >= 1, JSON.stringify(rows));
  assert.ok(value('{adapter="kv",route="/kv/*",status="404"}') >= 1);
  assert.ok(value('{adapter="kv",route="/kv/*",status="400"}') >= 1);
  assert.ok(value('{adapter="herd",route="/herd/:server/clients/*",status="404"}') >= 1);
  assert.ok(value('{adapter="herd",route="unmatched",status="404"}') >= 1);
  assert.ok(rows.every((r) => !/article|Nobody|nothing/.test(r.labels)), JSON.stringify(rows));
  assert.ok(series(samples, 'pibl_adapter_request_duration_seconds_count').length === 2);
});
