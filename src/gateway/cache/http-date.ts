/**
 * HTTP-date (RFC 9110 §5.6.7): IMF-fixdate, and the obsolete RFC 850 and
 * asctime forms a recipient must still accept. Date.parse accepts far more
 * (`UTC`, two-digit years, dashes, one-digit hours...), which would make an
 * invalid Expires look like a future one; RFC 9111 §5.3 says an invalid
 * Expires means "already expired".
 */
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY = '(?:mon|tue|wed|thu|fri|sat|sun)';
const LONG_DAY = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)';
const MONTH = '(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)';
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';

// Names compare case-insensitively; everything else is exact, single spaces included.
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`, 'i');
const RFC850 = new RegExp(`^${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`, 'i');
const ASCTIME = new RegExp(`^${DAY} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`, 'i');

/** Milliseconds since the epoch, or null when the value is not an HTTP-date. */
export function parseHttpDate(value: string | string[] | undefined, now = Date.now()): number | null {
  if (typeof value !== 'string') return null;
  let match = IMF_FIXDATE.exec(value);
  if (match) return build(Number(match[3]), match[2]!, Number(match[1]), match[4]!, match[5]!, match[6]!);
  match = RFC850.exec(value);
  if (match) {
    // RFC 9110 §5.6.7: a two-digit year more than 50 years in the future is in the past century.
    const currentYear = new Date(now).getUTCFullYear();
    let year = Math.floor(currentYear / 100) * 100 + Number(match[3]);
    if (year > currentYear + 50) year -= 100;
    return build(year, match[2]!, Number(match[1]), match[4]!, match[5]!, match[6]!);
  }
  match = ASCTIME.exec(value);
  if (match) return build(Number(match[6]), match[1]!, Number(match[2]!.trim()), match[3]!, match[4]!, match[5]!);
  return null;
}

function build(year: number, month: string, day: number, hour: string, minute: string, second: string): number | null {
  const h = Number(hour);
  const m = Number(minute);
  const s = Number(second);
  if (day < 1 || day > 31 || h > 23 || m > 59 || s > 60) return null;
  const ms = Date.UTC(year, MONTHS.indexOf(month.toLowerCase()), day, h, m, Math.min(s, 59));
  // Reject days past the month's end (Feb 30 would roll over into March).
  return new Date(ms).getUTCDate() === day ? ms : null;
}
