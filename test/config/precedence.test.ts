import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { defaultIniText } from '../../src/config/default-ini.js';
import { tempDir } from '../helpers/config.js';

test('the original parser.py file ([DEFAULT], bare hosts) loads unchanged', () => {
  const { dir, remove } = tempDir();
  try {
    const file = join(dir, 'parser.ini');
    writeFileSync(file, '[DEFAULT]\nport = 8080\nmax_conn = 5\nbuffer_size = 8192\nttl = 180\nip_server1 = 54.152.81.179\nip_server2 = 52.23.107.62\nip_server3 = 3.232.160.126\n');
    const config = loadConfig({ file, env: {} });
    assert.equal(config.gateway.port, 8080);
    assert.equal(config.gateway.maxConn, 5);
    assert.equal(config.gateway.bufferSize, 8192);
    assert.equal(config.cache.ttl, 180);
    assert.deepEqual(
      config.backends.map((b) => `${b.host}:${b.port}`),
      ['54.152.81.179:8080', '52.23.107.62:8080', '3.232.160.126:8080'],
      'a bare host means port 8080',
    );
  } finally {
    remove();
  }
});

test('flag > environment > file > default', () => {
  const { dir, remove } = tempDir();
  try {
    const file = join(dir, 'parser.ini');
    writeFileSync(file, 'port = 8100\nttl = 5\n[balancer]\nretries = 4\n[cache]\nmax_bytes = 1000\n');
    const env = { PIBL_PORT: '8200', PIBL_BALANCER_RETRIES: '6' };
    const config = loadConfig({ file, env, flags: { port: { value: '8300', flag: '--port' } } });
    assert.equal(config.gateway.port, 8300, 'flag wins');
    assert.equal(config.balancer.retries, 6, 'environment beats the file');
    assert.equal(config.cache.maxBytes, 1000, 'file beats the default');
    assert.equal(config.cache.ttl, 5);
    assert.equal(config.balancer.maxFails, 3, 'default');
  } finally {
    remove();
  }
});

test("the seed's environment: PROXY_SERVER_CONFIG, PROXY_SERVER_PORT, PIBL_ADMIN_TOKEN, GOOGLE_PLACES_API_KEY", () => {
  const { dir, remove } = tempDir();
  try {
    const servers = join(dir, 'servers.json');
    writeFileSync(servers, JSON.stringify({ heartbeatInterval: 3, heartbeatTimeout: 1, servers: [{ priority: 0, name: 'tts@container1', address: 'server_container1', port: 50051, load: 0.5 }] }));
    const config = loadConfig({
      cwd: dir,
      env: { PROXY_SERVER_CONFIG: servers, PROXY_SERVER_PORT: '50052', PIBL_ADMIN_TOKEN: 's3cret', GOOGLE_PLACES_API_KEY: 'k' },
    });
    assert.deepEqual(config.backends, [{ name: 'tts@container1', host: 'server_container1', port: 50051, priority: 0, weight: 0.5 }]);
    assert.equal(config.balancer.heartbeatIntervalMs, 3000);
    assert.equal(config.balancer.heartbeatTimeoutMs, 1000);
    assert.equal(config.grpc.port, 50052);
    assert.equal(config.balancer.healthCheck, 'tcp', 'the JSON list is probed as the original gRPC proxy did, unless health_check is set');
    assert.equal(loadConfig({ cwd: dir, env: { PROXY_SERVER_CONFIG: servers, PIBL_BALANCER_HEALTH_CHECK: 'http' } }).balancer.healthCheck, 'http');
    assert.equal(config.gateway.adminToken, 's3cret');
    assert.equal(config.herd.placesApiKey, 'k');
  } finally {
    remove();
  }
});

test('the file pibl init writes loads back to the built-in defaults', () => {
  const { dir, remove } = tempDir();
  try {
    mkdirSync(join(dir, 'etc'));
    const file = join(dir, 'etc', 'parser.ini');
    writeFileSync(file, defaultIniText());
    const fromFile = loadConfig({ file, env: {}, cwd: dir });
    const builtIn = loadConfig({ env: {}, cwd: dir });
    assert.deepEqual({ ...fromFile, file: null }, builtIn);
    assert.deepEqual(fromFile.herd.servers.map((s) => [s.name, s.port]), [
      ['Riley', 11645],
      ['Jaquez', 11646],
      ['Juzang', 11647],
      ['Campbell', 11648],
      ['Bernard', 11649],
    ]);
  } finally {
    remove();
  }
});

test('herd links named on one side only are made two-way', () => {
  const { dir, remove } = tempDir();
  try {
    const file = join(dir, 'parser.ini');
    writeFileSync(file, '[herd.A]\nport = 1\nneighbors = B\n[herd.B]\nport = 2\n');
    const servers = loadConfig({ file, env: {} }).herd.servers;
    assert.deepEqual(servers.find((s) => s.name === 'B')!.neighbors, ['A']);
  } finally {
    remove();
  }
});

test('the parser.ini shipped in the repository is exactly what pibl init writes', async () => {
  const { readFileSync } = await import('node:fs');
  const shipped = readFileSync(new URL('../../parser.ini', import.meta.url), 'utf8');
  assert.equal(shipped, defaultIniText());
});
