import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { request } from 'undici';
import { startPibl } from '../helpers/cli.js';
import { tempDir } from '../helpers/config.js';
import { freePort } from '../helpers/servers.js';

const root = new URL('../../', import.meta.url).pathname;
const run = promisify(execFile);

test('the Dockerfile: multi-stage on an official Node LTS image, non-root, EXPOSE 8080, CMD up', () => {
  const text = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const froms = [...text.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
  assert.ok(froms.length >= 2, 'multi-stage');
  const version = /^ARG NODE_VERSION=(\d+)/m.exec(text)?.[1];
  assert.ok(version && Number(version) % 2 === 0 && Number(version) >= 20, `an LTS (even) Node major: ${version}`);
  assert.ok(froms.every((f) => f!.startsWith('node:')), 'official node images');
  assert.match(text, /^USER node$/m);
  assert.match(text, /^EXPOSE 8080$/m);
  assert.match(text, /^CMD \["node","dist\/cli\.js","up"\]$/m);
  assert.match(text, /npm ci --omit=dev/);
});

test("the runtime stage's commands work from an `npm ci --omit=dev` install: pibl up answers through 8080's stand-in", async (t) => {
  const { dir, remove } = tempDir('pibl-runtime-');
  t.after(remove);
  for (const f of ['package.json', 'package-lock.json', 'parser.ini']) cpSync(join(root, f), join(dir, f));
  try {
    await run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: dir, timeout: 180_000 });
  } catch (err) {
    t.skip(`npm ci could not reach the registry or its cache: ${(err as Error).message.split('\n')[0]}`);
    return;
  }
  cpSync(join(root, 'dist'), join(dir, 'dist'), { recursive: true });
  cpSync(join(root, 'origin'), join(dir, 'origin'), { recursive: true });
  // Every part on a free loopback port, so the test never collides with a running stack.
  const p = async () => freePort();
  const [gw, b1, b2, b3, origin, n1, n2, n3, lb, h1, h2, h3, h4, h5] = await Promise.all(Array.from({ length: 14 }, p));
  writeFileSync(
    join(dir, 'parser.ini'),
    `host = 127.0.0.1\nport = ${gw}\nquiet = true\nip_server1 = 127.0.0.1:${b1}\nip_server2 = 127.0.0.1:${b2}\nip_server3 = 127.0.0.1:${b3}\n` +
      `[kv]\norigin = 127.0.0.1:${origin}\nnodes = 127.0.0.1:${n1}, 127.0.0.1:${n2}, 127.0.0.1:${n3}\nbalancer = 127.0.0.1:${lb}\n` +
      `[herd]\nlog_dir = logs\n` +
      [['Riley', h1, 'Jaquez, Juzang'], ['Jaquez', h2, 'Riley, Bernard'], ['Juzang', h3, 'Riley, Campbell, Bernard'], ['Campbell', h4, 'Juzang, Bernard'], ['Bernard', h5, 'Jaquez, Juzang, Campbell']]
        .map(([name, port, neighbors]) => `[herd.${name}]\nport = ${port}\nneighbors = ${neighbors}\n`)
        .join(''),
  );
  const up = await startPibl(['up'], new RegExp(`gateway listening on 127\\.0\\.0\\.1:${gw}`), { cwd: dir, env: { NODE_ENV: 'production' }, timeoutMs: 30_000 });
  t.after(() => up.stop());
  const page = await request(`http://127.0.0.1:${gw}/`);
  assert.equal(page.statusCode, 200);
  assert.match(await page.body.text(), /<form/);
  const health = await request(`http://127.0.0.1:${gw}/-/health`);
  assert.equal(health.statusCode, 200);
  await health.body.dump();
  assert.equal((await up.stop()).code, 0);
});
