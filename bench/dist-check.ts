/**
 * The bench measures dist/ (what users run), so a src/ edited since the last
 * build would be measured stale without a word. This says so.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The first src/ file newer than its dist/ counterpart, or undefined when dist/ is current. */
export function staleDistFile(): string | undefined {
  const src = join(ROOT, 'src');
  if (!existsSync(src)) return undefined;
  const walk = (dir: string): string | undefined => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        const found = walk(path);
        if (found) return found;
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const built = join(ROOT, 'dist', relative(src, path)).replace(/\.ts$/, '.js');
        if (!existsSync(built) || statSync(built).mtimeMs < statSync(path).mtimeMs) return relative(ROOT, path);
      }
    }
    return undefined;
  };
  return walk(src);
}
