import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseIni } from 'ini';
import { badConfig } from '../common/errors.js';
import { parseHostPort, type HostPort } from '../common/host-port.js';
import { packagePath } from '../common/package-root.js';
import { DEFAULT_BACKENDS, DEFAULT_HERD, HERD_SERVER_KEYS, KEYS, envName, keyLabel, type KeySpec } from './schema.js';
import { readServersFile } from './servers-file.js';
import type { BackendConfig, Config, HerdServerConfig } from './types.js';
import { ValueError } from './values.js';

/** A value from one layer, with where it came from for error messages. */
interface Raw {
  value: string;
  origin: string;
}

export interface LoadOptions {
  /** `--config FILE`; when absent, ./parser.ini is used if it exists. */
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** From command-line flags: `section.key` (or `key` for section-less) -> value and the flag's name. */
  flags?: Record<string, { value: string; flag: string }>;
  cwd?: string;
}

const id = (section: string, key: string) => (section ? `${section}.${key}` : key);
const SERVER_KEY = /^ip_server(\d+)$/;

/** Precedence: flag > environment > config file > built-in default; everything validated here. */
export function loadConfig(options: LoadOptions = {}): Config {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const file = options.file ? resolve(cwd, options.file) : existsSync(resolve(cwd, 'parser.ini')) ? resolve(cwd, 'parser.ini') : null;

  const raw = new Map<string, Raw>();
  const herdSections = new Map<string, Map<string, Raw>>();
  const serverKeys = new Map<number, Raw>();
  if (file) readIniFile(file, raw, herdSections, serverKeys);

  for (const spec of KEYS) {
    for (const name of [envName(spec), ...(spec.env ?? [])]) {
      const value = env[name];
      if (value !== undefined && value !== '') raw.set(id(spec.section, spec.key), { value, origin: `environment ${name}` });
    }
  }
  for (const [key, { value, flag }] of Object.entries(options.flags ?? {})) raw.set(key, { value, origin: `flag ${flag}` });

  const get = <T>(section: string, key: string): T => {
    const spec = KEYS.find((s) => s.section === section && s.key === key)!;
    const given = raw.get(id(section, key));
    return parseValue(spec, given ?? { value: spec.default, origin: 'built-in default' }) as T;
  };
  const hostPort = (section: string, key: string): HostPort => {
    const given = raw.get(id(section, key)) ?? { value: KEYS.find((s) => s.section === section && s.key === key)!.default, origin: 'built-in default' };
    return wrap(given, keyLabel(section, key), () => parseHostPort(given.value));
  };

  const grpcPort = get<number | null>('grpc', 'port');
  const serversFile = get<string>('balancer', 'servers_file');
  const listed = serversFile ? readServersFile(resolve(file ? resolve(file, '..') : cwd, serversFile)) : undefined;
  const nodesRaw = raw.get('kv.nodes') ?? { value: KEYS.find((s) => s.key === 'nodes')!.default, origin: 'built-in default' };
  const dataDir = get<string>('kv', 'data');

  const places = get<'offline' | 'google'>('herd', 'places');
  const placesApiKey = get<string>('herd', 'places_api_key');
  if (places === 'google' && !placesApiKey) {
    const given = raw.get('herd.places')!;
    throw badConfig(`${given.origin}: [herd] places = "google": needs an API key (GOOGLE_PLACES_API_KEY or [herd] places_api_key), or places = offline`);
  }

  return {
    file,
    gateway: {
      host: get('', 'host'),
      port: get('', 'port'),
      maxConn: get('', 'max_conn'),
      bufferSize: get('', 'buffer_size'),
      adminToken: get('', 'admin_token'),
      adminPrefix: get('', 'admin_prefix'),
      kvPrefix: get('', 'kv_prefix'),
      herdPrefix: get('', 'herd_prefix'),
      connectTimeoutMs: get('', 'connect_timeout'),
      firstByteTimeoutMs: get('', 'read_timeout'),
      idleTimeoutMs: get('', 'idle_timeout'),
      headersTimeoutMs: get('', 'headers_timeout'),
      drainTimeoutMs: get('', 'drain_timeout'),
      logFormat: get('', 'log_format'),
      logFile: get('', 'log_file'),
      quiet: get('', 'quiet'),
    },
    backends: listed?.backends ?? backendsFrom(serverKeys),
    balancer: {
      strategy: get('balancer', 'strategy'),
      heartbeatIntervalMs: listed?.heartbeatIntervalMs ?? get('balancer', 'heartbeat_interval'),
      heartbeatTimeoutMs: listed?.heartbeatTimeoutMs ?? get('balancer', 'heartbeat_timeout'),
      healthPath: get('balancer', 'health_path'),
      maxFails: get('balancer', 'max_fails'),
      retries: get('balancer', 'retries'),
      // The JSON server list is the original gRPC proxy's, whose servers speak only HTTP/2:
      // unless told otherwise, probe them as it did, with a TCP connect.
      healthCheck: listed && !raw.has('balancer.health_check') ? 'tcp' : get('balancer', 'health_check'),
      serversFile,
    },
    cache: {
      enabled: get('cache', 'enabled'),
      ttl: get('', 'ttl'),
      maxBytes: get('cache', 'max_bytes'),
      maxObjectBytes: get('cache', 'max_object_bytes'),
      store: get('cache', 'store'),
      dir: resolve(cwd, get<string>('cache', 'dir')),
      grace: get('cache', 'grace'),
    },
    grpc: { port: grpcPort },
    kv: {
      origin: hostPort('kv', 'origin'),
      nodes: wrap(nodesRaw, '[kv] nodes', () => nodesRaw.value.split(',').map((s) => s.trim()).filter(Boolean).map((s) => parseHostPort(s))),
      balancer: hostPort('kv', 'balancer'),
      dataDir: dataDir ? resolve(cwd, dataDir) : packagePath('origin', 'data'),
      cacheType: get('kv', 'cache_type'),
      ttl: get('kv', 'ttl'),
      lruCapacity: get('kv', 'lru_capacity'),
      strategy: get('kv', 'strategy'),
      pollIntervalMs: get('kv', 'poll_interval'),
    },
    herd: {
      host: get('herd', 'host'),
      places,
      placesUrl: get('herd', 'places_url'),
      placesApiKey,
      placesTimeoutMs: get('herd', 'places_timeout'),
      logDir: resolve(cwd, get<string>('herd', 'log_dir')),
      servers: herdServers(herdSections, file ?? 'config'),
    },
  };
}

