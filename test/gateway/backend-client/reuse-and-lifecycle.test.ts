import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { Client, type Dispatcher } from 'undici';
import { clientResponseHeaders } from '../../../src/gateway/headers.js';
import { backendAndClient, clientFor, ok, rawBackend, send } from './harness.js';

// Found in review of the client, each with the case that showed it; each failed before its fix.

test('a connection the backend just closed is not handed to a request read in the same turn of the event loop', async (t) => {
  const sockets: Socket[] = [];
  const backend = await rawBackend((head, socket) => {
    sockets.push(socket);
    socket.write(ok(head.split(' ')[1]!));
  });
  // Stands for the gateway's client side: a request read in the same poll phase as the backend's FIN.
  let trigger!: Socket;
  const triggerServer = createServer((s) => (trigger = s));
  await new Promise<void>((resolve) => triggerServer.listen(0, '127.0.0.1', resolve));
  const triggerClient = connect((triggerServer.address() as AddressInfo).port, '127.0.0.1');
  await new Promise((resolve) => triggerClient.once('connect', resolve));
  const client = clientFor(backend.port);
  t.after(async () => {
    triggerClient.destroy();
    triggerServer.close();
    await client.destroy();
    await backend.close();
  });
  await new Promise((resolve) => setTimeout(resolve, 20));
  await send(client, { path: '/warm' });
  await new Promise((resolve) => setTimeout(resolve, 5));
  const second = new Promise<string>((resolve) =>
    triggerClient.once('data', () => {
      send(client, { path: '/second' }).then((a) => resolve(a.body), (e: { code: string }) => resolve(e.code));
    }),
  );
  // The backend's keep-alive timer fires; once the FIN is out, a client request arrives.
  sockets.at(-1)!.end(() => trigger.write('x'));
  // undici's Pool gives /second a new connection here; the client writes it to the destroyed socket.
  assert.equal(await second, '/second');
});

test("an idle connection past its keep-alive deadline is not reused, whatever the sweep's period", async (t) => {
  const backend = await rawBackend((head, socket) => socket.write(ok(head.split(' ')[1]!, 'keep-alive: timeout=2\r\n')));
  // The gateway's default timeouts (5 s, 60 s, 60 s): a sweep every 1000 ms.
  const client = clientFor(backend.port, { connectTimeoutMs: 5_000, headersTimeoutMs: 60_000, bodyTimeoutMs: 60_000 });
  t.after(async () => {
    await client.destroy();
    await backend.close();
  });
  await send(client, { path: '/one' });
  // timeout=2 minus the 1 s margin: kept for 1000 ms at most.
  await new Promise((resolve) => setTimeout(resolve, 1_900));
  await send(client, { path: '/two' });
  assert.equal(backend.connections, 2, 'the second request went out on a connection idle 1.9 s, nearly at the backend\'s own 2 s close');
});

test('close() resolves even when destroy() follows it', async (t) => {
  const backend = await rawBackend((_head, socket) => setTimeout(() => socket.write(ok('late')), 200));
  t.after(() => backend.close());
  const client = clientFor(backend.port);
  const answer = send(client, { path: '/slow' }).catch(() => null);
  await new Promise((resolve) => setTimeout(resolve, 20));
  let closed = false;
  const closing = client.close().then(() => (closed = true));
  await client.destroy();
  await answer;
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(closed, true, 'close() never settles: destroy() replaced its resolver');
  await closing;
});

