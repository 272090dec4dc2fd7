import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, posixNow, uniqueClient } from '../herd/helpers.js';
import { call, errorCode, startAdapterStack, type AdapterStack } from './harness.js';

/** The herd in process, as `pibl up` runs it: lines over TCP, status and reports read directly. */
let stack: AdapterStack;
before(async () => {
  stack = await startAdapterStack({ herd: 'in-process' });
});
after(() => stack.close());

const port = () => stack.gateway.port;
const json = (data: unknown) => ({ type: 'application/json', data: JSON.stringify(data) });
const iamat = (server: string, body: unknown) => call(port(), 'POST', `/herd/${server}/iamat`, json(body));

test('POST iamat with JSON answers the AT line as fields', async () => {
  const client = uniqueClient('json');
  const time = posixNow();
  const answer = await iamat('Riley', { client, location: '+34.068930-118.445127', time });
  assert.equal(answer.status, 200, answer.text);
  assert.equal(answer.json.server, 'Riley');
  assert.equal(answer.json.client, client);
  assert.equal(answer.json.location, '+34.068930-118.445127');
  assert.equal(answer.json.time, time);
  assert.match(answer.json.diff, /^[+-]\d+\.\d{9}$/);
  assert.equal(answer.json.line, `AT Riley ${answer.json.diff} ${client} +34.068930-118.445127 ${time}`);
});

test('application/json with a charset parameter is JSON too', async () => {
  const answer = await call(port(), 'POST', '/herd/Riley/iamat', { type: 'application/json; charset=utf-8', data: JSON.stringify({ client: uniqueClient('charset'), location: '+1+1', time: posixNow() }) });
  assert.equal(answer.status, 200, answer.text);
});

test('the bare prefixes and unknown paths under them are 404 JSON', async () => {
  for (const path of ['/herd', '/herd/', '/kv', '/herd/Riley', '/herd/-/nothing']) {
    const answer = await call(port(), 'GET', path);
    assert.equal(answer.status, 404, `${path}: ${answer.text}`);
    assert.equal(errorCode(answer), 'PIBL_ERR_NOT_FOUND');
  }
});

test('time may be a number, or absent for now', async () => {
  const numeric = await iamat('Jaquez', { client: uniqueClient('num'), location: '+1.5-2.5', time: 1621464827.959 });
  assert.equal(numeric.status, 200, numeric.text);
  assert.equal(numeric.json.time, '1621464827.959');
  const now = await iamat('Jaquez', { client: uniqueClient('now'), location: '+1.5-2.5' });
  assert.equal(now.status, 200, now.text);
  assert.ok(Math.abs(Number(now.json.time) - Date.now() / 1000) < 60);
  assert.ok(Math.abs(Number(now.json.diff)) < 60);
});

test('POST iamat with a raw IAMAT line as text/plain', async () => {
  const client = uniqueClient('raw');
  const time = posixNow();
  const answer = await call(port(), 'POST', '/herd/Juzang/iamat', { type: 'text/plain', data: `IAMAT ${client} -33.86+151.21 ${time}\n` });
  assert.equal(answer.status, 200, answer.text);
  assert.equal(answer.json.server, 'Juzang');
  assert.equal(answer.json.client, client);
  assert.equal(answer.json.time, time);
});

test('a raw line the herd rejects is 400 with the herd\'s `?` answer in the message', async () => {
  const answer = await call(port(), 'POST', '/herd/Riley/iamat', { type: 'text/plain; charset=utf-8', data: 'IAMAT someone nowhere 12' });
  assert.equal(answer.status, 400, answer.text);
  assert.equal(errorCode(answer), 'PIBL_ERR_BAD_REQUEST');
  assert.match(answer.json.error.message, /herd Riley answered: \? IAMAT someone nowhere 12/);
});

test('50 concurrent IAMATs through the gateway all get their AT answer', async () => {
  const clients = Array.from({ length: 50 }, () => uniqueClient('burst'));
  const answers = await Promise.all(clients.map((client, i) => iamat(['Riley', 'Jaquez', 'Juzang', 'Campbell', 'Bernard'][i % 5]!, { client, location: '+1+1', time: posixNow() })));
  assert.deepEqual(answers.map((a) => a.status), clients.map(() => 200));
  assert.deepEqual(answers.map((a) => a.json.client), clients);
});

