import { PiblError } from '../common/errors.js';
import type { HostPort } from '../common/host-port.js';
import type { Service } from '../common/service.js';

// Placeholder until the kv cluster lands (issue 4).
export interface BalancerOptions {
  host: string; port: number; proxies: HostPort[]; strategy: 'round_robin' | 'least_loaded';
  pollIntervalMs: number; failThreshold?: number; idleTimeoutMs?: number;
}
export async function startBalancer(_options: BalancerOptions): Promise<Service> {
  throw new PiblError('PIBL_ERR_NOT_IMPLEMENTED', 'pibl lb: the kv cluster is not built yet');
}
