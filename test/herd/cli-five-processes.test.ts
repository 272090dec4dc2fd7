import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync, existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { DEFAULT_HERD } from '../../src/config/schema.js';
import { ask, eventually, freePorts, HOST, NAMES, posixNow, tempDir, uniqueClient } from './helpers.js';

/**
 * The herd as the original tooling runs it: five `pibl herd NAME` processes
 * from one parser.ini, stopped by signals (SIGKILL as the grader does).
 */
const dir = tempDir();
const ini = join(dir.path, 'parser.ini');
const cli = join(process.cwd(), 'dist', 'cli.js');
let ports: Record<string, number> = {};
const children = new Map<string, ChildProcess>();

function startProcess(name: string): ChildProcess {
  const child = spawn(process.execPath, [cli, 'herd', name, '--config', ini], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.resume();
  children.set(name, child);
  return child;
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, HOST);
    s.on('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });

const whatsatAt = async (name: string, client: string) => (await ask(ports[name]!, `WHATSAT ${client} 10 1\n`)).split('\n', 1)[0];

before(async () => {
  const free = await freePorts(NAMES.length);
  ports = Object.fromEntries(NAMES.map((n, i) => [n, free[i]!]));
  const sections = DEFAULT_HERD.map((s) => `[herd.${s.name}]\nport = ${ports[s.name]}\nneighbors = ${s.neighbors.join(', ')}\n`);
  writeFileSync(ini, `[herd]\nplaces = offline\nlog_dir = ${join(dir.path, 'logs')}\n${sections.join('')}`);
  for (const name of NAMES) startProcess(name);
  for (const name of NAMES) assert.ok(await eventually(() => listening(ports[name]!)), `${name} listens`);
});

after(async () => {
  for (const child of children.values()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all([...children.values()].map(exited));
  dir.remove();
});

test('five processes flood a report from Riley to Campbell, two hops away', async () => {
  const client = uniqueClient();
  const at = (await ask(ports.Riley!, `IAMAT ${client} +34.068930-118.445127 ${posixNow()}\n`)).trimEnd();
  assert.match(at, /^AT Riley [+-]\d+\.\d{9} /);
  assert.ok(await eventually(async () => (await whatsatAt('Campbell', client)) === at));
  for (const name of NAMES) assert.ok(await eventually(async () => (await whatsatAt(name, client)) === at), name);
});

test('killing two processes (SIGKILL, as the grader) leaves the connected rest working; restarted ones get new reports only', async () => {
  for (const name of ['Juzang', 'Campbell']) {
    const child = children.get(name)!;
    child.kill('SIGKILL');
    await exited(child);
  }
  const old = uniqueClient('old');
  const oldAt = (await ask(ports.Riley!, `IAMAT ${old} +1+1 ${posixNow()}\n`)).trimEnd();
  assert.ok(await eventually(async () => (await whatsatAt('Bernard', old)) === oldAt), 'Riley -> Jaquez -> Bernard');

  for (const name of ['Juzang', 'Campbell']) startProcess(name);
  for (const name of ['Juzang', 'Campbell']) assert.ok(await eventually(() => listening(ports[name]!)));
  const fresh = uniqueClient('new');
  const freshAt = (await ask(ports.Bernard!, `IAMAT ${fresh} +2+2 ${posixNow()}\n`)).trimEnd();
  for (const name of NAMES) assert.ok(await eventually(async () => (await whatsatAt(name, fresh)) === freshAt), name);
  assert.equal(await ask(ports.Campbell!, `WHATSAT ${old} 10 1\n`), `? WHATSAT ${old} 10 1\n`);
});

test('SIGTERM stops each server gracefully (exit 0) and every server wrote its log file', async () => {
  const codes = await Promise.all(
    NAMES.map((name) => {
      const child = children.get(name)!;
      child.kill('SIGTERM');
      return exited(child);
    }),
  );
  assert.deepEqual(codes, NAMES.map(() => 0));
  for (const name of NAMES) assert.ok(existsSync(join(dir.path, 'logs', `${name}.log`)), name);
});
