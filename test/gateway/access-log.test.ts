import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { backendLines, configFromIni, tempDir } from '../helpers/config.js';
import { fetchText, gateway } from '../helpers/gateway.js';
import { httpServer } from '../helpers/servers.js';
import { waitFor } from '../helpers/wait.js';
import { AccessLog } from '../../src/gateway/access-log.js';

test("access lines keep the original proxy's two shapes", async (t) => {
  const backend = await httpServer((_req, res) => {
    res.writeHead(200, { 'cache-control': 'max-age=60' });
    res.end('ok');
  });
  const gw = await gateway(configFromIni(`${backendLines([backend.port])}\n`));
  t.after(async () => {
    await gw.close();
    await backend.close();
  });
  await fetchText(`${gw.url}/page`);
  await fetchText(`${gw.url}/page`);
  await waitFor('two access lines', () => gw.logs.filter((l) => l.startsWith('[*] Request done')).length >= 2);
  const lines = gw.logs.filter((l) => l.startsWith('[*] Request done'));
  assert.match(lines[0]!, new RegExp(`^\\[\\*\\] Request done: 127\\.0\\.0\\.1 => \\d+\\.\\d{3}s <= 127\\.0\\.0\\.1:${backend.port}\\n$`));
  assert.equal(lines[1], '[*] Request done. Cache response to => 127.0.0.1\n');
  assert.ok(gw.logs.some((l) => /^\[\*\] Server started successfully \[\d+\]/.test(l)), 'start-up line');
  assert.ok(gw.logs.some((l) => l.includes(`server1=127.0.0.1:${backend.port}`)), 'start-up lists the backends');
});

test('log_format = json writes pino lines, log_file appends them to a file, quiet drops access lines', async (t) => {
  const backend = await httpServer((_req, res) => res.end('ok'));
  const { dir, remove } = tempDir();
  const file = join(dir, 'logs', 'access.log');
  const gw = await gateway(configFromIni(`${backendLines([backend.port])}\nlog_format = json\nlog_file = ${file}\n[cache]\nenabled = false\n`));
  const quiet = await gateway(configFromIni(`${backendLines([backend.port])}\nquiet = true\n[cache]\nenabled = false\n`));
  t.after(async () => {
    await gw.close();
    await quiet.close();
    await backend.close();
    remove();
  });
  await fetchText(`${gw.url}/json?x=1`);
  await waitFor('a JSON access line', () => gw.logs.some((l) => l.includes('"msg":"request"')));
  const record = JSON.parse(gw.logs.find((l) => l.includes('"msg":"request"'))!);
  assert.equal(record.req.path, '/json?x=1');
  assert.equal(record.status, 200);
  assert.equal(record.upstream, `127.0.0.1:${backend.port}`);
  gw.log.flush();
  await waitFor('the log file line', () => {
    try {
      return readFileSync(file, 'utf8').includes('"msg":"request"');
    } catch {
      return false;
    }
  });
  assert.match(readFileSync(file, 'utf8'), /"msg":"request"/);
  await fetchText(`${quiet.url}/q`);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(quiet.logs.filter((l) => l.includes('Request done')).length, 0);
});

test('flushing right after start, while the log file is still being opened, does not throw; the line reaches the file', async (t) => {
  const { dir, remove } = tempDir();
  t.after(remove);
  const file = join(dir, 'new', 'folder', 'access.log');
  const log = new AccessLog({ format: 'json', file, quiet: false, destination: { write: () => {} } });
  log.request({ clientIp: '127.0.0.1', method: 'GET', path: '/early', status: 200, seconds: 0.001, upstream: undefined, cache: undefined });
  assert.doesNotThrow(() => log.flush());
  await waitFor('the line in the file', () => {
    try {
      return readFileSync(file, 'utf8').includes('/early');
    } catch {
      return false;
    }
  });
});
