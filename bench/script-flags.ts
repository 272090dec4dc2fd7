/** `--name N` from a bench script's own arguments: a positive number, or the fallback. */
export function numberFlag(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const value = i === -1 ? undefined : Number(args[i + 1]);
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}
