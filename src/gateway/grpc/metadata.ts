import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';

/**
 * Connection-specific fields (RFC 9113 §8.2.2): HTTP/2 forbids them, and
 * node's http2 refuses to send them. `te: trailers` is the one exception and
 * gRPC requires it on requests, so it is put back explicitly.
 */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'http2-settings', 'te']);

function copyEndToEnd(headers: IncomingHttpHeaders, skip?: ReadonlySet<string>): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name.startsWith(':') || HOP_BY_HOP.has(name) || skip?.has(name)) continue;
    out[name] = value;
  }
  return out;
}

const REQUEST_SKIP = new Set(['grpc-timeout']);

/**
 * The request metadata sent to the backend: the client's own (custom keys,
 * `-bin` keys, user-agent, grpc-encoding...) unchanged, with the pseudo
 * headers rebuilt for this hop (node fills in :scheme and :authority for
 * the backend) and grpc-timeout replaced by what is left of the deadline.
 */
export function backendRequestHeaders(client: IncomingHttpHeaders, path: string, remainingTimeout: string | null): OutgoingHttpHeaders {
  const out = copyEndToEnd(client, REQUEST_SKIP);
  out[':method'] = 'POST';
  out[':path'] = path;
  out.te = 'trailers';
  if (remainingTimeout !== null) out['grpc-timeout'] = remainingTimeout;
  return out;
}

/** Response headers and trailers back to the client: the backend's, minus what is connection-specific. */
export function clientResponseHeaders(backend: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out = copyEndToEnd(backend);
  out[':status'] = backend[':status'] ?? 200;
  return out;
}

export const clientTrailers = (backend: IncomingHttpHeaders): OutgoingHttpHeaders => copyEndToEnd(backend);

/** A grpc-status on the response headers means Trailers-Only: the call is over with no messages. */
export const isTrailersOnly = (headers: IncomingHttpHeaders): boolean => headers['grpc-status'] !== undefined;
