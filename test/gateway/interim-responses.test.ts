import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { backend, cacheGateway } from './cache/harness.js';
import { startGateway } from '../../src/gateway/start.js';
import { backendLines, configFromIni } from '../helpers/config.js';
import { logLines } from '../helpers/gateway.js';
import { MAX_INTERIM_ANSWERS } from '../../src/gateway/interim.js';

const HINTS = { link: '</styles.css>; rel=preload; as=style', 'x-my-header': 'test' };

/** A backend that sends 103 Early Hints (and a 102 first), then a cacheable 200. */
const earlyHints = () => (req: unknown, res: import('node:http').ServerResponse, n: number) => {
  res.writeProcessing();
  res.writeEarlyHints(HINTS);
  res.writeHead(200, { 'cache-control': 'max-age=600', 'content-type': 'text/plain' });
  res.end(`page ${n}`);
};

interface Seen {
  interim: { status: number; headers: IncomingHttpHeaders }[];
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** GET with node's client, which reports each 1xx as an 'information' event. */
async function get(port: number, path: string): Promise<Seen> {
  const interim: Seen['interim'] = [];
  const req = request({ host: '127.0.0.1', port, path, agent: false });
  req.on('information', (info) => interim.push({ status: info.statusCode, headers: info.headers }));
  req.end();
  const [res] = (await once(req, 'response')) as [import('node:http').IncomingMessage];
  let body = '';
  for await (const chunk of res) body += chunk;
  return { interim, status: res.statusCode!, headers: res.headers, body };
}

test('interim answers (102, 103 Early Hints with its fields) reach the client before the final answer; the cached answer comes without them', async (t) => {
  const origin = await backend(t, earlyHints());
  const gw = await cacheGateway(t, [origin]);
  const port = gw.service.port;
  const first = await get(port, '/page');
  assert.deepEqual(first.interim.map((i) => i.status), [102, 103]);
  assert.equal(first.interim[1]!.headers.link, HINTS.link);
  assert.equal(first.interim[1]!.headers['x-my-header'], 'test');
  assert.equal(first.status, 200);
  assert.equal(first.body, 'page 1');
  assert.equal(first.headers['x-cache'], 'MISS');

  const second = await get(port, '/page');
  assert.deepEqual(second.interim, [], 'an interim answer is never stored');
  assert.equal(second.headers['x-cache'], 'HIT');
  assert.equal(second.body, 'page 1');
  assert.equal(origin.count('/page'), 1);
});

test('with the cache off the uncached path relays interim answers too', async (t) => {
  const origin = await backend(t, earlyHints());
  const service = await startGateway(configFromIni(`${backendLines([origin.port])}\n[balancer]\nheartbeat_interval = 3600\n`), { logSink: logLines() });
  t.after(() => service.close());
  const seen = await get(service.port, '/page');
  assert.deepEqual(seen.interim.map((i) => i.status), [102, 103]);
  assert.equal(seen.interim[1]!.headers.link, HINTS.link);
  assert.equal(seen.body, 'page 1');
});

test('an HTTP/1.0 client gets no interim answer, only the final one (RFC 9110 §15.2)', async (t) => {
  const origin = await backend(t, earlyHints());
  const gw = await cacheGateway(t, [origin]);
  const socket = connect(gw.service.port, '127.0.0.1');
  t.after(() => socket.destroy());
  socket.write('GET /old-client HTTP/1.0\r\nHost: example.test\r\n\r\n');
  let raw = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (raw += chunk));
  await once(socket, 'end');
  assert.match(raw, /^HTTP\/1\.1 200 OK\r\n/, raw);
  assert.doesNotMatch(raw, /HTTP\/1\.1 10[23]/);
  assert.match(raw, /page 1$/);
});

test(`a backend that keeps sending interim answers gets at most ${MAX_INTERIM_ANSWERS} relayed; the final answer still arrives`, async (t) => {
  const origin = await backend(t, (_req, res) => {
    for (let i = 0; i < 50; i++) res.writeEarlyHints({ link: `</s${i}.css>; rel=preload; as=style` });
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('final');
  });
  const gw = await cacheGateway(t, [origin]);
  const seen = await get(gw.service.port, '/many');
  assert.equal(seen.interim.length, MAX_INTERIM_ANSWERS);
  assert.equal(seen.interim[0]!.headers.link, '</s0.css>; rel=preload; as=style');
  assert.equal(seen.status, 200);
  assert.equal(seen.body, 'final');
});
