import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../../src/config/load.js';
import { startGateway } from '../../../src/gateway/start.js';
import { writeConfig } from './helpers.js';

test('a gRPC port in use stops the gateway from starting, with a coded error naming the listener', { timeout: 60_000 }, async (t) => {
  const squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
  const port = (squatter.address() as AddressInfo).port;
  const { dir, files } = writeConfig([{ name: 'tts@p0', port: 1 }]);
  t.after(() => {
    squatter.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const config = loadConfig({ file: files.ini, env: { PROXY_SERVER_CONFIG: files.servers, PROXY_SERVER_PORT: String(port) }, cwd: dir });
  assert.equal(config.grpc.port, port, 'PROXY_SERVER_PORT sets the gRPC port');
  await assert.rejects(startGateway(config, { logSink: { write: () => {} } }), (err: NodeJS.ErrnoException) => {
    assert.equal(err.code, 'PIBL_ERR_PORT_IN_USE');
    assert.equal(err.message, `gRPC listener: port ${port} on 127.0.0.1 is already in use`);
    return true;
  });
});
