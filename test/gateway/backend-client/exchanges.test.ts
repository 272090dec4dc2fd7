import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backendAndClient, clientFor, ok, rawBackend, send, writeByteByByte } from './harness.js';

test('keep-alive: sequential requests share one connection, and the request head is as undici writes it', async (t) => {
  const { backend, client } = await backendAndClient(t, (_head, socket) => socket.write(ok('hello')));
  for (let i = 0; i < 3; i++) {
    const answer = await send(client, { path: `/n${i}`, headers: { host: 'site.test', 'x-a': ['1', '2'] } });
    assert.equal(answer.body, 'hello');
    assert.deepEqual(answer.statuses, [200]);
  }
  assert.equal(backend.connections, 1);
  assert.equal(backend.heads[0], 'GET /n0 HTTP/1.1\r\nhost: site.test\r\nconnection: keep-alive\r\nx-a: 1\r\nx-a: 2\r\n\r\n');
});

test('without a Host the backend address is sent; a bodiless POST says content-length: 0', async (t) => {
  const { backend, client } = await backendAndClient(t, (_head, socket) => socket.write(ok('')));
  await send(client, { method: 'POST', path: '/p', headers: {} });
  assert.equal(backend.heads[0], `POST /p HTTP/1.1\r\nhost: 127.0.0.1:${backend.port}\r\nconnection: keep-alive\r\ncontent-length: 0\r\n\r\n`);
});

test('a request that cannot be written as it is fails with UND_ERR_INVALID_ARG and sends nothing', async (t) => {
  const { backend, client } = await backendAndClient(t, (_head, socket) => socket.write(ok('')));
  const bad = [
    { headers: { host: 'x', 'x-evil': 'a\r\nx-injected: 1' } },
    { headers: { host: 'x', 'bad name': 'v' } },
    { path: '/a b' },
    { headers: { host: ['a', 'b'] } },
  ];
  for (const request of bad) {
    await assert.rejects(send(client, request), { code: 'UND_ERR_INVALID_ARG' }, JSON.stringify(request));
  }
  assert.equal(backend.heads.length, 0);
});

test('every framing, delivered one byte at a time: length, chunked with extensions and trailers, none, close-delimited', async (t) => {
  const answers: Record<string, string> = {
    '/length': ok('0123456789'),
    '/chunked': 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n4;name=value\r\nWiki\r\n5;x\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nx-trailer: t\r\n\r\n',
    '/none': 'HTTP/1.1 204 No Content\r\nx-a: b\r\n\r\n',
    '/close': 'HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nuntil the end',
  };
  const { backend, client } = await backendAndClient(t, (head, socket) => {
    const path = head.split(' ')[1]!;
    void writeByteByByte(socket, answers[path]!).then(() => {
      if (path === '/close') socket.end();
    });
  });
  assert.equal((await send(client, { path: '/length' })).body, '0123456789');
  assert.equal((await send(client, { path: '/chunked' })).body, 'Wikipedia in\r\n\r\nchunks.');
  const none = await send(client, { path: '/none' });
  assert.deepEqual([none.statuses, none.body, none.headers['x-a']], [[204], '', 'b']);
  assert.equal((await send(client, { path: '/close' })).body, 'until the end');
});

test('HEAD: a Content-Length with no body after it, and the connection is used again', async (t) => {
  const { backend, client } = await backendAndClient(t, (_head, socket) => socket.write('HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n'));
  const first = await send(client, { method: 'HEAD' });
  assert.deepEqual([first.headers['content-length'], first.body], ['1000', '']);
  await send(client, { method: 'HEAD' });
  assert.equal(backend.connections, 1);
});

test('interim answers reach the handler before the final one; repeated fields are arrays; a field named constructor is a field', async (t) => {
  const { backend, client } = await backendAndClient(t, (_head, socket) =>
    socket.write('HTTP/1.1 103 Early Hints\r\nlink: </a.css>\r\n\r\n' + ok('x', 'set-cookie: a=1\r\nset-cookie: b=2\r\nconstructor: c\r\n')),
  );
  const answer = await send(client);
  assert.deepEqual(answer.statuses, [103, 200]);
  assert.deepEqual(answer.headers['set-cookie'], ['a=1', 'b=2']);
  assert.equal(answer.headers.constructor, 'c');
});

test('bytes after an answer: the connection is dropped, and the next request gets its own answer on a new one', async (t) => {
  // A backend that answers twice to one request: the second answer must never pass for the next request's.
  const { backend, client } = await backendAndClient(t, (head, socket, index) => {
    socket.write(index === 0 ? ok('first') + ok('smuggled') : ok(head.split(' ')[1]!));
  });
  assert.equal((await send(client, { path: '/one' })).body, 'first');
  assert.equal((await send(client, { path: '/two' })).body, '/two');
  assert.equal(backend.connections, 2);
});

test('bytes on an idle connection: it is dropped before any request can take it', async (t) => {
  const { backend, client } = await backendAndClient(t, (head, socket, index) => {
    socket.write(ok(head.split(' ')[1]!));
    if (index === 0) setTimeout(() => socket.write(ok('unasked')), 20);
  });
  assert.equal((await send(client, { path: '/one' })).body, '/one');
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal((await send(client, { path: '/two' })).body, '/two');
  assert.equal(backend.connections, 2);
});

