/**
 * The HTTP contenders, all in front of the same three demo backends serving
 * a fixed 1 KiB body: the backend itself (direct), the pibl gateway with the
 * cache off (round robin, the miss path) and on (hits), and nginx when it is
 * installed. Each server is a child process of its own.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nginxVersion, startNginx, type NginxInstance } from './nginx.js';
import type { HttpScenarioName } from './options.js';
import { HOST, startPibl, type Child } from './processes.js';

export const PATH = '/fixed/1k';
const BODY_BYTES = 1024;

export interface Contender {
  name: HttpScenarioName;
  url: string;
  /** The processes whose CPU time is charged to this contender. */
  pids(): number[];
  /** What those processes are, for the table's legend. */
  cpuOf: string;
  /** Response header that must say HIT after the warm-up (cache scenarios). */
  hitHeader?: string;
  /** Every request a new URL (the cold-cache scenarios): each answer is fetched and stored. */
  uniquePaths?: boolean;
}

export interface Lineup {
  contenders: Contender[];
  /** Lines for the table's header ("nginx 1.22.1: ..."). */
  notes: string[];
  /** Pids of the three backends, for the JSON. */
  backendPids: number[];
}

/** `pass`: the cache on but nothing storable (ttl = 0, and the backend's /fixed/1k gives no freshness or validator). */
export type GatewayMode = 'off' | 'pass' | 'hits';

/**
 * The gateway's rows: its cache mode, and how the load runs against it.
 * The bench and bench/profile.ts both read them here.
 */
export const GATEWAY_ROWS = {
  'gateway-miss': { mode: 'off', load: {} },
  // Cache on, the same URL and answer as gateway-miss but never storable: what the cache layer adds to a miss.
  'gateway-cached-miss': { mode: 'pass', load: {} },
  // Cache on, every request a URL never seen: the cost of fetching and storing each answer.
  'gateway-cold': { mode: 'hits', load: { uniquePaths: true } },
  'gateway-hit': { mode: 'hits', load: { hitHeader: 'x-cache' } },
} as const satisfies Record<string, { mode: GatewayMode; load: Pick<Contender, 'uniquePaths' | 'hitHeader'> }>;
export type GatewayRow = keyof typeof GATEWAY_ROWS;

export function gatewayIni(backends: number[], mode: GatewayMode): string {
  return [
    'host = 127.0.0.1',
    'port = 0',
    'quiet = true',
    // The backend sends no freshness: a long heuristic ttl keeps every round of a long run on hits.
    `ttl = ${mode === 'pass' ? 0 : 3600}`,
    ...backends.map((p, i) => `ip_server${i + 1} = ${HOST}:${p}`),
    '[balancer]',
    'strategy = round_robin',
    '[cache]',
    `enabled = ${mode !== 'off'}`,
    '',
  ].join('\n');
}

/** `pibl gateway` in front of the backends; nodeArgs such as --cpu-prof go to node. */
export async function startGateway(dir: string, name: string, backends: number[], mode: GatewayMode, nodeArgs: string[] = []): Promise<{ child: Child; port: number }> {
  const file = join(dir, `${name}.ini`);
  writeFileSync(file, gatewayIni(backends, mode));
  return startPibl(name, ['gateway', '--config', file, '--quiet'], dir, nodeArgs);
}

/** The three demo backends b1, b2, b3. */
export async function startBackends(dir: string): Promise<{ child: Child; port: number }[]> {
  const backends: { child: Child; port: number }[] = [];
  for (let i = 1; i <= 3; i++) backends.push(await startPibl(`backend b${i}`, ['backend', '--port', '0', '--name', `b${i}`], dir));
  return backends;
}

const nginxWanted = (names: HttpScenarioName[], prefix: string) => names.some((n) => n === `${prefix}-miss` || n === `${prefix}-hit` || n === `${prefix}-cold`);

export async function startLineup(dir: string, names: HttpScenarioName[], log: (line: string) => void): Promise<Lineup> {
  const notes: string[] = [];
  const backends = await startBackends(dir);
  const ports = backends.map((b) => b.port);
  const url = (port: number) => `http://${HOST}:${port}${PATH}`;
  const contenders: Contender[] = [];
  const wanted = new Set(names);

  if (wanted.has('direct')) {
    contenders.push({ name: 'direct', url: url(ports[0]!), pids: () => [backends[0]!.child.pid], cpuOf: 'backend b1' });
  }
  for (const [name, row] of Object.entries(GATEWAY_ROWS) as [GatewayRow, (typeof GATEWAY_ROWS)[GatewayRow]][]) {
    if (!wanted.has(name)) continue;
    const gw = await startGateway(dir, name, ports, row.mode);
    contenders.push({ name, url: url(gw.port), pids: () => [gw.child.pid], cpuOf: 'gateway', ...row.load });
  }
  if (nginxWanted(names, 'nginx') || nginxWanted(names, 'nginx-auto')) {
    const version = nginxVersion();
    if (!version) {
      log('nginx: not installed (apt-get install nginx) — skipped');
      notes.push('nginx: not installed (apt-get install nginx) — skipped');
    } else {
      const add = (nginx: NginxInstance, prefix: 'nginx' | 'nginx-auto') => {
        const cpuOf = 'nginx master, workers and cache processes';
        if (wanted.has(`${prefix}-miss`)) contenders.push({ name: `${prefix}-miss`, url: url(nginx.missPort), pids: nginx.pids, cpuOf });
        if (wanted.has(`${prefix}-hit`)) contenders.push({ name: `${prefix}-hit`, url: url(nginx.hitPort), pids: nginx.pids, cpuOf, hitHeader: 'x-cache-status' });
        if (prefix === 'nginx' && wanted.has('nginx-cold')) contenders.push({ name: 'nginx-cold', url: url(nginx.hitPort), pids: nginx.pids, cpuOf, uniquePaths: true });
      };
      if (nginxWanted(names, 'nginx')) {
        add(await startNginx(join(dir, 'nginx-1'), '1', ports), 'nginx');
        notes.push(`nginx ${version}: worker_processes 1 (one event loop, like pibl's gateway), upstream keepalive 64, HTTP/1.1 to the backends`);
      }
      if (nginxWanted(names, 'nginx-auto')) {
        const nginx = await startNginx(join(dir, 'nginx-auto'), 'auto', ports);
        add(nginx, 'nginx-auto');
        notes.push(`nginx-auto-*: worker_processes auto (${nginx.workerCount()} workers)`);
      }
    }
  }
  // Keep the order of the names asked for.
  contenders.sort((a, b) => names.indexOf(a.name) - names.indexOf(b.name));
  return { contenders, notes, backendPids: backends.map((b) => b.child.pid) };
}

/**
 * One request to check the contender answers the 1 KiB body (and, for the
 * cache scenarios, fill the cache). Returns a problem, or undefined.
 */
export async function checkContender(c: Contender): Promise<string | undefined> {
  let last = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const res = await fetch(c.url, { signal: AbortSignal.timeout(5_000) });
    const body = await res.arrayBuffer();
    if (res.status !== 200 || body.byteLength !== BODY_BYTES) return `${c.name}: GET ${c.url} answered ${res.status} with ${body.byteLength} bytes, expected 200 with ${BODY_BYTES}`;
    if (!c.hitHeader) return undefined;
    last = res.headers.get(c.hitHeader) ?? '(none)';
    if (/^HIT/i.test(last)) return undefined;
  }
  return `${c.name}: not served from the cache (${c.hitHeader}: ${last})`;
}
