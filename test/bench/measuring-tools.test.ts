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

// The originals are not part of pibl (see the head of bench/originals.ts): here only its refusals run.
const ORIGINALS = fileURLToPath(new URL('../../bench/originals.ts', import.meta.url));

test('bench/originals.ts without an original, or with a folder that is not one, says so and starts nothing', async () => {
  const none = await runScript(ORIGINALS, [], { timeoutMs: 30_000 });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /give --kv DIR \(the kv original\) and\/or --herd DIR/);
  const wrong = await runScript(ORIGINALS, ['--kv', '/nonexistent-kv-original', '--rounds', '1', '--duration', '1'], { timeoutMs: 60_000 });
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /origin_server\.py not found \(--kv must be the kv original's checkout\)/);
  assert.doesNotMatch(wrong.stderr, /\n\s+at /, 'a message, not a stack');
});

test('bench/originals.ts --rate: refuses a rate that is not above 0; the open loop sends no more than its schedule', async (t) => {
  const bad = await runScript(ORIGINALS, ['--kv', '/nonexistent-kv-original', '--rate', '0'], { timeoutMs: 30_000 });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--rate must be a number of requests per second above 0/);

  const { runLoad } = await import('../../bench/originals-load.js');
  const { startLineServer } = await import('../../src/common/line-server.js');
  const server = await startLineServer({ name: 'rate test', host: '127.0.0.1', port: 0, handle: () => 'ok\n', onLineTooLong: () => undefined });
  t.after(() => server.close());
  const system = { label: 'pibl' as const, pids: [], port: () => server.port, line: () => 'x', classify: (a: string) => (a === 'ok' ? ('ok' as const) : ('error' as const)) };
  // 100 requests per second for 0.5 s: the schedule has 50 slots (0 ms, 10 ms, ... 490 ms).
  const run = await runLoad('rate', system, 1, { connections: 4, durationMs: 500, maxRequests: 10_000, rate: 100 }, { n: 0 });
  assert.equal(run.errors, 0, run.firstError);
  assert.ok(run.requests >= 1 && run.requests <= 50, `${run.requests} requests`);
});

test('bench/originals.ts --rate: a stalled system is charged for every request that fell due during the stall', async (t) => {
  const { runLoad } = await import('../../bench/originals-load.js');
  const { startLineServer } = await import('../../src/common/line-server.js');
  let first = true;
  // The first request is held past the end of the run; the one worker can send nothing else meanwhile.
  const handle = () => {
    if (!first) return 'ok\n';
    first = false;
    return new Promise<string>((resolve) => setTimeout(() => resolve('ok\n'), 600));
  };
  const server = await startLineServer({ name: 'stall test', host: '127.0.0.1', port: 0, handle, onLineTooLong: () => undefined });
  t.after(() => server.close());
  const system = { label: 'pibl' as const, pids: [], port: () => server.port, line: () => 'x', classify: (a: string) => (a === 'ok' ? ('ok' as const) : ('error' as const)) };
  const run = await runLoad('stall', system, 1, { connections: 1, durationMs: 500, maxRequests: 10_000, rate: 100 }, { n: 0 });
  assert.equal(run.errors, 0, run.firstError);
  // All 50 slots were due before the deadline: each is sent and timed from when it was due.
  assert.equal(run.requests, 50);
  const late = run.latencies.slice(1);
  assert.ok(late.every((ms) => ms >= 100), `requests due during the stall were timed from their due time: ${late.slice(0, 5).map((ms) => ms.toFixed(0))} ms`);
});