test("a backend's Keep-Alive hint is kept: timeout=1 means the connection is not used again", async (t) => {
  const { backend, client } = await backendAndClient(t, (_head, socket) => socket.write(ok('x', 'keep-alive: timeout=1\r\n')));
  await send(client);
  await send(client);
  assert.equal(backend.connections, 2);
});

test('HTTP/1.0 answers and Connection: close are not kept; a backend that closes an idle connection is not asked again on it', async (t) => {
  const { backend, client } = await backendAndClient(t, (head, socket) => {
    const path = head.split(' ')[1]!;
    if (path === '/old') socket.write('HTTP/1.0 200 OK\r\ncontent-length: 3\r\n\r\nold');
    else if (path === '/close') socket.write(ok('bye', 'connection: close\r\n'));
    else {
      socket.write(ok('then idle close'));
      setTimeout(() => socket.end(), 20);
    }
  });
  assert.equal((await send(client, { path: '/old' })).body, 'old');
  assert.equal((await send(client, { path: '/close' })).body, 'bye');
  assert.equal((await send(client, { path: '/idle' })).body, 'then idle close');
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal((await send(client, { path: '/idle' })).body, 'then idle close');
  assert.equal(backend.connections, 4);
});

test('at the connection limit requests wait their turn, in order, and all are answered', async (t) => {
  const { backend, client } = await backendAndClient(t, (head, socket) => setTimeout(() => socket.write(ok(head.split(' ')[1]!)), 5), { connections: 2 });
  const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => send(client, { path: `/${i}` })));
  assert.deepEqual(
    answers.map((a) => a.body),
    Array.from({ length: 10 }, (_, i) => `/${i}`),
  );
  assert.equal(backend.connections, 2);
});

test('a backend that closes mid-body fails the exchange with UND_ERR_SOCKET', async (t) => {
  const { backend, client } = await backendAndClient(t, (_head, socket) => {
    socket.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly part');
    setTimeout(() => socket.destroy(), 20);
  });
  await assert.rejects(send(client), { code: 'UND_ERR_SOCKET' });
});

test('a refused connection fails with ECONNREFUSED (nothing sent: any method may go elsewhere)', async (t) => {
  const backend = await rawBackend(() => {});
  const port = backend.port;
  await backend.close();
  const client = clientFor(port);
  t.after(() => client.destroy());
  await assert.rejects(send(client), { code: 'ECONNREFUSED' });
});

test('timeouts: no head in time is UND_ERR_HEADERS_TIMEOUT; a body that stalls is UND_ERR_BODY_TIMEOUT', async (t) => {
  const { backend, client } = await backendAndClient(t, (head, socket) => {
    if (head.startsWith('GET /stall')) socket.write('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc');
  }, { headersTimeoutMs: 150, bodyTimeoutMs: 150 });
  const started = performance.now();
  await assert.rejects(send(client, { path: '/silent' }), { code: 'UND_ERR_HEADERS_TIMEOUT' });
  assert.ok(performance.now() - started >= 140, 'not before the timeout');
  await assert.rejects(send(client, { path: '/stall' }), { code: 'UND_ERR_BODY_TIMEOUT' });
});

test('paused by a slow client, a body does not time out; resumed, it arrives whole', async (t) => {
  const { backend, client } = await backendAndClient(t, (_head, socket) => {
    socket.write('HTTP/1.1 200 OK\r\ncontent-length: 6\r\n\r\nabc');
    setTimeout(() => socket.write('def'), 400);
  }, { headersTimeoutMs: 100, bodyTimeoutMs: 100 });
  let controller: import('undici').Dispatcher.DispatchController | undefined;
  const answer = send(client, {}, (c) => (controller = c));
  await new Promise((resolve) => setTimeout(resolve, 30));
  controller!.pause();
  await new Promise((resolve) => setTimeout(resolve, 500));
  controller!.resume();
  assert.equal((await answer).body, 'abcdef');
});

test('abort mid-body: the handler hears the reason once, the connection is not used again', async (t) => {
  const { backend, client } = await backendAndClient(t, (head, socket) => {
    if (head.startsWith('GET /long')) socket.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npart');
    else socket.write(ok('next'));
  });
  let controller: import('undici').Dispatcher.DispatchController | undefined;
  const answer = send(client, { path: '/long' }, (c) => (controller = c));
  await new Promise((resolve) => setTimeout(resolve, 50));
  controller!.abort(Object.assign(new Error('gone'), { code: 'PIBL_CLIENT_GONE' }));
  await assert.rejects(answer, { code: 'PIBL_CLIENT_GONE' });
  assert.equal((await send(client, { path: '/after' })).body, 'next');
  assert.equal(backend.connections, 2);
});

test('close() lets the exchange under way finish, then closes; destroy() fails what is under way', async (t) => {
  const backend = await rawBackend((head, socket) => {
    if (head.startsWith('GET /slow')) setTimeout(() => socket.write(ok('late')), 100);
  });
  t.after(() => backend.close());
  const client = clientFor(backend.port);
  const answer = send(client, { path: '/slow' });
  await new Promise((resolve) => setTimeout(resolve, 20));
  await client.close();
  assert.equal((await answer).body, 'late');
  await assert.rejects(send(client), { code: 'UND_ERR_CLOSED' });

  const other = clientFor(backend.port);
  const cut = send(other, { path: '/never' }).catch((err: { code?: string }) => err.code);
  await new Promise((resolve) => setTimeout(resolve, 20));
  await other.destroy();
  assert.equal(await cut, 'UND_ERR_DESTROYED');
});
