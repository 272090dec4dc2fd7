import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The installed package's root: two levels above this file in both src/ and dist/. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const packagePath = (...parts: string[]) => join(PACKAGE_ROOT, ...parts);
