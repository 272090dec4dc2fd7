import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { LineClient, LineClientError } from '../../src/common/line-client.js';
import type { Service } from '../../src/common/service.js';
import { startOrigin } from '../../src/kv/origin.js';
import { HOST, makeDataDir, waitFor } from './helpers.js';

const scratch = makeDataDir();
let origin: Service;
const rawServers: { server: Server; sockets: Set<Socket> }[] = [];
before(async () => {
  origin = await startOrigin({ host: HOST, port: 0, dataDir: scratch.data });
});
after(async () => {
  for (const { server, sockets } of rawServers) {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  }
  await origin.close();
  scratch.cleanup();
});

/** A TCP server with a hand-written behaviour, for peers unlike ours (the original Python servers). */
async function rawServer(onLine: (socket: Socket, line: string) => void): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString();
      let nl;
      while ((nl = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        onLine(socket, line);
      }
    });
  });
  rawServers.push({ server, sockets });
  await new Promise<void>((r) => server.listen(0, HOST, r));
  return (server.address() as { port: number }).port;
}

const rejection = async (p: Promise<unknown>): Promise<LineClientError> => {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof LineClientError);
    return err;
  }
  assert.fail('expected a rejection');
};

test('sequential requests reuse one socket', async () => {
  const client = new LineClient({ host: HOST, port: origin.port });
  try {
    for (let i = 0; i < 20; i++) assert.match(await client.request('GET article/1'), /"status":"OK"/);
    assert.equal(client.sockets, 1);
  } finally {
    client.close();
  }
});

test('keepAlive false opens and closes one socket per request', async () => {
  const client = new LineClient({ host: HOST, port: origin.port, keepAlive: false });
  try {
    assert.match(await client.request('GET article/2\n'), /Stan Lee/);
    assert.equal(client.sockets, 0);
  } finally {
    client.close();
  }
});

test('concurrent requests are capped at maxSockets and all answered', async () => {
  const client = new LineClient({ host: HOST, port: origin.port, maxSockets: 2 });
  try {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => client.request(`GET article/${1 + (i % 4)}`)));
    assert.equal(answers.length, 20);
    for (const [i, a] of answers.entries()) assert.match(a, new RegExp(`Article${1 + (i % 4)}`));
    assert.ok(client.sockets <= 2);
  } finally {
    client.close();
  }
});

test('a server that closes after each answer (the original servers) is handled, final newline or not', async () => {
  let n = 0;
  const port = await rawServer((socket, line) => {
    n++;
    socket.end(n % 2 ? `{"status":"OK","data":"${line}"}\n` : `{"status":"OK","data":"${line}"}`);
  });
  const client = new LineClient({ host: HOST, port });
  try {
    for (let i = 0; i < 10; i++) assert.equal(await client.request(`GET a/${i}`), `{"status":"OK","data":"GET a/${i}"}`);
  } finally {
    client.close();
  }
});

test('no answer in time: timeout, and the socket is not reused', async () => {
  const port = await rawServer(() => {});
  const client = new LineClient({ host: HOST, port, timeoutMs: 200 });
  try {
    const err = await rejection(client.request('GET a/1'));
    assert.equal(err.reason, 'timeout');
    assert.equal(err.code, 'PIBL_ERR_UPSTREAM');
    assert.equal(client.sockets, 0);
  } finally {
    client.close();
  }
});

test('nothing listening: connect', async () => {
  const port = await rawServer(() => {});
  const { server } = rawServers.at(-1)!;
  await new Promise<void>((r) => server.close(() => r()));
  const client = new LineClient({ host: HOST, port });
  try {
    assert.equal((await rejection(client.request('GET a/1'))).reason, 'connect');
  } finally {
    client.close();
  }
});

test('a server closing without answering: closed', async () => {
  const port = await rawServer((socket) => socket.destroy());
  const client = new LineClient({ host: HOST, port });
  try {
    assert.equal((await rejection(client.request('GET a/1'))).reason, 'closed');
  } finally {
    client.close();
  }
});

test('an answer over maxAnswerBytes: too_long', async () => {
  const port = await rawServer((socket) => socket.write('x'.repeat(100_000)));
  const client = new LineClient({ host: HOST, port, maxAnswerBytes: 1_000 });
  try {
    assert.equal((await rejection(client.request('GET a/1'))).reason, 'too_long');
  } finally {
    client.close();
  }
});

test('unasked data on an idle socket is never read as the next answer', async () => {
  const port = await rawServer((socket, line) => {
    socket.write(`{"status":"OK","data":"${line}"}\n`);
    setTimeout(() => socket.writable && socket.write('{"status":"BAD_REQUEST","data":null}\n'), 20);
  });
  const client = new LineClient({ host: HOST, port });
  try {
    assert.match(await client.request('GET a/1'), /a\/1/);
    // The socket that got unasked data is dropped, so the next request opens a fresh one.
    await waitFor(() => client.sockets === 0);
    assert.match(await client.request('GET a/2'), /a\/2/);
  } finally {
    client.close();
  }
});

test('close() fails requests in flight and refuses new ones', async () => {
  const port = await rawServer(() => {});
  const client = new LineClient({ host: HOST, port });
  const pending = client.request('GET a/1');
  await new Promise((r) => setTimeout(r, 50));
  client.close();
  assert.equal((await rejection(pending)).reason, 'client_closed');
  assert.equal((await rejection(client.request('GET a/1'))).reason, 'client_closed');
});

test('close() while a request is still connecting fails it at once', async () => {
  const client = new LineClient({ host: HOST, port: origin.port, timeoutMs: 10_000 });
  const pending = client.request('GET article/1');
  client.close();
  assert.equal((await rejection(pending)).reason, 'client_closed');
});
