import { PiblError } from '../common/errors.js';
import type { Service } from '../common/service.js';
import type { Config } from '../config/types.js';

// Placeholder until the gateway lands.
export async function startGateway(_config: Config): Promise<Service> {
  throw new PiblError('PIBL_ERR_NOT_IMPLEMENTED', 'pibl gateway: not built yet');
}
