/**
 * nginx as the reference proxy, when it is installed: the bench writes its
 * own config into a temp dir (nothing of the system's nginx is read or
 * touched), starts nginx in the foreground, and stops it with SIGQUIT.
 *
 * The config is the usual tuned reverse proxy: an upstream with `keepalive
 * 64` spoken to in HTTP/1.1 (without it nginx opens a connection per
 * request), and a second server block with `proxy_cache` for the hit
 * scenario. The demo backend sends no freshness headers, so
 * `proxy_cache_valid` plays the part of pibl's `ttl`.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { childPids } from './cpu.js';
import { freePort, HOST, spawnChild, waitForPort, type Child } from './processes.js';

export interface NginxInstance {
  /** "1" or "auto". */
  workers: string;
  missPort: number;
  hitPort: number;
  /** Master and its children (workers, cache manager and loader), for the CPU figures. */
  pids(): number[];
  /** Worker processes proper, for the table's notes. */
  workerCount(): number;
}

const isWorker = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('worker process');
  } catch {
    return false;
  }
};

/** nginx's version, or undefined when nginx is not on PATH. */
export function nginxVersion(): string | undefined {
  const probe = spawnSync('nginx', ['-v'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 5_000 });
  if (probe.error) return undefined;
  return /nginx\/(\S+)/.exec(`${probe.stdout}\n${probe.stderr}`)?.[1] ?? '?';
}

export function nginxConfig(options: { dir: string; workers: string; backends: number[]; missPort: number; hitPort: number; root: boolean }): string {
  const d = (name: string) => join(options.dir, name);
  const upstream = options.backends.map((p) => `    server ${HOST}:${p};`).join('\n');
  const proxy = `proxy_pass http://backends;
      proxy_http_version 1.1;
      proxy_set_header Connection "";`;
  return `# Written by pibl's bench; removed when the bench ends.
${options.root ? 'user root;  # the bench runs as root: workers must reach this temp dir\n' : ''}daemon off;
master_process on;
worker_processes ${options.workers};
pid ${d('nginx.pid')};
error_log ${d('error.log')} warn;
events {
  worker_connections 4096;
}
http {
  access_log off;
  client_body_temp_path ${d('client_body')};
  proxy_temp_path ${d('proxy_temp')};
  fastcgi_temp_path ${d('fastcgi_temp')};
  uwsgi_temp_path ${d('uwsgi_temp')};
  scgi_temp_path ${d('scgi_temp')};
  proxy_cache_path ${d('cache')} levels=1:2 keys_zone=bench:10m max_size=64m inactive=1h use_temp_path=off;
  upstream backends {
${upstream}
    keepalive 64;
  }
  server {
    listen ${HOST}:${options.missPort};
    location / {
      ${proxy}
    }
  }
  server {
    listen ${HOST}:${options.hitPort};
    location / {
      ${proxy}
      proxy_cache bench;
      proxy_cache_valid 200 1h;
      add_header X-Cache-Status $upstream_cache_status;
    }
  }
}
`;
}

export async function startNginx(dir: string, workers: string, backends: number[]): Promise<NginxInstance> {
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  const missPort = await freePort();
  const hitPort = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, nginxConfig({ dir, workers, backends, missPort, hitPort, root: process.getuid?.() === 0 }));
  // -e: the error log before the config is read, else nginx tries /var/log/nginx.
  const master: Child = spawnChild(`nginx (worker_processes ${workers})`, 'nginx', ['-e', join(dir, 'error.log'), '-p', dir, '-c', conf], {
    stopSignal: 'SIGQUIT',
    graceMs: 5_000,
    extraPids: () => childPids(master.pid),
  });
  // nginx prints nothing when it is up: race its ports against an early exit.
  const up = Promise.all([waitForPort(missPort), waitForPort(hitPort)]).then(
    () => undefined,
    (err: Error) => err,
  );
  const failed = await Promise.race([up, master.exited]);
  if (failed) throw failed;
  return {
    workers,
    missPort,
    hitPort,
    pids: () => [master.pid, ...childPids(master.pid)],
    workerCount: () => childPids(master.pid).filter(isWorker).length,
  };
}
