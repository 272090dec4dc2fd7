/** `--name N` from a bench script's own arguments: a positive number, or the fallback. */
export function numberFlag(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const value = i === -1 ? undefined : Number(args[i + 1]);
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** What the kv and herd load scripts take when run by themselves: `--connections N --duration S [--json]`. */
export function loadScriptOptions(args: string[], defaultDurationS: number): { connections: number; durationMs: number; json: boolean } {
  return {
    connections: Math.floor(numberFlag(args, 'connections', 32)),
    durationMs: Math.round(numberFlag(args, 'duration', defaultDurationS) * 1000),
    json: args.includes('--json'),
  };
}
