import type { HostPort } from '../common/host-port.js';

export type StrategyName = 'round_robin' | 'priority' | 'weighted' | 'least_loaded';
export type HealthCheckKind = 'http' | 'tcp';
export type CacheStoreKind = 'memory' | 'disk';
export type PlacesProviderKind = 'offline' | 'google';
export type LogFormat = 'text' | 'json';

/** One upstream of the gateway (and of the gRPC listener). */
export interface BackendConfig {
  name: string;
  host: string;
  port: number;
  /** Lower is preferred by the `priority` strategy. */
  priority: number;
  /** Share of traffic under `weighted` (the JSON list's `load`). */
  weight: number;
}

export interface GatewayConfig {
  host: string;
  port: number;
  maxConn: number;
  /** Largest request head in bytes (request line + headers); larger -> 431. */
  bufferSize: number;
  adminToken: string;
  adminPrefix: string;
  kvPrefix: string;
  herdPrefix: string;
  connectTimeoutMs: number;
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
  /** How long a client may take to send its request head (slowloris bound). */
  headersTimeoutMs: number;
  drainTimeoutMs: number;
  logFormat: LogFormat;
  logFile: string;
  quiet: boolean;
}

export interface BalancerConfig {
  strategy: StrategyName;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  healthPath: string;
  maxFails: number;
  retries: number;
  healthCheck: HealthCheckKind;
  serversFile: string;
}

export interface CacheConfig {
  enabled: boolean;
  /** Seconds of heuristic freshness; 0 turns the heuristic off. */
  ttl: number;
  maxBytes: number;
  maxObjectBytes: number;
  store: CacheStoreKind;
  dir: string;
  /** Seconds a stale entry may be served when every backend is down. */
  grace: number;
}

export interface GrpcConfig {
  /** null: no gRPC listener. */
  port: number | null;
}

export interface KvConfig {
  origin: HostPort;
  nodes: HostPort[];
  balancer: HostPort;
  dataDir: string;
  cacheType: 'ttl' | 'lru';
  ttl: number;
  lruCapacity: number;
  strategy: 'round_robin' | 'least_loaded';
  pollIntervalMs: number;
}

export interface HerdServerConfig {
  name: string;
  /** Where peers and the gateway reach it, when not [herd] host (e.g. a compose service name). */
  host?: string;
  port: number;
  neighbors: string[];
}

export interface HerdConfig {
  host: string;
  places: PlacesProviderKind;
  placesUrl: string;
  placesApiKey: string;
  placesTimeoutMs: number;
  logDir: string;
  servers: HerdServerConfig[];
}

export interface Config {
  /** The file the values came from, or null when only defaults applied. */
  file: string | null;
  gateway: GatewayConfig;
  backends: BackendConfig[];
  balancer: BalancerConfig;
  cache: CacheConfig;
  grpc: GrpcConfig;
  kv: KvConfig;
  herd: HerdConfig;
}
