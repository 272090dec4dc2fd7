import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runScript } from '../helpers/cli.js';

// Structure only, never a timing: each tool runs end to end at its shortest and prints its table.
const FLOORS = fileURLToPath(new URL('../../bench/floors.ts', import.meta.url));
const AB = fileURLToPath(new URL('../../bench/ab.ts', import.meta.url));
const CHECKOUT = fileURLToPath(new URL('../..', import.meta.url));
const QUICK = ['--rounds', '1', '--duration', '1', '--connections', '10', '--tool', 'autocannon'];
const row = (name: string) => new RegExp(`^${name}\\s+[\\d,]+\\s+\\d+\\.\\d$`, 'm');

test('bench/floors.ts: one row per floor with req/s and CPU µs per request; every floor answered without errors', { timeout: 120_000 }, async () => {
  const run = await runScript(FLOORS, QUICK, { timeoutMs: 90_000, timeoutSignal: 'SIGINT' });
  assert.equal(run.code, 0, run.stderr);
  for (const floor of ['node-fixed', 'raw-fixed', 'node-undici', 'raw-undici', 'raw-raw']) {
    assert.match(run.stdout, row(floor), `${floor}:\n${run.stdout}`);
    assert.match(run.stderr, new RegExp(`${floor}\\s+\\d+ req/s, errors 0`), run.stderr);
  }
});

test('bench/ab.ts: two builds (here this checkout twice) interleaved, a miss and a hit row for each', { timeout: 120_000 }, async () => {
  const run = await runScript(AB, ['--before', CHECKOUT, ...QUICK], { timeoutMs: 90_000, timeoutSignal: 'SIGINT' });
  assert.equal(run.code, 0, run.stderr);
  for (const name of ['before-miss', 'after-miss', 'before-hit', 'after-hit']) assert.match(run.stdout, row(name), run.stdout);
  assert.doesNotMatch(run.stderr, /errors [1-9]/, run.stderr);
});

test('bench/ab.ts without --before, or with a checkout that has no build, says so', async () => {
  const missing = await runScript(AB, [], { timeoutMs: 30_000 });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--before DIR is required/);
  const unbuilt = await runScript(AB, ['--before', '/nonexistent-pibl-checkout', ...QUICK], { timeoutMs: 60_000 });
  assert.equal(unbuilt.code, 1);
  assert.match(unbuilt.stderr, /dist\/cli\.js not found: build that checkout first/);
});
