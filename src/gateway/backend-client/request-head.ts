import { INVALID_VALUE, TOKEN } from '../http-syntax.js';
import { clientError } from './errors.js';

type Headers = Record<string, string | string[] | undefined>;

/** undici's check of a request path: printable, no space. */
const INVALID_PATH = /[^\u0021-\u00ff]/;
/**
 * Fields this client writes itself or that would say a body follows: the
 * request has none, and a second framing or connection field would let the
 * backend read the next request out of this one (undici refuses them too).
 */
const REFUSED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect']);
/** RFC 9110 §8.6: a request of these methods without a body still says so, as undici does. */
const PAYLOAD_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * The request head sent to a backend, as one string: the request line,
 * Host (the client's, else the backend's address), `connection:
 * keep-alive`, then the given fields in order, a repeated one on a line per
 * value. Refuses (UND_ERR_INVALID_ARG, which the gateway answers with a
 * 400) a method, path, name or value that could not be sent as it is.
 */
export function requestHead(method: string, path: string, headers: Headers, defaultHost: string): string {
  if (!TOKEN.test(method)) throw clientError('UND_ERR_INVALID_ARG', 'invalid request method');
  if (INVALID_PATH.test(path)) throw clientError('UND_ERR_INVALID_ARG', 'invalid request path');
  const host = headers.host;
  if (Array.isArray(host)) throw clientError('UND_ERR_INVALID_ARG', 'more than one host header');
  let head = `${method} ${path} HTTP/1.1\r\nhost: ${typeof host === 'string' ? value('host', host) : defaultHost}\r\nconnection: keep-alive\r\n`;
  let hasLength = false;
  for (const name in headers) {
    const field = headers[name];
    if (field === undefined || name === 'host') continue;
    if (!TOKEN.test(name)) throw clientError('UND_ERR_INVALID_ARG', `invalid header name ${JSON.stringify(name)}`);
    const lower = name.toLowerCase();
    if (REFUSED.has(lower)) throw clientError('UND_ERR_INVALID_ARG', `${lower} cannot be sent on a request without a body`);
    if (lower === 'content-length') {
      if (field !== '0') throw clientError('UND_ERR_INVALID_ARG', 'a request without a body has no content-length but 0');
      hasLength = true;
    }
    if (typeof field === 'string') head += `${name}: ${value(name, field)}\r\n`;
    else for (const one of field) head += `${name}: ${value(name, one)}\r\n`;
  }
  if (!hasLength && PAYLOAD_METHODS.has(method)) head += 'content-length: 0\r\n';
  return `${head}\r\n`;
}

function value(name: string, text: string): string {
  if (INVALID_VALUE.test(text)) throw clientError('UND_ERR_INVALID_ARG', `invalid ${name} header`);
  return text;
}