test('WHATSAT answers { at, places } cut to max; a flooded report is known to every server', async () => {
  const client = uniqueClient('whatsat');
  assert.equal((await iamat('Riley', { client, location: '+34.068930-118.445127', time: posixNow() })).status, 200);
  // Riley -> Jaquez/Juzang -> Bernard/Campbell: the flood reaches Campbell in two hops.
  assert.ok(await eventually(() => stack.herd.get('Campbell').lookup(client) !== undefined));
  const answer = await call(port(), 'GET', `/herd/Campbell/whatsat?client=${encodeURIComponent(client)}&radius=10&max=3`);
  assert.equal(answer.status, 200, answer.text);
  assert.match(answer.json.at, new RegExp(`^AT Riley \\S+ ${client.replace(/\./g, '\\.')} \\+34\\.068930-118\\.445127 `));
  assert.equal(answer.json.places.status, 'OK');
  assert.equal(answer.json.places.results.length, 3);
});

test('WHATSAT for a client nobody reported is the herd\'s `?`, as 400', async () => {
  const answer = await call(port(), 'GET', '/herd/Riley/whatsat?client=nobody-at-all&radius=5&max=2');
  assert.equal(answer.status, 400);
  assert.match(answer.json.error.message, /\? WHATSAT nobody-at-all 5 2/);
});

test('WHATSAT with a radius or max out of range, or a missing client, is 400 before any TCP', async () => {
  const before = stack.herd.get('Riley').counters().received;
  for (const query of ['client=x&radius=0&max=2', 'client=x&radius=51&max=2', 'client=x&radius=5&max=21', 'client=x&radius=5&max=1.5', 'radius=5&max=2', 'client=x&radius=abc&max=2', 'client=a%20b&radius=5&max=2', 'client=x&client=y&radius=5&max=2']) {
    const answer = await call(port(), 'GET', `/herd/Riley/whatsat?${query}`);
    assert.equal(answer.status, 400, `${query}: ${answer.text}`);
    assert.equal(errorCode(answer), 'PIBL_ERR_BAD_REQUEST');
  }
  assert.deepEqual(stack.herd.get('Riley').counters().received, before);
});

test('GET clients/<client> answers the last known report, 404 when there is none', async () => {
  const client = uniqueClient('report');
  const older = posixNow(-10);
  const newer = posixNow();
  await iamat('Riley', { client, location: '+10+10', time: newer });
  await iamat('Riley', { client, location: '+20+20', time: older });
  const answer = await call(port(), 'GET', `/herd/Riley/clients/${encodeURIComponent(client)}`);
  assert.equal(answer.status, 200, answer.text);
  assert.equal(answer.json.location, '+10+10');
  assert.equal(answer.json.time, newer);
  assert.match(answer.json.line, /^AT Riley /);
  const missing = await call(port(), 'GET', '/herd/Riley/clients/never-seen');
  assert.equal(missing.status, 404);
  assert.equal(errorCode(missing), 'PIBL_ERR_NOT_FOUND');
});

test('GET /herd/-/status lists every server with its neighbours, clients and counters', async () => {
  const answer = await call(port(), 'GET', '/herd/-/status');
  assert.equal(answer.status, 200, answer.text);
  const servers = answer.json.servers as any[];
  assert.deepEqual(servers.map((s) => s.name), ['Riley', 'Jaquez', 'Juzang', 'Campbell', 'Bernard']);
  const riley = servers[0];
  assert.equal(riley.address, `127.0.0.1:${stack.herd.get('Riley').port}`);
  assert.deepEqual([...riley.neighbors].sort(), ['Jaquez', 'Juzang']);
  assert.deepEqual([...servers[4].neighbors].sort(), ['Campbell', 'Jaquez', 'Juzang']);
  for (const s of servers) {
    assert.equal(s.up, true);
    assert.equal(typeof s.clients, 'number');
    assert.equal(typeof s.counters.received.IAMAT, 'number');
  }
});

test('an unknown server is 404 JSON', async () => {
  for (const [method, path] of [
    ['POST', '/herd/Nobody/iamat'],
    ['GET', '/herd/Nobody/whatsat?client=a&radius=1&max=1'],
    ['GET', '/herd/Nobody/clients/a'],
    ['GET', '/herd/Riley/nothing'],
  ] as const) {
    const answer = await call(port(), method, path, method === 'POST' ? json({ client: 'a', location: '+1+1', time: 1 }) : undefined);
    assert.equal(answer.status, 404, `${method} ${path}: ${answer.text}`);
    assert.equal(errorCode(answer), 'PIBL_ERR_NOT_FOUND');
  }
});

