import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { posixNow, uniqueClient } from '../herd/helpers.js';
import { call, errorCode, scrape, series, startAdapterStack, type AdapterStack } from './harness.js';

/** `pibl gateway` alone: the herd is reached over TCP only, and one server goes down. */
let stack: AdapterStack;
before(async () => {
  stack = await startAdapterStack({ herd: 'standalone' });
});
after(() => stack.close());

const port = () => stack.gateway.port;
const json = (data: unknown) => ({ type: 'application/json', data: JSON.stringify(data) });

test('every route works over TCP; a client report comes from WHATSAT', async () => {
  const client = uniqueClient('tcp');
  const time = posixNow();
  const at = await call(port(), 'POST', '/herd/Bernard/iamat', json({ client, location: '+48.8566+2.3522', time }));
  assert.equal(at.status, 200, at.text);
  const report = await call(port(), 'GET', `/herd/Bernard/clients/${client}`);
  assert.equal(report.status, 200, report.text);
  assert.deepEqual(report.json, at.json);
  assert.equal((await call(port(), 'GET', '/herd/Bernard/clients/nobody-here')).status, 404);
  const whatsat = await call(port(), 'GET', `/herd/Bernard/whatsat?client=${client}&radius=5&max=1`);
  assert.equal(whatsat.status, 200, whatsat.text);
  assert.equal(whatsat.json.at, at.json.line);
});

test('status without in-process servers: up from a connect, counters unknown', async () => {
  const answer = await call(port(), 'GET', '/herd/-/status');
  assert.equal(answer.status, 200);
  for (const s of answer.json.servers) {
    assert.equal(s.up, true, s.name);
    assert.equal(s.clients, null);
    assert.equal(s.counters, null);
  }
  const samples = await scrape(port());
  const up = series(samples, 'pibl_herd_server_up');
  assert.equal(up.length, 5);
  assert.ok(up.every((s) => s.value === 1), JSON.stringify(up));
  assert.equal(series(samples, 'pibl_herd_messages_total').length, 0);
});

test('a herd server that is down: 502 JSON on every route, status and metrics say so, the others still answer', async () => {
  await stack.herd.stop('Campbell');
  for (const [method, path, body] of [
    ['POST', '/herd/Campbell/iamat', json({ client: 'a', location: '+1+1', time: 1 })],
    ['POST', '/herd/Campbell/iamat', { type: 'text/plain', data: 'IAMAT a +1+1 1' }],
    ['GET', '/herd/Campbell/whatsat?client=a&radius=1&max=1', undefined],
    ['GET', '/herd/Campbell/clients/a', undefined],
  ] as const) {
    const answer = await call(port(), method, path, body);
    assert.equal(answer.status, 502, `${method} ${path}: ${answer.text}`);
    assert.equal(errorCode(answer), 'PIBL_ERR_BAD_GATEWAY');
    assert.match(answer.json.error.message, /herd Campbell .*unreachable/);
  }
  const status = await call(port(), 'GET', '/herd/-/status');
  const campbell = status.json.servers.find((s: { name: string }) => s.name === 'Campbell');
  assert.equal(campbell.up, false);
  const up = series(await scrape(port()), 'pibl_herd_server_up');
  assert.deepEqual(up.find((s) => s.labels === '{server="Campbell"}')?.value, 0);
  assert.deepEqual(up.find((s) => s.labels === '{server="Riley"}')?.value, 1);
  const riley = await call(port(), 'POST', '/herd/Riley/iamat', json({ client: uniqueClient(), location: '+1+1' }));
  assert.equal(riley.status, 200, riley.text);
});
