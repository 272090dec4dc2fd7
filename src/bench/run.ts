import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { packagePath } from '../common/package-root.js';

/**
 * `pibl bench`: the benchmark lives in bench/*.ts, outside the build, and
 * runs with tsx (a dev dependency), so this command hands over to it in a
 * child process: the figures are then the same as `npm run bench`'s, and a
 * published install (no bench/, no tsx) says what it needs in one line.
 */
const NEEDS_CHECKOUT = 'pibl bench needs the dev dependencies: run npm install in a checkout';

/** tsx's loader as a file URL, so that the child finds it whatever the working directory. */
function tsxLoader(): string | undefined {
  try {
    return pathToFileURL(createRequire(packagePath('package.json')).resolve('tsx')).href;
  } catch {
    return undefined;
  }
}

/** The parsed `pibl bench` flags back as arguments for bench/run.ts. */
export function benchArgs(flags: Record<string, unknown>): string[] {
  const args: string[] = [];
  for (const [name, value] of Object.entries(flags)) {
    if (name === 'help' || value === undefined || value === false) continue;
    if (value === true) args.push(`--${name}`);
    else args.push(`--${name}`, String(value));
  }
  return args;
}

export async function runBench(flags: Record<string, unknown>): Promise<number> {
  const script = packagePath('bench', 'run.ts');
  const loader = tsxLoader();
  if (!loader || !existsSync(script)) {
    process.stderr.write(`${NEEDS_CHECKOUT}\n`);
    return 1;
  }
  const child = spawn(process.execPath, ['--import', loader, script, ...benchArgs(flags)], { stdio: 'inherit' });
  // Ctrl-C reaches the whole process group: the bench stops its own children
  // and exits; this process only waits for it. A SIGTERM sent to this process
  // alone is passed on.
  const ignore = () => {};
  const forward = () => child.kill('SIGTERM');
  process.on('SIGINT', ignore);
  process.on('SIGTERM', forward);
  try {
    return await new Promise<number>((resolve) => {
      child.once('error', (err) => {
        process.stderr.write(`pibl bench: ${err.message}\n`);
        resolve(1);
      });
      child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
  } finally {
    process.off('SIGINT', ignore);
    process.off('SIGTERM', forward);
  }
}