test('fields that would smuggle a second command or a fifth field are 400 and never reach the herd', async () => {
  const before = stack.herd.get('Riley').counters().received;
  const bad: unknown[] = [
    { client: 'a\nIAMAT evil +1+1 1', location: '+1+1', time: 1 },
    { client: 'a b', location: '+1+1', time: 1 },
    { client: 'a\rb', location: '+1+1', time: 1 },
    { client: '', location: '+1+1', time: 1 },
    { client: 'x'.repeat(300), location: '+1+1', time: 1 },
    { client: 'a', location: '+1+1 WHATSAT', time: 1 },
    { client: 'a', location: '+91+1', time: 1 },
    { client: 'a', location: '+1+1', time: '1\nWHATSAT a 1 1' },
    { client: 'a', location: '+1+1', time: 'yesterday' },
    { client: 'a', location: '+1+1', time: 'Infinity' },
    { client: 'a', location: '+1+1', time: 1e300 },
    { client: 42, location: '+1+1', time: 1 },
    ['a', '+1+1', 1],
    'IAMAT a +1+1 1',
  ];
  for (const body of bad) {
    const answer = await iamat('Riley', body);
    assert.equal(answer.status, 400, `${JSON.stringify(body)}: ${answer.text}`);
    assert.equal(errorCode(answer), 'PIBL_ERR_BAD_REQUEST');
  }
  for (const text of ['IAMAT a +1+1 1\nIAMAT b +1+1 1', 'WHATSAT a 1 1', 'IAMAT a\u0000 +1+1 1', '']) {
    const answer = await call(port(), 'POST', '/herd/Riley/iamat', { type: 'text/plain', data: text });
    assert.equal(answer.status, 400, `${JSON.stringify(text)}: ${answer.text}`);
  }
  assert.deepEqual(stack.herd.get('Riley').counters().received, before);
});

test('bodies: over the limit 413, another content type 415, bad JSON 400, none 400', async () => {
  const big = await call(port(), 'POST', '/herd/Riley/iamat', json({ client: 'a', location: '+1+1', time: 1, pad: 'x'.repeat(10_000) }));
  assert.equal(big.status, 413, big.text);
  assert.equal(errorCode(big), 'PIBL_ERR_PAYLOAD_TOO_LARGE');
  // Refused on the announced length, before the body is read.
  const announced = await call(port(), 'POST', '/herd/Riley/iamat', { type: 'text/plain', data: 'IAMAT', length: 1_000_000 });
  assert.equal(announced.status, 413, announced.text);
  const xml = await call(port(), 'POST', '/herd/Riley/iamat', { type: 'application/xml', data: '<iamat/>' });
  assert.equal(xml.status, 415, xml.text);
  assert.equal(errorCode(xml), 'PIBL_ERR_UNSUPPORTED_MEDIA_TYPE');
  const broken = await call(port(), 'POST', '/herd/Riley/iamat', { type: 'application/json', data: '{"client":' });
  assert.equal(broken.status, 400, broken.text);
  assert.equal(errorCode(broken), 'PIBL_ERR_BAD_REQUEST');
  const none = await call(port(), 'POST', '/herd/Riley/iamat');
  assert.equal(none.status, 400, none.text);
});

test('wrong methods are 405 JSON with Allow', async () => {
  for (const [method, path, allow] of [
    ['GET', '/herd/Riley/iamat', 'POST'],
    ['PUT', '/herd/Riley/iamat', 'POST'],
    ['POST', '/herd/Riley/whatsat', 'GET, HEAD'],
    ['PUT', '/herd/Riley/clients/a', 'GET, HEAD'],
    ['DELETE', '/herd/Riley/clients/a', 'GET, HEAD'],
    ['POST', '/herd/-/status', 'GET, HEAD'],
  ] as const) {
    // A body of a type the route would refuse: the method is what is wrong.
    const answer = await call(port(), method, path, method === 'GET' ? undefined : { type: 'application/xml', data: 'x'.repeat(10_000) });
    assert.equal(answer.status, 405, `${method} ${path}: ${answer.text}`);
    assert.equal(errorCode(answer), 'PIBL_ERR_METHOD_NOT_ALLOWED');
    assert.equal(answer.headers.allow, allow);
  }
});

test('the herd parsers do not leak to other routes: the admin routes still answer', async () => {
  const status = await call(port(), 'GET', '/-/status');
  assert.equal(status.status, 200);
  const kv = await call(port(), 'GET', '/kv/article/1');
  assert.equal(kv.status, 200);
});
