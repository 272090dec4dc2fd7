import { readFileSync } from 'node:fs';
import { badConfig } from '../common/errors.js';
import type { BackendConfig } from './types.js';

/**
 * The original gRPC proxy's JSON server list (PROXY_SERVER_CONFIG):
 * `{ heartbeatInterval, heartbeatTimeout, servers: [{priority, name, address, port, load}] }`.
 */
export interface ServersFile {
  backends: BackendConfig[];
  heartbeatIntervalMs?: number;
  heartbeatTimeoutMs?: number;
}

export function readServersFile(file: string): ServersFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw badConfig(`${file}: cannot read the server list: ${(err as Error).message}`);
  }
  return parseServersFile(raw, file);
}

export function parseServersFile(raw: unknown, file: string): ServersFile {
  const fail = (what: string) => badConfig(`${file}: ${what}`);
  if (!raw || typeof raw !== 'object') throw fail('expected a JSON object with "servers"');
  const doc = raw as Record<string, unknown>;
  if (!Array.isArray(doc.servers) || doc.servers.length === 0) throw fail('"servers" must be a non-empty array');
  const positive = (value: unknown, key: string) => {
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !(value > 0)) throw fail(`"${key}" must be a number of seconds above 0`);
    return Math.round(value * 1000);
  };
  const backends = doc.servers.map((entry: unknown, i: number): BackendConfig => {
    const where = `servers[${i}]`;
    if (!entry || typeof entry !== 'object') throw fail(`${where} must be an object`);
    const s = entry as Record<string, unknown>;
    if (typeof s.address !== 'string' || !s.address.trim()) throw fail(`${where}.address must be a host name or address`);
    if (!Number.isInteger(s.port) || (s.port as number) < 1 || (s.port as number) > 65535) {
      throw fail(`${where}.port must be a port from 1 to 65535`);
    }
    const priority = s.priority ?? i;
    if (typeof priority !== 'number' || !Number.isFinite(priority)) throw fail(`${where}.priority must be a number`);
    const load = s.load ?? 1;
    if (typeof load !== 'number' || !(load > 0)) throw fail(`${where}.load must be a number above 0`);
    const name = s.name ?? `${s.address}:${s.port}`;
    if (typeof name !== 'string') throw fail(`${where}.name must be a string`);
    return { name, host: s.address.trim(), port: s.port as number, priority, weight: load };
  });
  const seen = new Set<string>();
  for (const b of backends) {
    // Logs, metrics and /-/status know backends by name.
    if (seen.has(b.name)) throw fail(`two servers are named "${b.name}" (names must be unique)`);
    seen.add(b.name);
  }
  const result: ServersFile = { backends };
  const interval = positive(doc.heartbeatInterval, 'heartbeatInterval');
  const timeout = positive(doc.heartbeatTimeout, 'heartbeatTimeout');
  if (interval !== undefined) result.heartbeatIntervalMs = interval;
  if (timeout !== undefined) result.heartbeatTimeoutMs = timeout;
  return result;
}
