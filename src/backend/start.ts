import { PiblError } from '../common/errors.js';
import type { Service } from '../common/service.js';

export interface BackendOptions { host: string; port: number; name: string; dataDir: string }
// Placeholder until the demo backend lands.
export async function startBackend(_options: BackendOptions): Promise<Service> {
  throw new PiblError('PIBL_ERR_NOT_IMPLEMENTED', 'pibl backend: not built yet');
}
