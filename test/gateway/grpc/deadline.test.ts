import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, constants, createServer, type Http2Server, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { addUser, grpc, grpcGateway, speechBackend, throughGateway, waitFor } from './helpers.js';

test("the client's deadline reaches the backend; past it the call ends DEADLINE_EXCEEDED and the backend sees it cancelled", { timeout: 60_000 }, async (t) => {
  const p0 = await speechBackend('tts@slow');
  const { gw, client } = await throughGateway(t, [p0]);

  const { error } = await addUser(client, { name: 'slow', delay_ms: 60_000 }, { deadlineMs: 200 });
  assert.equal(error?.code, grpc.status.DEADLINE_EXCEEDED);
  await waitFor('the backend to see the cancel', () => p0.cancelled === 1);
  const seen = p0.deadlines[0]!;
  assert.ok(seen instanceof Date || Number.isFinite(seen), `the backend got a deadline (grpc-timeout), not ${String(seen)}`);
  await waitFor('the call to be counted', async () =>
    /pibl_grpc_calls_total\{method="\/speech.Speech\/AddUser",code="DEADLINE_EXCEEDED"\} 1/.test(await gw.service.registry.metrics()),
  );

  const fast = await addUser(client, { name: 'quick' }, { deadlineMs: 10_000 });
  assert.equal(fast.value?.server, 'tts@slow', 'a call within its deadline is answered');
});

/** A gRPC server that takes calls and never answers, as a hung backend does; it notes how each stream ended. */
async function hungBackend(): Promise<{ server: Http2Server; port: number; resets: number[]; timeouts: string[] }> {
  const resets: number[] = [];
  const timeouts: string[] = [];
  const server = createServer();
  server.on('stream', (stream: ServerHttp2Stream, headers) => {
    timeouts.push(String(headers['grpc-timeout']));
    stream.resume();
    stream.on('error', () => {});
    stream.on('close', () => resets.push(stream.rstCode ?? -1));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, resets, timeouts };
}

test('the gateway enforces grpc-timeout itself when neither the client nor the backend does', { timeout: 60_000 }, async (t) => {
  const hung = await hungBackend();
  const gw = await grpcGateway([{ name: 'tts@hung', port: hung.port }]);
  const session = connect(`http://127.0.0.1:${gw.port}`);
  t.after(async () => {
    session.destroy();
    await gw.close();
    hung.server.close();
  });
  // AddUser{name: "x"} in one length-prefixed gRPC message.
  const message = Buffer.from([0x0a, 0x01, 0x78]);
  const frame = Buffer.concat([Buffer.from([0, 0, 0, 0, message.length]), message]);
  const req = session.request({ ':method': 'POST', ':path': '/speech.Speech/AddUser', 'content-type': 'application/grpc', te: 'trailers', 'grpc-timeout': '200m' });
  req.end(frame);
  const headers = await new Promise<Record<string, unknown>>((resolve) => req.on('response', resolve));
  req.resume();
  assert.equal(headers[':status'], 200);
  assert.equal(headers['grpc-status'], String(grpc.status.DEADLINE_EXCEEDED));
  assert.equal(headers['grpc-message'], 'deadline exceeded at the gateway');
  await waitFor('the backend stream to be reset', () => hung.resets.length === 1);
  assert.equal(hung.resets[0], constants.NGHTTP2_CANCEL, 'the backend is told with RST_STREAM(CANCEL)');
  assert.match(hung.timeouts[0]!, /^\d+m$/, 'what is left of the deadline is sent on');
  assert.ok(Number.parseInt(hung.timeouts[0]!, 10) <= 200);
});
