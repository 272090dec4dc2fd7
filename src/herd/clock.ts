/**
 * Times are decimal strings on the wire and are compared and subtracted
 * exactly, in BigInt nanoseconds, because a double holds a POSIX time only to
 * about 0.2 µs: nine decimals of diff and "strictly newer" must not depend on
 * floating-point rounding.
 */
const POSIX_TIME = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const SIGNED_DECIMAL = /^[+-]?\d+(?:\.\d+)?$/;
const NANOS = 1_000_000_000n;

export const isPosixTime = (text: string) => POSIX_TIME.test(text);
export const isSignedDecimal = (text: string) => SIGNED_DECIMAL.test(text);

function split(text: string): { negative: boolean; int: string; frac: string } {
  const negative = text.startsWith('-');
  const body = text.replace(/^[+-]/, '');
  const dot = body.indexOf('.');
  const int = (dot === -1 ? body : body.slice(0, dot)) || '0';
  const frac = dot === -1 ? '' : body.slice(dot + 1);
  return { negative, int, frac };
}

/** A POSIX time text scaled by 10^scale, exactly (digits past the scale are dropped). */
function scaled(text: string, scale: number): bigint {
  const { negative, int, frac } = split(text);
  const value = BigInt(int + frac.slice(0, scale).padEnd(scale, '0'));
  return negative ? -value : value;
}

/** -1, 0 or 1 as `a` is older, equal or newer than `b`, exactly. */
export function compareTimes(a: string, b: string): number {
  const scale = Math.max(split(a).frac.length, split(b).frac.length);
  const x = scaled(a, scale);
  const y = scaled(b, scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

export const toNanos = (text: string): bigint => scaled(text, 9);

/** The server's wall clock in nanoseconds, with sub-millisecond digits when the monotonic clock agrees. */
export function nowNanos(): bigint {
  const wall = Date.now();
  const precise = performance.timeOrigin + performance.now();
  // The monotonic clock does not follow wall-clock steps; trust it only while it agrees.
  const ms = Math.abs(precise - wall) < 1 ? precise : wall;
  return BigInt(Math.round(ms * 1000)) * 1000n;
}

/** `+0.263873386`, `-99.978398085`: an explicit sign and nine decimals (SPEC §4). */
export function formatDiff(nanos: bigint): string {
  const sign = nanos < 0n ? '-' : '+';
  const abs = nanos < 0n ? -nanos : nanos;
  return `${sign}${abs / NANOS}.${(abs % NANOS).toString().padStart(9, '0')}`;
}

export const diffSince = (clientTime: string, receivedNanos: bigint = nowNanos()) =>
  formatDiff(receivedNanos - toNanos(clientTime));
