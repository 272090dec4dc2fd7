import { PiblError } from '../common/errors.js';
import type { Service } from '../common/service.js';
import type { HerdConfig } from '../config/types.js';

// Placeholder until the herd lands (issue 5).
export interface HerdServerOptions { name: string; herd: HerdConfig; port?: number }
export async function startHerdServer(_options: HerdServerOptions): Promise<Service> {
  throw new PiblError('PIBL_ERR_NOT_IMPLEMENTED', 'pibl herd: the herd is not built yet');
}
