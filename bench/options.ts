/**
 * The bench's command line. `pibl bench` passes only its own flags through
 * (quick, json, only, rounds, connections); the rest can also come from
 * PIBL_BENCH_* variables so that the installed command can reach them.
 */
import { parseArgs } from 'node:util';

export const HTTP_SCENARIOS = [
  'direct',
  'gateway-miss',
  'gateway-cached-miss',
  'gateway-cold',
  'gateway-hit',
  'nginx-miss',
  'nginx-cold',
  'nginx-hit',
  'nginx-auto-miss',
  'nginx-auto-hit',
] as const;
export const TCP_SCENARIOS = ['kv', 'herd', 'grpc'] as const;
export type HttpScenarioName = (typeof HTTP_SCENARIOS)[number];
export type TcpScenarioName = (typeof TCP_SCENARIOS)[number];
export type ScenarioName = HttpScenarioName | TcpScenarioName;

/** Run unless --only names others; nginx-auto-* only on request (they use every core). */
const DEFAULT_SCENARIOS: ScenarioName[] = ['direct', 'gateway-miss', 'gateway-cached-miss', 'gateway-cold', 'gateway-hit', 'nginx-miss', 'nginx-cold', 'nginx-hit', 'kv', 'herd', 'grpc'];

export type ToolChoice = 'auto' | 'wrk' | 'autocannon';

export interface BenchOptions {
  scenarios: ScenarioName[];
  rounds: number;
  /** Length of one measured run of one contender. */
  durationMs: number;
  connections: number;
  tool: ToolChoice;
  json: boolean;
  quick: boolean;
}

export const USAGE = `Usage: node --import tsx bench/run.ts [flags]   (or: npm run bench -- [flags], pibl bench [flags])

  --quick            1 round of 2 s per contender (whole run under a minute)
  --json             print the results as JSON instead of the table
  --only NAMES       comma-separated: ${[...HTTP_SCENARIOS, ...TCP_SCENARIOS].join(', ')}
  --rounds N         interleaved rounds per contender (default 3)
  --duration S       seconds per measured run (default 5; env PIBL_BENCH_DURATION)
  --connections N    concurrent connections (default 50)
  --tool T           auto | wrk | autocannon (default auto: wrk when installed; env PIBL_BENCH_TOOL)
`;

export class UsageError extends Error {}

function positive(name: string, value: string, min: number): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min) throw new UsageError(`bench: --${name} "${value}": allowed: a number >= ${min}`);
  return n;
}

export function parseBenchArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        quick: { type: 'boolean' },
        json: { type: 'boolean' },
        only: { type: 'string' },
        rounds: { type: 'string' },
        duration: { type: 'string' },
        connections: { type: 'string' },
        tool: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new UsageError(`bench: ${(err as Error).message}`);
  }
  if (parsed.help) return 'help';
  const quick = parsed.quick ?? false;
  const known = new Set<string>([...HTTP_SCENARIOS, ...TCP_SCENARIOS]);
  let scenarios = DEFAULT_SCENARIOS;
  if (parsed.only !== undefined) {
    const names = parsed.only.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = names.filter((n) => !known.has(n));
    if (unknown.length || names.length === 0) throw new UsageError(`bench: --only "${parsed.only}": allowed: ${[...known].join(', ')}`);
    scenarios = [...new Set(names)] as ScenarioName[];
  }
  const duration = parsed.duration ?? env.PIBL_BENCH_DURATION;
  const tool = parsed.tool ?? env.PIBL_BENCH_TOOL ?? 'auto';
  if (tool !== 'auto' && tool !== 'wrk' && tool !== 'autocannon') throw new UsageError(`bench: --tool "${tool}": allowed: auto, wrk, autocannon`);
  return {
    scenarios,
    rounds: Math.floor(positive('rounds', parsed.rounds ?? (quick ? '1' : '3'), 1)),
    durationMs: Math.round(positive('duration', duration ?? (quick ? '2' : '5'), 0.2) * 1000),
    connections: Math.floor(positive('connections', parsed.connections ?? '50', 1)),
    tool,
    json: parsed.json ?? false,
    quick,
  };
}
