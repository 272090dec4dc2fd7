import type { Registry } from 'prom-client';
import { PiblError } from '../../common/errors.js';
import type { Strategy } from '../../common/strategies.js';
import type { AccessLog } from '../access-log.js';
import type { Backend, BackendPool } from '../backend-pool.js';
import type { HealthMonitor } from '../health-monitor.js';

// Placeholder until the gRPC listener lands (issue 9).
export interface GrpcListenerOptions {
  host: string;
  port: number;
  pool: BackendPool;
  health: HealthMonitor;
  strategy: Strategy<Backend>;
  registry: Registry;
  log: AccessLog;
  retries: number;
  connectTimeoutMs: number;
}
export interface GrpcListener {
  readonly port: number;
  close(): Promise<void>;
}
export async function startGrpcListener(_options: GrpcListenerOptions): Promise<GrpcListener> {
  throw new PiblError('PIBL_ERR_NOT_IMPLEMENTED', 'gRPC listener: not built yet');
}
