/**
 * Two builds of the gateway, interleaved run by run in front of the same
 * backends: the before/after figure for one change, without the drift
 * between two separate `npm run bench` runs. Each build is a checkout with
 * a built `dist/` (e.g. `git worktree add /tmp/before HEAD~1`, link
 * node_modules, `npm run build` there).
 *
 *   node --import tsx bench/ab.ts --before DIR [--after DIR (default: this checkout)] [--rounds 4] [--duration 4] [--connections 50] [--tool auto|wrk|autocannon]
 *
 * Prints, per round, req/s and the gateway's CPU µs per request for the miss
 * path (cache off) and hits, then the medians.
 */
import { writeFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gatewayIni, PATH, startBackends, type GatewayMode } from './contenders.js';
import { cpuMs } from './cpu.js';
import { loadGenerator } from './load.js';
import { runAsScript, stopChildrenOnExit } from './script-flags.js';
import type { ToolChoice } from './options.js';
import { HOST, spawnChild, stopAll } from './processes.js';

const log = (line: string) => process.stderr.write(`${line}\n`);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function startBuild(checkout: string, dir: string, name: string, backends: number[], mode: GatewayMode) {
  const cli = join(checkout, 'dist', 'cli.js');
  if (!existsSync(cli)) throw new Error(`ab: ${cli} not found: build that checkout first`);
  const file = join(dir, `${name}.ini`);
  writeFileSync(file, gatewayIni(backends, mode));
  const child = spawnChild(name, process.execPath, [cli, 'gateway', '--config', file, '--quiet'], { cwd: dir });
  const match = await child.waitFor(/listening on \S*:(\d+)\s/);
  return { name, child, url: `http://${HOST}:${match[1]}${PATH}` };
}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      before: { type: 'string' },
      after: { type: 'string', default: fileURLToPath(new URL('..', import.meta.url)) },
      rounds: { type: 'string', default: '4' },
      duration: { type: 'string', default: '4' },
      connections: { type: 'string', default: '50' },
      tool: { type: 'string', default: 'auto' },
    },
  });
  if (!values.before) {
    log('ab: --before DIR is required (a checkout with dist/ built)');
    return 2;
  }
  const rounds = Math.max(1, Number(values.rounds));
  const durationMs = Math.max(1, Number(values.duration)) * 1000;
  const connections = Math.max(1, Number(values.connections));
  const dir = mkdtempSync(join(tmpdir(), 'pibl-ab-'));
  // 4 gateways, a warm-up second and a run each per round, plus start-up.
  stopChildrenOnExit('ab', 60_000 + rounds * 4 * (durationMs + 1_000 + 10_000));
  try {
    const generator = loadGenerator(values.tool as ToolChoice);
    const backends = (await startBackends(dir)).map((b) => b.port);
    const contenders = [];
    for (const mode of ['off', 'hits'] as const) {
      for (const [label, checkout] of [['before', values.before], ['after', values.after!]] as const) {
        contenders.push(await startBuild(resolve(checkout), dir, `${label}-${mode === 'off' ? 'miss' : 'hit'}`, backends, mode));
      }
    }
    const figures = new Map(contenders.map((c) => [c.name, { rps: [] as number[], cpu: [] as number[] }]));
    log(`ab: ${generator.label}, ${connections} connections, ${rounds} rounds × ${durationMs / 1000} s`);
    for (let round = 1; round <= rounds; round++) {
      for (const c of contenders) {
        await generator.run({ url: c.url, connections, durationMs: 1000 });
        const before = cpuMs([c.child.pid]) ?? NaN;
        const result = await generator.run({ url: c.url, connections, durationMs });
        const cpu = (((cpuMs([c.child.pid]) ?? NaN) - before) * 1000) / result.requests;
        figures.get(c.name)!.rps.push(result.requestsPerSecond);
        figures.get(c.name)!.cpu.push(cpu);
        log(`ab: round ${round}/${rounds} ${c.name.padEnd(11)} ${Math.round(result.requestsPerSecond).toString().padStart(7)} req/s  ${cpu.toFixed(1)} µs/req  errors ${result.errors}`);
      }
    }
    process.stdout.write(`${'build'.padEnd(11)}  ${'req/s'.padStart(8)}  ${'CPU µs/req'.padStart(10)}  (medians of ${rounds} rounds)\n`);
    for (const [name, f] of figures) {
      process.stdout.write(`${name.padEnd(11)}  ${Math.round(median(f.rps)).toLocaleString('en-US').padStart(8)}  ${median(f.cpu).toFixed(1).padStart(10)}\n`);
    }
    return 0;
  } finally {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

runAsScript(import.meta.url, 'ab', main);