test('a malformed rest of a read after the handler aborted is not thrown out of the socket listener', async (t) => {
  const backend = await rawBackend((_head, socket) => socket.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n'));
  const client = clientFor(backend.port);
  const uncaught: Error[] = [];
  const onUncaught = (err: Error) => void uncaught.push(err);
  process.on('uncaughtException', onUncaught);
  t.after(async () => {
    process.off('uncaughtException', onUncaught);
    await client.destroy();
    await backend.close();
  });
  const error = new Promise<Error>((resolve) =>
    client.dispatch(
      { method: 'GET', path: '/', headers: {} },
      {
        onResponseData: (controller) => controller.abort(new Error('client went away')),
        onResponseError: (_c, err) => resolve(err),
      },
    ),
  );
  assert.equal((await error).message, 'client went away');
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.deepEqual(uncaught.map((e) => e.message), []);
});

test('pause() inside onResponseData stops delivery until resume(), as undici does', async (t) => {
  let body = '';
  for (let i = 0; i < 200; i++) body += `a\r\n${'x'.repeat(10)}\r\n`;
  const { backend, client } = await backendAndClient(t, (_head, socket) => socket.write(`HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n${body}0\r\n\r\n`));
  const state = { paused: false };
  let whilePaused = 0;
  let received = 0;
  await new Promise<void>((resolve, reject) =>
    client.dispatch(
      { method: 'GET', path: '/', headers: {} },
      {
        onResponseData: (controller, chunk) => {
          received += chunk.length;
          if (state.paused) whilePaused++;
          else pauseBriefly(controller, state);
        },
        onResponseEnd: () => resolve(),
        onResponseError: (_c, err) => reject(err),
      },
    ),
  );
  assert.equal(received, 2_000);
  // forward.ts's ResponseWriter adds a 'drain' listener for each of these (MaxListenersExceededWarning past 10).
  assert.equal(whilePaused, 0, `${whilePaused} chunks delivered while paused`);
});

test('interim answers (102 Processing) restart the headers timeout, as undici does', async (t) => {
  const backend = await rawBackend((_head, socket) => {
    const interim = setInterval(() => socket.write('HTTP/1.1 102 Processing\r\n\r\n'), 100);
    setTimeout(() => {
      clearInterval(interim);
      socket.write(ok('done'));
    }, 400);
  });
  const client = clientFor(backend.port, { headersTimeoutMs: 250, bodyTimeoutMs: 250 });
  const undici = new Client(`http://127.0.0.1:${backend.port}`, { headersTimeout: 250, bodyTimeout: 250 });
  t.after(async () => {
    await client.destroy();
    await undici.destroy();
    await backend.close();
  });
  const theirs = await undici.request({ method: 'GET', path: '/' });
  assert.equal(await theirs.body.text(), 'done');
  assert.equal((await send(client)).body, 'done');
});

test('pause() at the head holds the body that came in the same read until resume(); a repeated __proto__ field stays a field', async (t) => {
  const { client } = await backendAndClient(t, (_head, socket) => socket.write(ok('abc', '__proto__: a\r\n__proto__: b\r\n')));
  const state = { paused: false };
  let whilePaused = 0;
  let body = '';
  let fields: Record<string, unknown> = {};
  await new Promise<void>((resolve, reject) =>
    client.dispatch(
      { method: 'GET', path: '/', headers: {} },
      {
        onResponseStart: (controller, _status, headers) => {
          fields = headers;
          pauseBriefly(controller, state);
        },
        onResponseData: (_c, chunk) => {
          if (state.paused) whilePaused++;
          body += chunk.toString('latin1');
        },
        onResponseEnd: () => resolve(),
        onResponseError: (_c, err) => reject(err),
      },
    ),
  );
  assert.deepEqual([body, whilePaused], ['abc', 0]);
  assert.deepEqual(Object.getOwnPropertyDescriptor(fields, '__proto__')?.value, ['a', 'b']);
  assert.equal(Object.getPrototypeOf(fields), Object.prototype);
  // What goes on to the client: the field is not relayed, and the map's prototype is untouched.
  const relayed = clientResponseHeaders(fields as Record<string, string | string[]>);
  assert.equal(Object.getPrototypeOf(relayed), Object.prototype);
  assert.equal(Object.hasOwn(relayed, '__proto__'), false);
});

/** Pauses the exchange for 50 ms; `state.paused` tells whether it is paused now. */
function pauseBriefly(controller: Dispatcher.DispatchController, state: { paused: boolean }): void {
  state.paused = true;
  controller.pause();
  setTimeout(() => {
    state.paused = false;
    controller.resume();
  }, 50);
}
