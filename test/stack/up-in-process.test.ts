import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPiblError } from '../../src/common/errors.js';
import { loadConfig } from '../../src/config/load.js';
import { loadGazetteer } from '../../src/herd/places/index.js';
import { startStack } from '../../src/stack/up.js';
import { tempDir } from '../helpers/config.js';
import { call } from '../adapters/harness.js';
import { allPorts, listening, stackIni, stackPorts } from './helpers.js';

async function configOn(ports: Awaited<ReturnType<typeof stackPorts>>) {
  const dir = tempDir('pibl-stack-');
  const file = join(dir.dir, 'parser.ini');
  writeFileSync(file, `${stackIni(ports, join(dir.dir, 'logs'))}[cache]\nenabled = false\n`);
  return { config: loadConfig({ file, env: {}, cwd: dir.dir }), remove: dir.remove };
}

test('startStack starts every part in dependency order, wired, and stops them all', async (t) => {
  const ports = await stackPorts();
  const { config, remove } = await configOn(ports);
  t.after(remove);
  const services = await startStack(config);
  t.after(() => Promise.allSettled(services.map((s) => s.close())));
  // The herd's gazetteer loads in the background; let it finish before timing-sensitive kv traffic.
  await loadGazetteer();
  assert.deepEqual(
    services.map((s) => s.name),
    ['backend1', 'backend2', 'backend3', 'kv origin', 'kv node1', 'kv node2', 'kv node3', 'kv balancer', 'herd Riley', 'herd Jaquez', 'herd Juzang', 'herd Campbell', 'herd Bernard', 'gateway'],
  );
  assert.deepEqual(services.map((s) => s.port), [...ports.backends, ports.origin, ...ports.nodes, ports.balancer, ...ports.herd, ports.gateway]);

  const kv = await call(ports.gateway, 'GET', '/kv/article/2');
  assert.equal(kv.status, 200, kv.text);
  assert.equal(kv.json.status, 'OK');
  const status = await call(ports.gateway, 'GET', '/herd/-/status');
  // In process: the gateway reads every server's counters.
  assert.ok(status.json.servers.every((s: { up: boolean; counters: unknown }) => s.up && s.counters), status.text);

  await Promise.all(services.map((s) => s.close()));
  for (const port of allPorts(ports)) assert.equal(await listening(port), false, `port ${port} still listening`);
});

test('a port in use: the parts already started are stopped and the error names the port', async (t) => {
  const ports = await stackPorts();
  const { config, remove } = await configOn(ports);
  t.after(remove);
  const squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(ports.balancer, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => squatter.close(() => resolve())));

  await assert.rejects(startStack(config), (err: unknown) => {
    assert.ok(isPiblError(err));
    assert.equal(err.code, 'PIBL_ERR_PORT_IN_USE');
    assert.match(err.message, new RegExp(`kv balancer: port ${ports.balancer} on 127\\.0\\.0\\.1 is already in use`));
    return true;
  });
  for (const port of [...ports.backends, ports.origin, ...ports.nodes, ...ports.herd, ports.gateway]) {
    assert.equal(await listening(port), false, `port ${port} still listening`);
  }
});
