import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { GatewayError } from './errors.js';

/**
 * Requests node's parser rejects before any handler runs: an oversized head
 * (431, the `buffer_size` limit), a slow head (408), conflicting
 * Content-Length/Transfer-Encoding and other malformed input (400). Each is
 * answered once in the gateway's JSON error shape and the connection closed;
 * nothing is forwarded.
 */
export function onClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    answerLast(socket, new GatewayError(431, 'PIBL_ERR_HEAD_TOO_LARGE', 'request head larger than buffer_size'));
  } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    answerLast(socket, new GatewayError(408, 'PIBL_ERR_REQUEST_TIMEOUT', 'request head not received in time'));
  } else {
    answerLast(socket, new GatewayError(400, 'PIBL_ERR_BAD_REQUEST', `malformed request (${err.code ?? 'parse error'})`));
  }
}

/**
 * CONNECT: a reverse proxy opens no tunnels. Node hands such a request over
 * as a 'connect' event and, with no listener, drops the connection without
 * an answer, cutting any answer still owed on it; here it gets a 405 after them.
 */
export function onConnectRequest(_req: IncomingMessage, socket: Duplex): void {
  socket.on('error', () => {});
  answerLast(socket, new GatewayError(405, 'PIBL_ERR_METHOD_NOT_ALLOWED', 'CONNECT is not supported: this is a reverse proxy'));
}

/**
 * Writes the gateway's JSON error as the last answer on `socket` and closes it.
 *
 * A bad request pipelined behind good ones: those are still being answered
 * on this socket. Answers go out in request order (RFC 9112 §9.3.2), so the
 * error waits; written at once it would pass for the answer to an earlier
 * request, which the backend did receive. (An answer whose own request is
 * incomplete is to the bad request itself: its body was malformed.) Each
 * answer still owed is waited for in turn.
 */
function answerLast(socket: Duplex, err: GatewayError): void {
  const answer = () => {
    if (socket.destroyed || !socket.writable) return void socket.destroy();
    socket.end(err.toRawResponse());
  };
  const afterEarlierAnswers = () => {
    const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (!inFlight || inFlight.writableFinished || !inFlight.req?.complete) return answer();
    // Node attaches the next queued answer in its own 'finish' listener: look again after it ran.
    inFlight.once('finish', () => setImmediate(afterEarlierAnswers));
    inFlight.once('close', () => {
      if (!inFlight.writableFinished) socket.destroy();
    });
  };
  afterEarlierAnswers();
}
