import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { WebSocket, WebSocketServer } from 'ws';
import { backendLines, configFromIni } from '../helpers/config.js';
import { gateway } from '../helpers/gateway.js';
import { httpServer } from '../helpers/servers.js';

test('a WebSocket upgrade passes through the gateway to a backend and echoes both ways', async (t) => {
  const backend = await httpServer((_req, res) => res.end('http'));
  const wss = new WebSocketServer({ server: backend.server });
  let forwardedFor: string | undefined;
  wss.on('connection', (socket, req) => {
    forwardedFor = req.headers['x-forwarded-for'] as string | undefined;
    socket.on('message', (data, isBinary) => socket.send(isBinary ? data : `echo: ${data.toString()}`, { binary: isBinary }));
  });
  const gw = await gateway(configFromIni(`${backendLines([backend.port])}\n`));
  t.after(async () => {
    wss.close();
    await gw.close();
    await backend.kill();
  });
  const client = new WebSocket(`ws://127.0.0.1:${gw.port}/socket`);
  await once(client, 'open');
  client.send('hello');
  const [text] = await once(client, 'message');
  assert.equal(text.toString(), 'echo: hello');
  const blob = Buffer.alloc(200_000, 7);
  client.send(blob);
  const [binary] = await once(client, 'message');
  assert.ok(Buffer.compare(binary as Buffer, blob) === 0, 'a 200 kB binary frame intact');
  assert.equal(forwardedFor, '127.0.0.1');
  client.close();
  await once(client, 'close');
});
