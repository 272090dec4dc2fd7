import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

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
  let status = 400;
  let reason = 'Bad Request';
  let code = 'PIBL_ERR_BAD_REQUEST';
  let message = `malformed request (${err.code ?? 'parse error'})`;
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    status = 431;
    reason = 'Request Header Fields Too Large';
    code = 'PIBL_ERR_HEAD_TOO_LARGE';
    message = 'request head larger than buffer_size';
  } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    status = 408;
    reason = 'Request Timeout';
    code = 'PIBL_ERR_REQUEST_TIMEOUT';
    message = 'request head not received in time';
  }
  const body = JSON.stringify({ error: { code, message } });
  const answer = () => {
    if (socket.destroyed || !socket.writable) return void socket.destroy();
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  };
  // A bad request pipelined behind a good one: the good one is still being
  // answered on this socket. Answers go out in request order (RFC 9112
  // §9.3.2), so the error waits; written now it would pass for the answer
  // to the earlier request, which the backend did receive.
  // (An answer whose own request is incomplete is to the bad request itself:
  // its body was malformed.) Node attaches the next queued answer when one
  // finishes, so each is waited for in turn.
  const afterEarlierAnswers = () => {
    const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (!inFlight || inFlight.writableFinished || !inFlight.req?.complete) return answer();
    inFlight.once('finish', afterEarlierAnswers);
    inFlight.once('close', () => {
      if (!inFlight.writableFinished) socket.destroy();
    });
  };
  afterEarlierAnswers();
}
