import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { perfVersion } from '../../bench/perf-profile.js';
import { runScript } from '../helpers/cli.js';

const PROFILE = fileURLToPath(new URL('../../bench/profile.ts', import.meta.url));
const perf = perfVersion();

// Structure only, never a timing: the tool runs, names where CPU time went, and cleans up.
test(
  'bench/profile.ts --perf prints CPU time by where it was spent and the JavaScript functions, and leaves no perf map behind',
  { timeout: 90_000, skip: perf ? false : 'perf not installed: apt-get install linux-perf' },
  async (t) => {
    const out = mkdtempSync(join(tmpdir(), 'pibl-perf-test-'));
    t.after(() => rmSync(out, { recursive: true, force: true }));
    const perfMaps = () => new Set(readdirSync('/tmp').filter((f) => /^perf-\d+\.map$/.test(f)));
    const before = perfMaps();
    const { code, stdout, stderr } = await runScript(PROFILE, ['--perf', '--duration', '1', '--connections', '4', '--top', '5', '--tool', 'autocannon', '--out', out], {
      timeoutMs: 60_000,
      timeoutSignal: 'SIGINT',
    });
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^gateway-miss under autocannon/m);
    assert.match(stdout, /CPU %  where \(self time\)/);
    assert.match(stdout, /JIT-compiled JavaScript/);
    assert.match(stdout, /total %  JavaScript function \(inclusive time\)\n\s+[\d.]+\s+\S/);
    assert.match(stdout, /perf data: \S+perf\.data/);
    const left = [...perfMaps()].filter((f) => !before.has(f));
    assert.deepEqual(left, [], 'the gateway\'s perf map is removed');
  },
);

test('bench/profile.ts --cold (V8 profiler, no perf needed): every request a new URL, each fetched and stored; prints the functions', { timeout: 90_000 }, async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'pibl-cold-profile-test-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const { code, stdout, stderr } = await runScript(PROFILE, ['--cold', '--duration', '1', '--connections', '4', '--top', '5', '--tool', 'autocannon', '--out', out], {
    timeoutMs: 60_000,
    timeoutSignal: 'SIGINT',
  });
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^gateway-cold under autocannon.*, 4 connections, 1 s: [\d,]+ req\/s, [\d.]+ µs CPU\/req/m);
  assert.match(stdout, /self %  total %  function/);
  assert.ok(readdirSync(out).some((f) => f.endsWith('.cpuprofile')), 'the .cpuprofile stays for a flame graph');
  const both = await runScript(PROFILE, ['--hit', '--cold'], { timeoutMs: 30_000 });
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--hit, --cached-miss and --cold each choose a path: give one/);
});
