/**
 * The kv wire protocol (SPEC §3), kept exactly as the original "Distributed
 * Proxy System" spoke it so that its Python client and balancer interoperate:
 * one request line `GET resource/key` or `METRICS`, one JSON object line back.
 */
export const KV_STATUS = {
  OK: 'OK',
  NOT_FOUND: 'NOT_FOUND',
  WRONG_METHOD: 'WRONG_METHOD',
  BAD_REQUEST: 'BAD_REQUEST',
  ORIGIN_FAILURE: 'ORIGIN_FAILURE',
  PROXY_UNREACHABLE: 'PROXY_UNREACHABLE',
  NO_HEALTHY_PROXY: 'NO_HEALTHY_PROXY',
  CLIENT_CONNECTION_ERROR: 'CLIENT_CONNECTION_ERROR',
} as const;

export type KvStatus = (typeof KV_STATUS)[keyof typeof KV_STATUS];

/** What every kv server answers; extra keys ride along (`cache_hit`, `node`, `error`). */
export interface KvAnswer {
  status: KvStatus | string;
  data: unknown;
  [extra: string]: unknown;
}

export type KvRequest =
  | { kind: 'get'; resource: string; key: string; /** `resource/key`, the cache key */ path: string }
  | { kind: 'metrics' }
  | { kind: 'invalid'; status: typeof KV_STATUS.BAD_REQUEST | typeof KV_STATUS.WRONG_METHOD; reason: string };

/**
 * Letters, digits, `-`, `_` and `.` only: no separator, no NUL, no `%`
 * escapes, so a name can never leave the data folder; `..` is refused too.
 */
const NAME = /^[A-Za-z0-9._-]+$/;
const VERB = /^[A-Za-z]+$/;

export const isValidName = (name: string) => NAME.test(name) && !name.includes('..');

/**
 * Parses one request line. The original origin crashed on `GET article1`,
 * `GET`, double spaces and empty lines (it split on " " and indexed); here
 * each of them is a BAD_REQUEST and any verb other than GET/METRICS is a
 * WRONG_METHOD.
 */
export function parseKvRequest(line: string): KvRequest {
  if (line === 'METRICS') return { kind: 'metrics' };
  const space = line.indexOf(' ');
  const verb = space === -1 ? line : line.slice(0, space);
  if (!VERB.test(verb)) return invalid('BAD_REQUEST', 'expected "GET resource/key" or "METRICS"');
  if (verb !== 'GET') {
    return verb === 'METRICS'
      ? invalid('BAD_REQUEST', 'METRICS takes no argument')
      : invalid('WRONG_METHOD', `unknown method "${verb}" (allowed: GET, METRICS)`);
  }
  if (space === -1) return invalid('BAD_REQUEST', 'GET needs resource/key');
  const target = line.slice(space + 1);
  if (/\s/.test(target)) return invalid('BAD_REQUEST', 'expected "GET resource/key" with one space and no other white space');
  const slash = target.indexOf('/');
  if (slash === -1) return invalid('BAD_REQUEST', 'expected resource/key, e.g. article/1');
  const resource = target.slice(0, slash);
  const key = target.slice(slash + 1);
  if (!isValidName(resource) || !isValidName(key) || resource.endsWith('.') && key.startsWith('.')) {
    return invalid('BAD_REQUEST', 'resource and key may hold only letters, digits, "-", "_" and "." (not "..")');
  }
  return { kind: 'get', resource, key, path: `${resource}/${key}` };
}

const invalid = (status: 'BAD_REQUEST' | 'WRONG_METHOD', reason: string): KvRequest => ({ kind: 'invalid', status, reason });

/** One answer line. */
export const encodeAnswer = (answer: KvAnswer | object): string => `${JSON.stringify(answer)}\n`;

/** The answer to a malformed line, an over-long line or an idle connection. */
export const badRequest = (reason: string): string => encodeAnswer({ status: KV_STATUS.BAD_REQUEST, data: null, error: reason });

/**
 * Reads an answer line from another kv server; undefined when it is not a
 * JSON object with a string `status` (a server that "returns bad data").
 */
export function decodeAnswer(line: string): KvAnswer | undefined {
  try {
    const value: unknown = JSON.parse(line);
    if (value && typeof value === 'object' && !Array.isArray(value) && typeof (value as KvAnswer).status === 'string') {
      return value as KvAnswer;
    }
  } catch {
    // fall through: not JSON
  }
  return undefined;
}
