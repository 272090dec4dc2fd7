import * as v from './values.js';

/**
 * Every config key pibl knows, with its default as it is written in
 * parser.ini. Section '' holds the section-less gateway keys that the
 * original parser.py wrote under [DEFAULT]. A key's environment variable is
 * PIBL_<SECTION>_<KEY> (PIBL_<KEY> for section-less keys) unless `env` names
 * others (the seed's own variables).
 */
export interface KeySpec {
  section: string;
  key: string;
  parse: v.ValueParser<unknown>;
  default: string;
  env?: string[];
  /** One line for `pibl init` and the README's reference. */
  doc: string;
}

const k = (section: string, key: string, parse: v.ValueParser<unknown>, def: string, doc: string, env?: string[]): KeySpec => ({
  section,
  key,
  parse,
  default: def,
  doc,
  ...(env ? { env } : {}),
});

export const KEYS: KeySpec[] = [
  k('', 'host', v.str, '0.0.0.0', 'gateway listen address'),
  k('', 'port', v.port, '8080', 'gateway listen port'),
  k('', 'max_conn', v.int(1, 1_000_000), '1024', 'concurrent client connections accepted; more are refused and counted'),
  k('', 'buffer_size', v.int(1024, 1_048_576), '8192', 'largest request head (request line + headers) in bytes; larger -> 431'),
  k('', 'ttl', v.int(0, 31_536_000), '180', 'seconds a response stays fresh when the backend gives no freshness; 0 = none'),
  k('', 'admin_token', v.str, '', 'when set, state-changing admin routes need Authorization: Bearer <token>'),
  k('', 'admin_prefix', v.prefix, '/-', 'URL prefix of the admin routes and the dashboard'),
  k('', 'kv_prefix', v.prefix, '/kv', 'URL prefix of the kv adapter'),
  k('', 'herd_prefix', v.prefix, '/herd', 'URL prefix of the herd adapter'),
  k('', 'connect_timeout', v.seconds(), '5', 'seconds to connect to a backend; past it -> 504'),
  k('', 'read_timeout', v.seconds(), '60', 'seconds to the first byte of a backend answer; past it -> 504'),
  k('', 'idle_timeout', v.seconds(), '60', 'seconds a backend or client connection may stay silent mid-transfer'),
  k('', 'headers_timeout', v.seconds(), '10', 'seconds a client has to send its request head'),
  k('', 'drain_timeout', v.seconds(), '10', 'seconds in-flight requests get to finish on SIGTERM/SIGINT'),
  k('', 'log_format', v.oneOf('text', 'json'), 'text', 'access log: text (the original lines) | json (pino)'),
  k('', 'log_file', v.str, '', 'also append log lines to this file'),
  k('', 'quiet', v.bool, 'false', 'no access log lines'),

  k('balancer', 'strategy', v.oneOf('round_robin', 'priority', 'weighted', 'least_loaded'), 'round_robin', 'round_robin | priority | weighted | least_loaded'),
  k('balancer', 'heartbeat_interval', v.seconds(), '10', 'seconds between active health probes'),
  k('balancer', 'heartbeat_timeout', v.seconds(), '5', 'seconds before a probe counts as failed'),
  k('balancer', 'health_path', v.path, '/', 'path probed on each backend'),
  k('balancer', 'max_fails', v.int(1, 1000), '3', 'consecutive failures that eject a backend'),
  k('balancer', 'retries', v.int(0, 100), '2', 'other backends tried when one fails before answering'),
  k('balancer', 'health_check', v.oneOf('http', 'tcp'), 'http', 'http (GET health_path) | tcp (connect only)'),
  k('balancer', 'servers_file', v.str, '', 'JSON server list instead of ip_serverN', ['PROXY_SERVER_CONFIG']),

  k('cache', 'enabled', v.bool, 'true', 'response cache on or off'),
  k('cache', 'max_bytes', v.int(0, Number.MAX_SAFE_INTEGER), '67108864', 'memory bound of the response cache; LRU eviction past it'),
  k('cache', 'max_object_bytes', v.int(0, Number.MAX_SAFE_INTEGER), '1048576', 'largest body stored'),
  k('cache', 'store', v.oneOf('memory', 'disk'), 'memory', 'memory | disk'),
  k('cache', 'dir', v.str, '.pibl-cache', 'folder of the disk store'),
  k('cache', 'grace', v.int(0, 31_536_000), '300', 'seconds a stale entry may be served when every backend is down'),

  k('grpc', 'port', v.port, '', 'gRPC listener port (empty: none)', ['PROXY_SERVER_PORT']),

  k('kv', 'origin', v.str, '127.0.0.1:8000', 'kv origin address'),
  k('kv', 'nodes', v.str, '127.0.0.1:8001, 127.0.0.1:8002, 127.0.0.1:8003', 'kv node addresses'),
  k('kv', 'balancer', v.str, '127.0.0.1:9000', 'kv balancer address'),
  k('kv', 'data', v.str, '', 'origin data folder (empty: the origin/data shipped with pibl)'),
  k('kv', 'cache_type', v.oneOf('ttl', 'lru'), 'ttl', 'node cache: ttl | lru'),
  k('kv', 'ttl', v.num(0, 31_536_000, true), '30', 'seconds a node keeps an entry (ttl cache)'),
  k('kv', 'lru_capacity', v.int(1, 10_000_000), '100', 'entries a node keeps (lru cache)'),
  k('kv', 'strategy', v.oneOf('round_robin', 'least_loaded'), 'round_robin', 'kv balancer: round_robin | least_loaded'),
  k('kv', 'poll_interval', v.seconds(), '2', 'seconds between the balancer\'s METRICS polls'),

  k('herd', 'host', v.str, '127.0.0.1', 'herd listen address'),
  k('herd', 'places', v.oneOf('offline', 'google'), 'offline', 'offline | google (google needs GOOGLE_PLACES_API_KEY)'),
  k('herd', 'places_url', v.str, 'https://maps.googleapis.com/maps/api/place/nearbysearch/json', 'Nearby Search endpoint'),
  k('herd', 'places_api_key', v.str, '', 'Google Places API key', ['GOOGLE_PLACES_API_KEY']),
  k('herd', 'places_timeout', v.seconds(), '5', 'seconds a places look-up may take'),
  k('herd', 'log_dir', v.str, 'logs', 'folder of the per-server log files'),
];

