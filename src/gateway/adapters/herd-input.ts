/**
 * HTTP input -> one herd line, checked before anything reaches TCP: a field
 * may not carry white space or control characters (a newline would smuggle a
 * second command onto the line protocol, a space a fifth field), and the
 * herd's own parsers decide what a valid IAMAT or WHATSAT is.
 */
import { isPosixTime } from '../../herd/clock.js';
import { parseLocation } from '../../herd/location.js';
import { formatIamat, formatWhatsat, MAX_BOUND, MAX_RADIUS_KM, parseIamat, parseWhatsat, splitFields } from '../../herd/messages.js';

/** What the adapter sends, or why it will not. */
export type HerdLine = { line: string } | { error: string };

/** A client name as the herd takes it (any non-white-space string), bounded so a line stays small. */
const TOKEN = /^[^\x00-\x20\x7f]{1,256}$/;
/** One line: no control characters but tab (the herd splits fields on it). */
const ONE_LINE = /^[^\x00-\x08\x0a-\x1f\x7f]{1,2048}$/;

export const isClientName = (value: unknown): value is string => typeof value === 'string' && TOKEN.test(value);

/** Now as POSIX seconds with milliseconds, as a client would have sent it. */
function posixNow(): string {
  const ms = Date.now();
  return `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}`;
}

/** `{ client, location, time }` (time: a number, a string or absent for now) -> an IAMAT line. */
export function iamatFromJson(body: unknown): HerdLine {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { error: 'expected a JSON object {client, location, time}' };
  const { client, location, time } = body as Record<string, unknown>;
  if (!isClientName(client)) return { error: '"client" must be a string of 1 to 256 characters without spaces or control characters' };
  if (typeof location !== 'string' || !parseLocation(location)) {
    return { error: '"location" must be ISO 6709 decimal degrees with both signs, e.g. "+34.068930-118.445127"' };
  }
  let timeText: string;
  if (time === undefined || time === null) timeText = posixNow();
  else if (typeof time === 'number' && Number.isFinite(time)) timeText = String(time);
  else if (typeof time === 'string') timeText = time;
  else return { error: '"time" must be POSIX seconds, as a number or a string' };
  if (!isPosixTime(timeText)) return { error: '"time" must be POSIX seconds, e.g. 1621464827.959498503' };
  const line = formatIamat(client, location, timeText);
  return parseIamat(line) ? { line } : { error: 'not a valid IAMAT' };
}

/**
 * A raw `IAMAT client location time` line as text/plain. It goes to the herd
 * as written (one trailing newline dropped), so a malformed one earns the
 * herd's own `?` answer; only more than one line, control characters and
 * other verbs are refused here.
 */
export function iamatFromText(body: unknown): HerdLine {
  const text = typeof body === 'string' ? body.replace(/\r?\n$/, '') : '';
  if (!ONE_LINE.test(text)) return { error: 'expected one IAMAT line (at most 2048 characters, no control characters)' };
  if (splitFields(text)[0] !== 'IAMAT') return { error: 'expected a line starting with IAMAT (WHATSAT has its own route)' };
  return { line: text };
}

/** `?client=&radius=&max=` -> a WHATSAT line. */
export function whatsatFromQuery(query: unknown): HerdLine {
  const { client, radius, max } = (query ?? {}) as Record<string, unknown>;
  if (!isClientName(client)) return { error: '"client" is required: a string without spaces or control characters' };
  const range = `"radius" must be a number of km in (0, ${MAX_RADIUS_KM}] and "max" an integer from 1 to ${MAX_BOUND}`;
  if (typeof radius !== 'string' || typeof max !== 'string' || !TOKEN.test(radius) || !TOKEN.test(max)) return { error: range };
  const line = formatWhatsat(client, radius, max);
  return parseWhatsat(line) ? { line } : { error: range };
}
