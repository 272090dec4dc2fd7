import { PiblError } from '../common/errors.js';
import type { Service } from '../common/service.js';

// Placeholder until the kv cluster lands (issue 4).
export interface NodeOptions {
  host: string; port: number; originHost: string; originPort: number;
  cacheType: 'ttl' | 'lru'; ttlSeconds: number; lruCapacity: number; idleTimeoutMs?: number;
}
export async function startNode(_options: NodeOptions): Promise<Service> {
  throw new PiblError('PIBL_ERR_NOT_IMPLEMENTED', 'pibl node: the kv cluster is not built yet');
}
