import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backend } from '../../../src/gateway/backend-pool.js';
import { BackendSessions } from '../../../src/gateway/grpc/backend-sessions.js';
import { speechBackend } from './helpers.js';

const timeouts = { connectTimeoutMs: 1000, firstByteTimeoutMs: 1000, idleTimeoutMs: 1000 };

test('a backend session is shared by calls, and replaced before it runs out of stream ids', { timeout: 20_000 }, async (t) => {
  const server = await speechBackend('tts@p0');
  const backend = new Backend({ name: 'tts@p0', host: '127.0.0.1', port: server.port, priority: 0, weight: 1 }, timeouts);
  const sessions = new BackendSessions({ connectTimeoutMs: 1000, maxStreamsPerSession: 3 });
  t.after(async () => {
    sessions.destroy();
    await backend.pool.destroy();
    server.kill();
  });

  const first = await sessions.get(backend);
  assert.equal(await sessions.get(backend), first, 'one connection for many calls');
  const third = await sessions.get(backend);
  assert.equal(third, first);
  // The third stream on it is its last: it can still be opened, then the session goes.
  const stream = third.request({ ':method': 'POST', ':path': '/speech.Speech/AddUser', 'content-type': 'application/grpc', te: 'trailers' });
  stream.on('error', () => {});
  stream.resume();
  stream.end(Buffer.from([0, 0, 0, 0, 0]));
  await new Promise((resolve) => stream.on('close', resolve));
  const fourth = await sessions.get(backend);
  assert.notEqual(fourth, first, 'a fresh connection after the limit');
  await new Promise((resolve) => (first.closed ? resolve(null) : first.once('close', resolve)));
});

test('a session that cannot connect rejects with the cause, and the next get dials again', { timeout: 20_000 }, async (t) => {
  const server = await speechBackend('gone');
  server.kill();
  const backend = new Backend({ name: 'gone', host: '127.0.0.1', port: server.port, priority: 0, weight: 1 }, timeouts);
  const sessions = new BackendSessions({ connectTimeoutMs: 1000 });
  t.after(async () => {
    sessions.destroy();
    await backend.pool.destroy();
  });
  await assert.rejects(sessions.get(backend), { reason: 'ECONNREFUSED' });
  await assert.rejects(sessions.get(backend), { reason: 'ECONNREFUSED' });
});
