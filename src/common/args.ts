import { badFlag } from './errors.js';

/**
 * A small flag parser for the CLI. It accepts `--flag value`, `--flag=value`,
 * boolean flags, and flags taking several values (`--proxies A B C`), which
 * node:util's parseArgs cannot express; the original kv balancer's
 * `--proxies` took its list that way.
 */
export interface FlagSpec {
  kind: 'string' | 'boolean' | 'many';
  help: string;
  /** Shown in help as `--flag VALUE`. */
  value?: string;
}

export type FlagSpecs = Record<string, FlagSpec>;

export interface ParsedArgs {
  flags: Record<string, string | boolean | string[]>;
  positionals: string[];
}

export function parseFlags(argv: string[], specs: FlagSpecs, command: string): ParsedArgs {
  const flags: ParsedArgs['flags'] = {};
  const positionals: string[] = [];
  const fail = (message: string) => badFlag(`pibl ${command}: ${message} (see pibl ${command} --help)`);
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (!token.startsWith('--') || token === '--') {
      positionals.push(token);
      continue;
    }
    const eq = token.indexOf('=');
    const name = token.slice(2, eq === -1 ? undefined : eq);
    const spec = specs[name];
    if (!spec) throw fail(`unknown flag --${name}`);
    const inline = eq === -1 ? undefined : token.slice(eq + 1);
    if (spec.kind === 'boolean') {
      if (inline !== undefined && !['true', 'false'].includes(inline)) throw fail(`--${name} takes no value`);
      flags[name] = inline !== 'false';
    } else if (spec.kind === 'string') {
      const value = inline ?? argv[++i];
      if (value === undefined || (inline === undefined && value.startsWith('--'))) throw fail(`--${name} needs a value`);
      flags[name] = value;
    } else {
      const values = inline !== undefined ? inline.split(',').filter(Boolean) : [];
      while (inline === undefined && i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) values.push(argv[++i]!);
      if (values.length === 0) throw fail(`--${name} needs at least one value`);
      flags[name] = [...((flags[name] as string[] | undefined) ?? []), ...values];
    }
  }
  return { flags, positionals };
}

export function formatHelp(usage: string, summary: string, specs: FlagSpecs): string {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const left = `  --${name}${spec.value ? ` ${spec.value}` : ''}`;
    return `${left.padEnd(30)} ${spec.help}`;
  });
  return `Usage: ${usage}\n\n${summary}\n\nFlags:\n${rows.join('\n')}\n`;
}
