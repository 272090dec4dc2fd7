/**
 * Shared by the `pibl up` tests: a parser.ini that puts every part of the
 * stack on ports that were free a moment ago, and checks that nothing is
 * left listening afterwards.
 */
import { connect } from 'node:net';
import { freePorts } from '../herd/helpers.js';

export const HERD_NAMES = ['Riley', 'Jaquez', 'Juzang', 'Campbell', 'Bernard'];

export interface StackPorts {
  gateway: number;
  backends: number[];
  origin: number;
  nodes: number[];
  balancer: number;
  herd: number[];
}

/** 14 distinct ports (listened on together, then released). */
export async function stackPorts(): Promise<StackPorts> {
  const p = await freePorts(14);
  return { gateway: p[0]!, backends: p.slice(1, 4), origin: p[4]!, nodes: p.slice(5, 8), balancer: p[8]!, herd: p.slice(9, 14) };
}

export const allPorts = (p: StackPorts) => [p.gateway, ...p.backends, p.origin, ...p.nodes, p.balancer, ...p.herd];

/** The whole stack on `ports`, the gateway on loopback; herd logs under `logDir`. */
export function stackIni(p: StackPorts, logDir: string): string {
  const at = (port: number) => `127.0.0.1:${port}`;
  const links: Record<string, string[]> = {
    Riley: ['Jaquez', 'Juzang'],
    Jaquez: ['Riley', 'Bernard'],
    Juzang: ['Riley', 'Campbell', 'Bernard'],
    Campbell: ['Juzang', 'Bernard'],
    Bernard: ['Jaquez', 'Juzang', 'Campbell'],
  };
  return [
    'host = 127.0.0.1',
    `port = ${p.gateway}`,
    'quiet = true',
    ...p.backends.map((port, i) => `ip_server${i + 1} = ${at(port)}`),
    '[balancer]',
    'heartbeat_interval = 1',
    '[kv]',
    `origin = ${at(p.origin)}`,
    `nodes = ${p.nodes.map(at).join(', ')}`,
    `balancer = ${at(p.balancer)}`,
    'poll_interval = 0.2',
    '[herd]',
    `log_dir = ${logDir}`,
    ...HERD_NAMES.flatMap((name, i) => [`[herd.${name}]`, `port = ${p.herd[i]}`, `neighbors = ${links[name]!.join(', ')}`]),
    '',
  ].join('\n');
}

/** Whether something accepts connections on 127.0.0.1:port. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