function parseValue(spec: KeySpec, given: Raw): unknown {
  if (spec.section === 'grpc' && spec.key === 'port' && given.value.trim() === '') return null;
  return wrap(given, keyLabel(spec.section, spec.key), () => spec.parse(given.value));
}

/** Turns a value error into one line naming where the value came from, the key and what is allowed. */
function wrap<T>(given: Raw, label: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    const allowed = err instanceof ValueError ? err.message : (err as Error).message;
    throw badConfig(`${given.origin}: ${label} = "${given.value.trim()}": ${allowed}`);
  }
}

function readIniFile(
  file: string,
  raw: Map<string, Raw>,
  herdSections: Map<string, Map<string, Raw>>,
  serverKeys: Map<number, Raw>,
): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw badConfig(`${file}: cannot read the config file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  // The ini package does not take a comment after a section header (`[kv] ; ...`).
  const doc = parseIni(text.replace(/^(\s*\[[^\]]*\])\s*[;#].*$/gm, '$1')) as Record<string, unknown>;
  const known = new Set(KEYS.map((s) => id(s.section, s.key)));
  const origin = file;
  const put = (section: string, key: string, parsed: unknown) => {
    const label = keyLabel(section, key);
    // The ini package turns `true`/`false` into booleans; the schema parses text.
    const value = typeof parsed === 'boolean' ? String(parsed) : parsed;
    if (typeof value !== 'string') throw badConfig(`${file}: ${label}: expected one value per key`);
    const match = section === '' ? SERVER_KEY.exec(key) : null;
    if (match) serverKeys.set(Number(match[1]), { value, origin: `${origin}: ${key}` });
    else if (!known.has(id(section, key))) throw badConfig(`${file}: ${label}: unknown key (see pibl init for the known ones)`);
    else raw.set(id(section, key), { value, origin });
  };
  for (const [name, value] of Object.entries(doc)) {
    if (value && typeof value === 'object') {
      // parser.py (configparser) wrote its keys under [DEFAULT].
      const section = name === 'DEFAULT' ? '' : name;
      for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
        if (section === 'herd' && inner && typeof inner === 'object') {
          herdSections.set(key, herdSectionValues(file, key, inner as Record<string, unknown>));
        } else put(section, key, inner);
      }
    } else put('', name, value);
  }
}

function herdSectionValues(file: string, name: string, values: Record<string, unknown>): Map<string, Raw> {
  const out = new Map<string, Raw>();
  for (const [key, value] of Object.entries(values)) {
    if (!HERD_SERVER_KEYS.some((s) => s.key === key) || typeof value !== 'string') {
      throw badConfig(`${file}: [herd.${name}] ${key}: unknown key (allowed: port, host, neighbors)`);
    }
    out.set(key, { value, origin: file });
  }
  return out;
}

function backendsFrom(serverKeys: Map<number, Raw>): BackendConfig[] {
  const entries = [...serverKeys.entries()].sort(([a], [b]) => a - b);
  if (entries.length === 0) {
    return DEFAULT_BACKENDS.map((addr, i) => ({ name: `server${i + 1}`, ...parseHostPort(addr), priority: i, weight: 1 }));
  }
  return entries.map(([n, given], i) => ({
    name: `server${n}`,
    // A bare host means port 8080, as the original backends listened.
    ...wrap(given, `ip_server${n}`, () => parseHostPort(given.value, 8080)),
    priority: i,
    weight: 1,
  }));
}

function herdServers(sections: Map<string, Map<string, Raw>>, file: string): HerdServerConfig[] {
  if (sections.size === 0) return DEFAULT_HERD.map((s) => ({ ...s, neighbors: [...s.neighbors] }));
  const [portSpec, , neighborSpec] = HERD_SERVER_KEYS as [KeySpec, KeySpec, KeySpec];
  const servers = [...sections.entries()].map(([name, values]): HerdServerConfig => {
    const port = values.get('port');
    if (!port) throw badConfig(`${file}: [herd.${name}] port: missing (allowed: a port from 1 to 65535)`);
    const neighbors = values.get('neighbors');
    const host = values.get('host')?.value.trim();
    return {
      name,
      ...(host ? { host } : {}),
      port: wrap(port, `[herd.${name}] port`, () => portSpec.parse(port.value) as number),
      neighbors: neighbors ? (neighborSpec.parse(neighbors.value) as string[]) : [],
    };
  });
  const names = new Set(servers.map((s) => s.name));
  for (const server of servers) {
    for (const n of server.neighbors) {
      if (!names.has(n)) throw badConfig(`${file}: [herd.${server.name}] neighbors: unknown server "${n}" (allowed: ${[...names].join(', ')})`);
    }
  }
  // Links are two-way: a link named on one side only is still a link.
  for (const server of servers) {
    for (const n of server.neighbors) {
      const other = servers.find((s) => s.name === n)!;
      if (!other.neighbors.includes(server.name)) other.neighbors.push(server.name);
    }
  }
  return servers;
}
