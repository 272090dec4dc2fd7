/**
 * The herd's wire messages as pure functions (SPEC §4). Client, location and
 * time are kept as the exact text received so answers copy them byte for
 * byte; the server decodes lines as latin1, so one character is one byte.
 */
import { isPosixTime, isSignedDecimal } from './clock.js';
import { parseLocation } from './location.js';
import type { AtMessage, HerdMessage, IamatMessage, PlacesAnswer, WhatsatMessage } from './types.js';

// ASCII white space only: a byte such as 0xA0 may be part of a UTF-8 client
// name, and splitting on it would break the byte-for-byte echo.
const WHITE_SPACE = /[ \t\n\v\f\r]+/;
const EDGES = /^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g;

export const splitFields = (line: string): string[] => {
  const trimmed = line.replace(EDGES, '');
  return trimmed ? trimmed.split(WHITE_SPACE) : [];
};

export const MAX_RADIUS_KM = 50;
export const MAX_BOUND = 20;
const RADIUS = /^\+?(?:\d+(?:\.\d*)?|\.\d+)$/;
const BOUND = /^\+?\d+$/;

export function parseIamat(line: string): IamatMessage | undefined {
  const fields = splitFields(line);
  if (fields.length !== 4 || fields[0] !== 'IAMAT') return undefined;
  const [, client, locationText, time] = fields as [string, string, string, string];
  const location = parseLocation(locationText);
  if (!location || !isPosixTime(time)) return undefined;
  return { kind: 'IAMAT', client, location, time };
}

export function parseWhatsat(line: string): WhatsatMessage | undefined {
  const fields = splitFields(line);
  if (fields.length !== 4 || fields[0] !== 'WHATSAT') return undefined;
  const [, client, radiusText, boundText] = fields as [string, string, string, string];
  if (!RADIUS.test(radiusText) || !BOUND.test(boundText)) return undefined;
  const radiusKm = Number(radiusText);
  const bound = Number(boundText);
  if (!(radiusKm > 0 && radiusKm <= MAX_RADIUS_KM) || !(bound >= 1 && bound <= MAX_BOUND)) return undefined;
  return { kind: 'WHATSAT', client, radiusKm, bound };
}

/** Six fields or more: peers may append tokens (the servers visited), which are accepted and dropped. */
export function parseAt(line: string): AtMessage | undefined {
  const fields = splitFields(line);
  if (fields.length < 6 || fields[0] !== 'AT') return undefined;
  const [, server, diff, client, locationText, time, ...extra] = fields as [string, string, string, string, string, string, ...string[]];
  const location = parseLocation(locationText);
  if (!location || !isSignedDecimal(diff) || !isPosixTime(time)) return undefined;
  return { kind: 'AT', server, diff, client, location, time, extra };
}

/** Any herd line, or undefined for everything SPEC §4 answers with `?`. */
export function parseMessage(line: string): HerdMessage | undefined {
  const verb = splitFields(line)[0];
  if (verb === 'IAMAT') return parseIamat(line);
  if (verb === 'WHATSAT') return parseWhatsat(line);
  if (verb === 'AT') return parseAt(line);
  return undefined;
}

/** The six-field AT line exactly: original servers reject anything longer. */
export const formatAt = (at: Pick<AtMessage, 'server' | 'diff' | 'client' | 'time'> & { location: string | { text: string } }) =>
  `AT ${at.server} ${at.diff} ${at.client} ${typeof at.location === 'string' ? at.location : at.location.text} ${at.time}`;

export const formatIamat = (client: string, location: string, time: string) => `IAMAT ${client} ${location} ${time}`;
export const formatWhatsat = (client: string, radiusKm: number | string, bound: number | string) =>
  `WHATSAT ${client} ${radiusKm} ${bound}`;

export const formatInvalid = (line: string) => `? ${line}\n`;

/**
 * The places JSON as the original servers printed it: Google's indented
 * JSON with every run of newlines squeezed to one and none at the end.
 */
export const squeezeJson = (json: string) => json.replace(/\n+/g, '\n').replace(/\n+$/, '');

export const formatPlacesJson = (answer: PlacesAnswer) => squeezeJson(JSON.stringify(answer, null, 3));

/** WHATSAT's answer: the stored AT line, a newline, the squeezed JSON, two newlines. */
export const formatWhatsatAnswer = (atLine: string, placesJson: string) => `${atLine}\n${placesJson}\n\n`;

/** The inverse, for the adapter: `{ at, places }` from a WHATSAT answer, or undefined for `?`. */
export function splitWhatsatAnswer(answer: string): { at: string; places: PlacesAnswer } | undefined {
  if (!answer.startsWith('AT ')) return undefined;
  const newline = answer.indexOf('\n');
  if (newline === -1) return undefined;
  try {
    return { at: answer.slice(0, newline), places: JSON.parse(answer.slice(newline + 1)) as PlacesAnswer };
  } catch {
    return undefined;
  }
}
