/**
 * How little a Node process can spend per request, with and without
 * node:http and undici (see ./floor-servers.ts): the yardstick behind
 * docs/performance.md's third round. Each floor is its own process; the
 * proxies share one node:http backend; rounds are interleaved and each
 * row reports CPU µs per request of that process alone (median round).
 *
 *   node --import tsx bench/floors.ts [--rounds 3] [--duration 4] [--connections 50] [--tool auto|wrk|autocannon]
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cpuMs } from './cpu.js';
import { loadGenerator } from './load.js';
import { runAsScript, stopChildrenOnExit } from './script-flags.js';
import type { ToolChoice } from './options.js';
import { freePort, HOST, spawnChild, stopAll, waitForPort, type Child } from './processes.js';

const SCRIPT = fileURLToPath(new URL('./floor-servers.ts', import.meta.url));
const ROLES = ['node-fixed', 'raw-fixed', 'node-undici', 'raw-undici', 'raw-raw'] as const;
/** The roles that proxy to the node-fixed backend. */
const PROXIES = new Set<string>(['node-undici', 'raw-undici', 'raw-raw']);
const log = (line: string) => process.stderr.write(`${line}\n`);

async function startRole(role: string, upstream?: number): Promise<{ child: Child; port: number }> {
  const port = await freePort();
  const args = ['--import', 'tsx', SCRIPT, role, String(port), ...(upstream ? [String(upstream)] : [])];
  const child = spawnChild(role, process.execPath, args);
  await Promise.race([waitForPort(port), child.exited.then((err) => Promise.reject(err))]);
  return { child, port };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      rounds: { type: 'string', default: '3' },
      duration: { type: 'string', default: '4' },
      connections: { type: 'string', default: '50' },
      tool: { type: 'string', default: 'auto' },
    },
  });
  const rounds = Math.max(1, Number(values.rounds));
  const durationMs = Math.max(1, Number(values.duration)) * 1000;
  const connections = Math.max(1, Number(values.connections));
  // 5 floors, a warm-up second and a run each per round, plus start-up.
  stopChildrenOnExit('floors', 60_000 + rounds * ROLES.length * (durationMs + 1_000 + 10_000));
  try {
    const generator = loadGenerator(values.tool as ToolChoice);
    const backend = await startRole('node-fixed');
    const floors = [{ role: 'node-fixed', ...backend }];
    for (const role of ROLES.slice(1)) floors.push({ role, ...(await startRole(role, PROXIES.has(role) ? backend.port : undefined)) });
    const figures = new Map<string, { rps: number[]; cpu: number[] }>(floors.map((f) => [f.role, { rps: [], cpu: [] }]));
    log(`floors: ${generator.label}, ${connections} connections, ${rounds} rounds × ${durationMs / 1000} s, interleaved`);
    for (let round = 1; round <= rounds; round++) {
      for (const floor of floors) {
        const url = `http://${HOST}:${floor.port}/fixed/1k`;
        await generator.run({ url, connections, durationMs: 1000 });
        const before = cpuMs([floor.child.pid]) ?? NaN;
        const result = await generator.run({ url, connections, durationMs });
        const spent = (cpuMs([floor.child.pid]) ?? NaN) - before;
        figures.get(floor.role)!.rps.push(result.requestsPerSecond);
        figures.get(floor.role)!.cpu.push((spent * 1000) / result.requests);
        log(`floors: round ${round}/${rounds} ${floor.role.padEnd(12)} ${Math.round(result.requestsPerSecond)} req/s, errors ${result.errors}`);
      }
    }
    process.stdout.write(`${'floor'.padEnd(12)}  ${'req/s'.padStart(8)}  ${'CPU µs/req'.padStart(10)}\n`);
    for (const [role, f] of figures) {
      process.stdout.write(`${role.padEnd(12)}  ${Math.round(median(f.rps)).toLocaleString('en-US').padStart(8)}  ${median(f.cpu).toFixed(1).padStart(10)}\n`);
    }
    process.stdout.write('CPU µs/req: user+system CPU of that process per request; the proxy rows exclude their backend.\n');
    return 0;
  } finally {
    await stopAll();
  }
}

runAsScript(import.meta.url, 'floors', main);
