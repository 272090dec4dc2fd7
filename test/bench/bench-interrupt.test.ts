import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { childPids } from '../../bench/cpu.js';

const BENCH = fileURLToPath(new URL('../../bench/run.ts', import.meta.url));

/** The bench's pibl servers (not tsx's esbuild service, which exits on its own after the bench). */
const piblServers = (bench: number) =>
  childPids(bench).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('dist/cli.js');
    } catch {
      return false;
    }
  });

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('Ctrl-C during a run stops every process the bench started and exits 130', { skip: !existsSync('/proc/self/stat'), timeout: 90_000 }, async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', BENCH, '--only', 'direct,gateway-miss', '--duration', '30', '--tool', 'autocannon'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  // The warm-up runs once both contenders are up: by then all four servers are children.
  const deadline = Date.now() + 60_000;
  let servers: number[] = [];
  while (Date.now() < deadline) {
    servers = piblServers(child.pid!);
    if (servers.length >= 4 && /starting 3 backends/.test(stderr)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(servers.length >= 4, `servers started: ${servers.length}; stderr:\n${stderr}`);
  // Into the warm-up / first round, with load on.
  await new Promise((r) => setTimeout(r, 1_500));
  child.kill('SIGINT');
  const [code, signal] = await exited;
  assert.equal(code, 130, `exit ${code ?? signal}; stderr:\n${stderr}`);
  assert.match(stderr, /SIGINT: stopping every process/);
  for (const pid of servers) assert.equal(alive(pid), false, `pid ${pid} still running; stderr:\n${stderr}`);
});
