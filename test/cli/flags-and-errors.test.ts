import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPibl, startPibl } from '../helpers/cli.js';
import { tempDir } from '../helpers/config.js';
import { httpServer } from '../helpers/servers.js';

const COMMANDS = ['up', 'gateway', 'backend', 'origin', 'node', 'lb', 'client', 'herd', 'init', 'bench'];

test('pibl --help lists every command; each command has --help', async () => {
  const top = await runPibl(['--help']);
  assert.equal(top.code, 0);
  for (const c of COMMANDS) assert.match(top.stdout, new RegExp(`^  ${c} `, 'm'));
  for (const c of COMMANDS) {
    const run = await runPibl([c, '--help']);
    assert.equal(run.code, 0, `${c} --help`);
    assert.match(run.stdout, new RegExp(`^Usage: pibl ${c}`, 'm'));
  }
});

test('a bad flag exits 2 with one clear line on stderr', async () => {
  for (const [args, pattern] of [
    [['gateway', '--bogus'], /^pibl gateway: unknown flag --bogus/],
    [['node', '--port'], /^pibl node: --port needs a value/],
    [['node', '--port', '8000'], /--port 8000 is the origin's port/],
    [['lb', '--strategy', 'random'], /--strategy "random": allowed: round_robin \| least_loaded/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['herd', 'Nobody'], /unknown server "Nobody" \(allowed: Riley, Jaquez, Juzang, Campbell, Bernard\)/],
  ] as [string[], RegExp][]) {
    const run = await runPibl(args, { cwd: '/' });
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, pattern);
    assert.equal(run.stderr.trim().split('\n').length, 1, 'one line');
  }
});

test('a bad config value exits 1 naming the file, the key and what is allowed', async () => {
  const { dir, remove } = tempDir();
  try {
    writeFileSync(join(dir, 'parser.ini'), '[balancer]\nstrategy = fastest\n');
    const run = await runPibl(['gateway'], { cwd: dir });
    assert.equal(run.code, 1);
    assert.equal(run.stderr.trim(), `${join(dir, 'parser.ini')}: [balancer] strategy = "fastest": allowed: round_robin | priority | weighted | least_loaded`);
    const viaFlag = await runPibl(['gateway', '--port', 'eighty'], { cwd: dir });
    assert.equal(viaFlag.code, 1);
    assert.match(viaFlag.stderr, /^flag --port: port = "eighty": allowed: a port/);
  } finally {
    remove();
  }
});

test('a port in use exits non-zero with a line naming the port', async (t) => {
  const taken = await httpServer(() => {});
  t.after(() => taken.close());
  const run = await runPibl(['gateway', '--host', '127.0.0.1', '--port', String(taken.port)], { cwd: '/' });
  assert.equal(run.code, 1);
  assert.match(run.stderr, new RegExp(`^gateway: port ${taken.port} on 127\\.0\\.0\\.1 is already in use`));
});

test('pibl init writes parser.ini, refuses to overwrite without --force, and writes the JSON list with --servers', async () => {
  const { dir, remove } = tempDir();
  try {
    const first = await runPibl(['init'], { cwd: dir });
    assert.equal(first.code, 0);
    const again = await runPibl(['init'], { cwd: dir });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /exists; use --force to overwrite/);
    const forced = await runPibl(['init', 'custom.ini', '--force', '--servers', 'servers.json'], { cwd: dir });
    assert.equal(forced.code, 0);
    assert.match(forced.stdout, /custom\.ini/);
    const gw = await startPibl(['gateway', '--config', 'custom.ini', '--host', '127.0.0.1', '--port', '0', '--quiet'], /listening on/, { cwd: dir });
    assert.equal((await gw.stop()).code, 0, 'the written file is a valid config');
  } finally {
    remove();
  }
});
