import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { neighborsOf, startHerdServer } from '../../src/herd/server.js';
import { ask, freePorts, herdConfig, HOST, posixNow, tempDir } from './helpers.js';

test('an unknown server name is a PIBL_ERR_BAD_CONFIG naming the allowed ones', async () => {
  const dir = tempDir();
  try {
    const herd = herdConfig(await freePorts(5), dir.path);
    await assert.rejects(startHerdServer({ name: 'Nobody', herd }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'PIBL_ERR_BAD_CONFIG');
      assert.match(err.message, /Riley, Jaquez, Juzang, Campbell, Bernard/);
      return true;
    });
  } finally {
    dir.remove();
  }
});

test('a port in use is a PIBL_ERR_PORT_IN_USE', async () => {
  const dir = tempDir();
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, HOST, resolve));
  try {
    const port = (blocker.address() as { port: number }).port;
    const herd = herdConfig(await freePorts(5), dir.path);
    await assert.rejects(startHerdServer({ name: 'Riley', herd, port }), { code: 'PIBL_ERR_PORT_IN_USE' });
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
    dir.remove();
  }
});

test('port 0 picks a free port; close() releases it and the same port can serve again', async () => {
  const dir = tempDir();
  try {
    const herd = herdConfig(await freePorts(5), dir.path);
    const first = await startHerdServer({ name: 'Jaquez', herd, port: 0 });
    assert.ok(first.port > 0);
    assert.equal(first.name, 'herd Jaquez');
    assert.deepEqual([...first.neighbors].sort(), ['Bernard', 'Riley']);
    await first.close();
    const again = await startHerdServer({ name: 'Jaquez', herd, port: first.port });
    try {
      assert.match(await ask(again.port, `IAMAT c +1+1 ${posixNow()}\n`), /^AT Jaquez /);
    } finally {
      await again.close();
    }
  } finally {
    dir.remove();
  }
});

test('links are two-way even when the config lists them one way', async () => {
  const dir = tempDir();
  try {
    const herd = herdConfig(await freePorts(5), dir.path);
    herd.servers = herd.servers.map((s) => (s.name === 'Riley' ? { ...s, neighbors: [] } : s));
    const riley = await startHerdServer({ name: 'Riley', herd, port: 0 });
    try {
      assert.deepEqual([...riley.neighbors].sort(), ['Jaquez', 'Juzang']);
    } finally {
      await riley.close();
    }
  } finally {
    dir.remove();
  }
});

test('a peer with its own [herd.NAME] host is reached there; the others at [herd] host', async () => {
  const dir = tempDir();
  try {
    const herd = herdConfig([11645, 11646, 11647, 11648, 11649], dir.path, { host: '0.0.0.0' });
    herd.servers = herd.servers.map((s) => (s.name === 'Jaquez' ? { ...s, host: 'jaquez.internal' } : s));
    assert.deepEqual(neighborsOf(herd, 'Riley'), [
      { name: 'Jaquez', host: 'jaquez.internal', port: 11646 },
      { name: 'Juzang', host: '127.0.0.1', port: 11647 },
    ]);
  } finally {
    dir.remove();
  }
});
