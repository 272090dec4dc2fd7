import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { backendLines, configFromIni, tempDir } from '../helpers/config.js';
import { fetchText, gateway } from '../helpers/gateway.js';
import { httpServer } from '../helpers/servers.js';
import { waitFor } from '../helpers/wait.js';
import { AccessLog } from '../../src/gateway/access-log.js';
import { runNode } from '../helpers/cli.js';

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

test('lines still batched when the process exits at once (a second Ctrl-C, the drain timeout, a crash) reach stdout and the file', async (t) => {
  const { dir, remove } = tempDir();
  t.after(remove);
  const file = join(dir, 'access.log');
  const moduleUrl = new URL('../../src/gateway/access-log.ts', import.meta.url).href;
  // Once the file is open, a line is logged and the process exits in the same tick: it is still in the batch.
  const script = `
    const { AccessLog } = await import(${JSON.stringify(moduleUrl)});
    const { existsSync } = await import('node:fs');
    const log = new AccessLog({ format: 'text', file: ${JSON.stringify(file)}, quiet: false });
    while (!existsSync(${JSON.stringify(file)})) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    log.request({ clientIp: '192.0.2.7', method: 'GET', path: '/last', status: 200, seconds: 0.001, upstream: '127.0.0.1:1', cache: undefined });
    process.exit(3);
  `;
  const run = await runNode(['--import', 'tsx', '--input-type=module', '-e', script]);
  assert.equal(run.code, 3, run.stderr);
  assert.match(run.stdout, /Request done: 192\.0\.2\.7 => /);
  assert.match(readFileSync(file, 'utf8'), /Request done: 192\.0\.2\.7 => /);
});
