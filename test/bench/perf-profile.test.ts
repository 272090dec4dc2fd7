import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { perfVersion } from '../../bench/perf-profile.js';

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
    const child = spawn(process.execPath, ['--import', 'tsx', PROFILE, '--perf', '--duration', '1', '--connections', '4', '--top', '5', '--tool', 'autocannon', '--out', out], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGINT'), 60_000);
    const [code] = (await once(child, 'exit')) as [number | null];
    clearTimeout(timer);
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
