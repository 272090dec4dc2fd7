/**
 * Starting the systems bench/originals.ts compares: the original Python kv
 * cluster and herd as they ship (python3, their fixed ports), and pibl's
 * equivalents (dist/cli.js) on free ports, each answering one request line.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { cleanEnv, freePort, HOST, spawnChild, startPibl, waitForPort, type Child } from './processes.js';
import { oneShot, sleep, type Outcome } from './originals-load.js';

const log = (line: string) => process.stderr.write(`${line}\n`);



export const KEYS = ['article/1', 'article/2', 'article/3', 'article/4'];
export const HERD_NAMES = ['Riley', 'Jaquez', 'Juzang', 'Campbell', 'Bernard'];
export const HERD_LINKS: Record<string, string[]> = {
  Riley: ['Jaquez', 'Juzang'],
  Jaquez: ['Riley', 'Bernard'],
  Juzang: ['Riley', 'Bernard', 'Campbell'],
  Campbell: ['Bernard', 'Juzang'],
  Bernard: ['Jaquez', 'Juzang', 'Campbell'],
};
export const ORIGINAL_ORIGIN_PORT = 8000;
export const ORIGINAL_HERD_PORTS = [11645, 11646, 11647, 11648, 11649];
export const LOCATIONS = ['+34.068930-118.445127', '+37.427475-122.169719', '+40.712776-074.005974', '+51.507351-000.127758', '+35.689487+139.691711'];

export async function isFree(port: number): Promise<boolean> {
  const server = createServer();
  const free = await new Promise<boolean>((done) => {
    server.once('error', () => done(false));
    server.listen(port, HOST, () => done(true));
  });
  if (free) await new Promise((done) => server.close(done));
  return free;
}

/**
 * Waits for a fixed port of an original to be bindable. The originals close
 * each connection first, so a previous run leaves TIME_WAIT sockets on these
 * ports that block a plain bind() (no SO_REUSEADDR in their code) for up to 60 s.
 */
export async function waitFree(port: number, why: string): Promise<void> {
  const deadline = Date.now() + 75_000;
  let told = false;
  while (!(await isFree(port))) {
    if (Date.now() > deadline) throw new Error(`originals: port ${port} is busy; ${why}`);
    if (!told) log(`originals: port ${port} not bindable yet (in use, or TIME_WAIT from an earlier run); waiting up to 75 s`);
    told = true;
    await sleep(1_000);
  }
}

/**
 * Keeps a child's output flowing without keeping it (the herd original logs
 * every message to stderr), counting occurrences of `pattern` on the way.
 */
export function drain(child: Child, pattern?: string): () => number {
  let count = 0;
  let tail = '';
  for (const stream of [child.process.stdout, child.process.stderr]) {
    if (!stream) continue;
    stream.removeAllListeners('data');
    stream.on('data', (chunk: Buffer) => {
      if (!pattern) return;
      const text = tail + chunk.toString('latin1');
      for (let i = text.indexOf(pattern); i !== -1; i = text.indexOf(pattern, i + pattern.length)) count++;
      tail = text.slice(Math.max(text.length - pattern.length + 1, 0));
    });
  }
  return () => count;
}

