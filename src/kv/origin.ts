import { PiblError } from '../common/errors.js';
import type { Service } from '../common/service.js';

// Placeholder until the kv cluster lands (issue 4).
export interface OriginOptions { host: string; port: number; dataDir: string; idleTimeoutMs?: number }
export async function startOrigin(_options: OriginOptions): Promise<Service> {
  throw new PiblError('PIBL_ERR_NOT_IMPLEMENTED', 'pibl origin: the kv cluster is not built yet');
}
