import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';

/** A temporary folder removed by the returned function. */
export function tempDir(prefix = 'pibl-test-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Loads a Config from parser.ini text written to a temp file, as a user's
 * file would be, with the gateway on an ephemeral loopback port and quiet
 * access logs unless the text says otherwise.
 */
export function configFromIni(ini: string, env: NodeJS.ProcessEnv = {}): Config {
  const { dir, remove } = tempDir();
  try {
    const file = join(dir, 'parser.ini');
    const head = /^\s*host\s*=/m.test(ini) ? '' : 'host = 127.0.0.1\n';
    const port = /^\s*port\s*=/m.test(ini.split(/^\[/m)[0] ?? '') ? '' : 'port = 0\n';
    writeFileSync(file, head + port + ini);
    return loadConfig({ file, env, cwd: dir });
  } finally {
    remove();
  }
}

export const backendLines = (ports: number[]) => ports.map((p, i) => `ip_server${i + 1} = 127.0.0.1:${p}`).join('\n');