export function pythonFor(wanted: string | undefined, needAiohttp: boolean): { exe: string; version: string } {
  const candidates = wanted ? [wanted] : ['python3', '/usr/bin/python3'];
  const probe = needAiohttp ? 'import sys, aiohttp; print(sys.executable, sys.version.split()[0])' : 'import sys; print(sys.executable, sys.version.split()[0])';
  for (const c of candidates) {
    try {
      const [exe, version] = execFileSync(c, ['-c', probe], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split(' ');
      // The interpreter itself, not a shim: its pid is the one whose CPU is read.
      return { exe: exe!, version: version! };
    } catch {
      // next
    }
  }
  throw new Error(`originals: no python3 among ${candidates.join(', ')}${needAiohttp ? ' can import aiohttp (the herd original imports it; e.g. apt-get install python3-aiohttp)' : ''}`);
}

export const pyEnv = () => ({ ...cleanEnv(), PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' });

export const kvOk = (answer: string): Outcome => (!/"status":\s*"OK"/.test(answer) ? 'error' : /"cache_hit":\s*true/.test(answer) ? 'ok' : 'miss');
export const kvLine = (n: number) => `GET ${KEYS[n % KEYS.length]}`;

export interface KvCluster {
  lb: number;
  nodes: number[];
  pids: number[];
}

/** The files each original must have, checked before anything starts. */
const ORIGINAL_FILES = {
  kv: ['origin/origin_server.py', 'proxy/proxy_node.py', 'load_balancer/load_balancer.py', 'origin/data'],
  herd: ['server.py', 'config.py'],
};

/** Throws naming the first missing file when `dir` is not a checkout of that original. */
export function checkOriginal(which: 'kv' | 'herd', dir: string): void {
  for (const f of ORIGINAL_FILES[which]) {
    if (!existsSync(join(dir, f))) throw new Error(`${join(dir, f)} not found (--${which} must be the ${which} original's checkout)`);
  }
}

export async function startOriginalKv(dir: string, py: string, ttl: number): Promise<KvCluster> {
  await waitFree(ORIGINAL_ORIGIN_PORT, 'the original origin_server.py binds it (fixed in its code)');
  const children: Child[] = [];
  const origin = spawnChild('original origin', py, [join(dir, 'origin/origin_server.py')], { cwd: join(dir, 'origin'), env: pyEnv() });
  children.push(origin);
  await waitForPort(ORIGINAL_ORIGIN_PORT);
  const nodes: number[] = [];
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    const args = [join(dir, 'proxy/proxy_node.py'), '--port', String(port), '--origin_port', String(ORIGINAL_ORIGIN_PORT), '--cache_type', 'ttl', '--ttl', String(ttl)];
    children.push(spawnChild(`original node ${port}`, py, args, { cwd: join(dir, 'proxy'), env: pyEnv() }));
    await waitForPort(port);
    nodes.push(port);
  }
  const lb = await freePort();
  const lbArgs = [join(dir, 'load_balancer/load_balancer.py'), '--port', String(lb), '--proxies', ...nodes.map((p) => `${HOST}:${p}`), '--strategy', 'round_robin'];
  children.push(spawnChild('original lb', py, lbArgs, { cwd: join(dir, 'load_balancer'), env: pyEnv() }));
  await waitForPort(lb);
  children.forEach((c) => drain(c));
  return { lb, nodes, pids: children.map((c) => c.pid) };
}

export async function startPiblKv(cwd: string, dataDir: string, ttl: number): Promise<KvCluster> {
  const children: Child[] = [];
  const origin = await startPibl('pibl origin', ['origin', '--port', String(await freePort()), '--data', dataDir], cwd);
  children.push(origin.child);
  const nodes: number[] = [];
  for (let i = 0; i < 3; i++) {
    const args = ['node', '--port', String(await freePort()), '--origin_port', String(origin.port), '--cache_type', 'ttl', '--ttl', String(ttl)];
    const node = await startPibl(`pibl node ${i + 1}`, args, cwd);
    children.push(node.child);
    nodes.push(node.port);
  }
  const lb = await startPibl('pibl lb', ['lb', '--port', String(await freePort()), '--proxies', ...nodes.map((p) => `${HOST}:${p}`), '--strategy', 'round_robin'], cwd);
  children.push(lb.child);
  children.forEach((c) => drain(c));
  return { lb: lb.port, nodes, pids: children.map((c) => c.pid) };
}

/** Every key cached on every node: through the balancer (round robin reaches each node), then straight to the first node. */
export async function primeKv(label: string, cluster: KvCluster): Promise<void> {
  for (const key of KEYS) {
    for (let i = 0; i < cluster.nodes.length * 2; i++) await oneShot(cluster.lb, `GET ${key}`);
    for (const node of cluster.nodes) {
      const answer = await oneShot(node, `GET ${key}`);
      if (kvOk(answer) !== 'ok') throw new Error(`originals: ${label} node ${node} did not answer ${key} from its cache: ${answer}`);
    }
  }
}

export interface Herd {
  ports: number[];
  pids: number[];
  peerMessages: () => number;
}

export async function startOriginalHerd(dir: string, py: string, logDir: string): Promise<Herd> {
  const server = join(dir, 'server.py');
  for (const port of ORIGINAL_HERD_PORTS) await waitFree(port, "the herd original's config.py assigns it");
  const children: Child[] = [];
  const counters: (() => number)[] = [];
  for (const [i, name] of HERD_NAMES.entries()) {
    // cwd: its log file (./<Name>.log) goes to a scratch folder; config.py is found next to server.py.
    const child = spawnChild(`original ${name}`, py, [server, name], { cwd: logDir, env: pyEnv() });
    await waitForPort(ORIGINAL_HERD_PORTS[i]!);
    children.push(child);
  }
  // Every AT line a server takes from a peer is logged as "Message received: 'AT ...".
  for (const c of children) counters.push(drain(c, "Message received: 'AT "));
  return { ports: ORIGINAL_HERD_PORTS, pids: children.map((c) => c.pid), peerMessages: () => counters.reduce((s, f) => s + f(), 0) };
}

export async function startPiblHerd(cwd: string): Promise<Herd> {
  const ports: number[] = [];
  for (let i = 0; i < HERD_NAMES.length; i++) ports.push(await freePort());
  const logDir = join(cwd, 'herd-logs');
  const ini = [
    '[herd]',
    `host = ${HOST}`,
    'places = offline',
    `log_dir = ${logDir}`,
    ...HERD_NAMES.flatMap((name, i) => [`[herd.${name}]`, `port = ${ports[i]}`, `neighbors = ${HERD_LINKS[name]!.join(', ')}`]),
  ].join('\n');
  const file = join(cwd, 'herd.ini');
  writeFileSync(file, `${ini}\n`);
  const children: Child[] = [];
  for (const name of HERD_NAMES) children.push((await startPibl(`pibl ${name}`, ['herd', name, '--config', file], cwd)).child);
  children.forEach((c) => drain(c));
  // Each AT line taken from a peer is a "RECEIVED from ...: AT " line of the receiver's log.
  const peerMessages = () => {
    let count = 0;
    for (const f of existsSync(logDir) ? readdirSync(logDir) : []) {
      const text = readFileSync(join(logDir, f), 'latin1');
      for (let i = text.indexOf(': AT '); i !== -1; i = text.indexOf(': AT ', i + 5)) {
        const lineStart = text.lastIndexOf('\n', i) + 1;
        if (text.startsWith('RECEIVED', text.indexOf(' ', lineStart) + 1)) count++;
      }
    }
    return count;
  };
  return { ports, pids: children.map((c) => c.pid), peerMessages };
}

/** POSIX time with microseconds, strictly increasing with n: every IAMAT is newer than the last, so every one floods. */
export function iamatTime(baseUs: number, n: number): string {
  const us = baseUs + n;
  return `${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, '0')}`;
}

