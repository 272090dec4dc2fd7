/**
 * Parsers for single config values. Each returns the value or throws a
 * plain message saying what is allowed; the loader adds where it came from.
 */
export class ValueError extends Error {}

export type ValueParser<T> = (text: string) => T;

export const str: ValueParser<string> = (text) => text.trim();

export function int(min: number, max = Number.MAX_SAFE_INTEGER): ValueParser<number> {
  return (text) => {
    const t = text.trim();
    if (!/^-?\d+$/.test(t) || Number(t) < min || Number(t) > max) {
      throw new ValueError(`allowed: a whole number from ${min} to ${max}`);
    }
    return Number(t);
  };
}

export function num(min: number, max = Number.MAX_VALUE, exclusiveMin = false): ValueParser<number> {
  return (text) => {
    const t = text.trim();
    const n = Number(t);
    if (t === '' || !Number.isFinite(n) || n < min || (exclusiveMin && n === min) || n > max) {
      throw new ValueError(`allowed: a number ${exclusiveMin ? 'above' : 'from'} ${min}${max < Number.MAX_VALUE ? ` to ${max}` : ''}`);
    }
    return n;
  };
}

/** Seconds as written in the file, milliseconds inside. */
export const seconds = (min = 0, exclusiveMin = true): ValueParser<number> => {
  const parse = num(min, 86_400, exclusiveMin);
  return (text) => Math.round(parse(text) * 1000);
};

export function oneOf<T extends string>(...allowed: T[]): ValueParser<T> {
  return (text) => {
    const t = text.trim() as T;
    if (!allowed.includes(t)) throw new ValueError(`allowed: ${allowed.join(' | ')}`);
    return t;
  };
}

export const bool: ValueParser<boolean> = (text) => {
  const t = text.trim().toLowerCase();
  if (['true', 'yes', 'on', '1'].includes(t)) return true;
  if (['false', 'no', 'off', '0'].includes(t)) return false;
  throw new ValueError('allowed: true | false');
};

export const port: ValueParser<number> = (text) => {
  const t = text.trim();
  if (!/^\d+$/.test(t) || Number(t) > 65535) throw new ValueError('allowed: a port from 0 to 65535 (0 = any free port)');
  return Number(t);
};

/** A URL path prefix: starts with `/`, no trailing `/`, no spaces. */
export const prefix: ValueParser<string> = (text) => {
  const t = text.trim();
  if (!/^\/[A-Za-z0-9._~\-/]*[^/]$/.test(t) || t.includes('//')) {
    throw new ValueError('allowed: a path prefix such as /-, /kv or /herd (leading /, no trailing /)');
  }
  return t;
};

export const path: ValueParser<string> = (text) => {
  const t = text.trim();
  if (!t.startsWith('/') || /\s/.test(t)) throw new ValueError('allowed: an absolute URL path such as /health');
  return t;
};

export const list: ValueParser<string[]> = (text) =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