/** Per-server keys of a `[herd.NAME]` section. */
export const HERD_SERVER_KEYS: KeySpec[] = [
  k('herd.*', 'port', v.port, '', 'listen port'),
  k('herd.*', 'host', v.str, '', 'address peers reach it at (default: [herd] host)'),
  k('herd.*', 'neighbors', v.list, '', 'names of the servers it floods to'),
];

/** The Spring 2021 topology: Riley-Jaquez, Riley-Juzang, Bernard-{Jaquez,Juzang,Campbell}, Juzang-Campbell. */
export const DEFAULT_HERD = [
  { name: 'Riley', port: 11645, neighbors: ['Jaquez', 'Juzang'] },
  { name: 'Jaquez', port: 11646, neighbors: ['Riley', 'Bernard'] },
  { name: 'Juzang', port: 11647, neighbors: ['Riley', 'Campbell', 'Bernard'] },
  { name: 'Campbell', port: 11648, neighbors: ['Juzang', 'Bernard'] },
  { name: 'Bernard', port: 11649, neighbors: ['Jaquez', 'Juzang', 'Campbell'] },
];

export const DEFAULT_BACKENDS = ['127.0.0.1:8081', '127.0.0.1:8082', '127.0.0.1:8083'];

export const envName = (spec: KeySpec) =>
  spec.section ? `PIBL_${spec.section.toUpperCase()}_${spec.key.toUpperCase()}` : `PIBL_${spec.key.toUpperCase()}`;

export const keyLabel = (section: string, key: string) => (section ? `[${section}] ${key}` : key);
