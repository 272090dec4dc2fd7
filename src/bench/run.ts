import { PiblError } from '../common/errors.js';

// Placeholder until the benchmarks land (issue 7).
export async function runBench(_flags: Record<string, unknown>): Promise<number> {
  throw new PiblError('PIBL_ERR_NOT_IMPLEMENTED', 'pibl bench: the benchmarks are not built yet');
}
