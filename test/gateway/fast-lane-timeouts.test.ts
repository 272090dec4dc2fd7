import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { FastLane, type FastLaneOptions } from '../../src/gateway/front/fast-lane.js';

/**
 * A fast lane on 127.0.0.1 whose keep-alive timeout is 0 ms (node's 1 s
 * margin makes the socket's own timeout 1 s) and whose idle_timeout is 2.5 s;
 * closed when the test ends. Returns its port.
 */
async function laneWithIdleTimeout(t: TestContext, serve: FastLaneOptions['serve']): Promise<number> {
  const server = createServer();
  new FastLane(server, { maxHeadBytes: 8192, keepAliveTimeoutMs: 0, idleTimeoutMs: 2_500, headersTimeoutMs: 5_000, leaveToNode: () => false, serve });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  return (server.address() as AddressInfo).port;
}

/** Sends one GET on a new connection; resolves with what came back and when the connection ended, in ms. */
function exchange(port: number, path: string): Promise<{ text: string; endedAfterMs: number }> {
  return new Promise((resolve) => {
    const started = performance.now();
    let text = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`));
    socket.on('data', (d) => {
      text += d.toString('latin1');
      if (text.includes('\r\n\r\n')) socket.destroy();
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve({ text, endedAfterMs: performance.now() - started }));
  });
}

test('a request in flight may be silent for idle_timeout even when that is longer than the keep-alive timeout, and no longer', async (t) => {
  const port = await laneWithIdleTimeout(t, (req, res) => {
    const delay = Number(req.url.slice(1));
    setTimeout(() => {
      if (!res.destroyed) res.writeHead(200, { 'content-length': '0' }).end();
    }, delay);
  });
  const [slow, tooSlow] = await Promise.all([exchange(port, '/1800'), exchange(port, '/4000')]);
  assert.match(slow.text, /^HTTP\/1\.1 200/, 'answered after 1.8 s: past the keep-alive timeout, within idle_timeout');
  assert.equal(tooSlow.text, '', 'no answer: the connection closed first');
  assert.ok(tooSlow.endedAfterMs >= 2_400 && tooSlow.endedAfterMs < 3_900, `closed at idle_timeout (after ${Math.round(tooSlow.endedAfterMs)} ms)`);
});

test('every silence of a request in flight may last idle_timeout, not only the first (found in review of a change to these timeouts)', async (t) => {
  const port = await laneWithIdleTimeout(t, (_req, res) => {
    // Silent 1.2 s (past the keep-alive timeout), the head and a first chunk, then silent 2 s (< 2.5 s), the end.
    setTimeout(() => {
      if (!res.destroyed) res.writeHead(200, {}).write('a');
    }, 1_200);
    setTimeout(() => {
      if (!res.destroyed) res.end('b');
    }, 3_200);
  });
  const text = await new Promise<string>((resolve) => {
    let text = '';
    const socket = connect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    socket.on('data', (d) => {
      text += d.toString('latin1');
      if (text.endsWith('0\r\n\r\n')) socket.destroy();
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve(text));
  });
  assert.ok(text.endsWith('1\r\nb\r\n0\r\n\r\n'), `the whole answer arrived (got ${JSON.stringify(text.slice(-40))})`);
});

test('a silence after the first still ends the connection once it reaches idle_timeout', async (t) => {
  const port = await laneWithIdleTimeout(t, (_req, res) => {
    // Silent 1.2 s, the head and a chunk, then silent for good: the connection must end 2.5 s after the chunk.
    setTimeout(() => {
      if (!res.destroyed) res.writeHead(200, {}).write('a');
    }, 1_200);
  });
  const started = performance.now();
  const endedAfterMs = await new Promise<number>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    socket.on('data', () => {});
    socket.on('error', () => {});
    socket.on('close', () => resolve(performance.now() - started));
  });
  assert.ok(endedAfterMs >= 3_600 && endedAfterMs < 4_600, `closed 2.5 s after the last byte (after ${Math.round(endedAfterMs)} ms)`);
});
