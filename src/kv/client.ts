import { PiblError } from '../common/errors.js';

// Placeholder until the kv cluster lands (issue 4).
export interface ClientOptions {
  host: string; port: number; get: string | undefined; metrics: boolean;
  out: (text: string) => void; err: (text: string) => void;
}
export async function runClient(_options: ClientOptions): Promise<number> {
  throw new PiblError('PIBL_ERR_NOT_IMPLEMENTED', 'pibl client: the kv cluster is not built yet');
}
