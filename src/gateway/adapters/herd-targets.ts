import { connect } from 'node:net';
import type { HerdConfig } from '../../config/types.js';
import { neighborsOf } from '../../herd/server.js';
import type { HerdService } from '../../herd/types.js';

/** One herd server as the gateway reaches it: over TCP always, and in process when `pibl up` runs it. */
export interface HerdTarget {
  name: string;
  host: string;
  port: number;
  /** Two-way links (SPEC §4), as the server floods them. */
  neighbors: string[];
  /** Present when the server runs in this process: its counters and store are read directly. */
  service?: HerdService;
}

/** A server listening on every interface is reached on loopback. */
export const reachableHost = (host: string) => (host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host);

/** The configured servers by name; an in-process service's bound port wins over the configured one. */
export function herdTargets(herd: HerdConfig, services: readonly HerdService[] = []): Map<string, HerdTarget> {
  const targets = new Map<string, HerdTarget>();
  for (const server of herd.servers) {
    const service = services.find((s) => s.serverName === server.name);
    targets.set(server.name, {
      name: server.name,
      host: reachableHost(service?.host ?? herd.host),
      port: service?.port ?? server.port,
      neighbors: neighborsOf(herd, server.name).map((p) => p.name),
      ...(service ? { service } : {}),
    });
  }
  return targets;
}

/** Whether something accepts a TCP connection at host:port within `timeoutMs`; the socket is closed at once. */
export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (up: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(up);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
