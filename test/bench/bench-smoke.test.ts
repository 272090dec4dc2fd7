import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runPibl, runScript } from '../helpers/cli.js';

// The harness in its quickest form: structure only, never a timing.
const BENCH = fileURLToPath(new URL('../../bench/run.ts', import.meta.url));
const QUICK_ENV = { PIBL_BENCH_DURATION: '1', PIBL_BENCH_TOOL: 'autocannon' };

const runBench = (args: string[]) => runScript(BENCH, args, { env: QUICK_ENV, timeoutMs: 90_000, timeoutSignal: 'SIGINT' });

test('bench --only direct,gateway-miss --rounds 1 prints the table with those rows and exits 0', { timeout: 120_000 }, async () => {
  const run = await runBench(['--only', 'direct,gateway-miss', '--rounds', '1', '--connections', '10']);
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.split('\n');
  const header = lines.findIndex((l) => l.startsWith('scenario '));
  assert.ok(header >= 0, run.stdout);
  for (const column of ['req/s', 'spread (min–max)', 'p50 ms', 'p99 ms', 'CPU µs/req', 'backends µs/req', '× direct', '× nginx', 'CPU × nginx', 'errors']) {
    assert.ok(lines[header]!.includes(column), `column ${column}`);
  }
  assert.match(lines[header + 2]!, /^direct\s+[\d,]+\s+[\d,]+–[\d,]+\s+[\d.]+\s+[\d.]+\s+\S+\s+\S+\s+1\.00×/);
  assert.match(lines[header + 3]!, /^gateway-miss\s+[\d,]+\s/);
  assert.match(run.stdout, /load generator autocannon/);
  assert.doesNotMatch(run.stdout, /\(!\)/, 'no scenario flagged');
});

test('pibl bench --json hands over to bench/run.ts; the cache-hit contender is served from the cache', { timeout: 120_000 }, async () => {
  const run = await runPibl(['bench', '--json', '--only', 'direct,gateway-hit', '--rounds', '1', '--connections', '10'], { env: QUICK_ENV, timeoutMs: 90_000 });
  assert.equal(run.code, 0, run.stderr);
  const results = JSON.parse(run.stdout) as {
    meta: { rounds: number; connections: number; durationMs: number };
    http: { name: string; rounds: unknown[]; requestsPerSecond: { median: number }; ratioToDirect?: number; problem?: string }[];
  };
  assert.deepEqual(results.meta.rounds, 1);
  assert.deepEqual(results.meta.connections, 10);
  assert.deepEqual(results.meta.durationMs, 1000);
  assert.deepEqual(results.http.map((r) => r.name), ['direct', 'gateway-hit']);
  for (const r of results.http) {
    assert.equal(r.rounds.length, 1);
    assert.equal(typeof r.requestsPerSecond.median, 'number');
    assert.equal(typeof r.ratioToDirect, 'number');
    assert.equal(r.problem, undefined, r.problem);
  }
});

test('bench rejects an unknown scenario with exit 2 and the list of names', async () => {
  const run = await runBench(['--only', 'varnish']);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--only "varnish": allowed: direct, gateway-miss/);
});
