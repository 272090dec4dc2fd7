/**
 * The backend client's errors carry undici's codes (UND_ERR_*) and, for a
 * malformed answer, llhttp's (HPE_*) under the name HTTPParserError: the
 * gateway keeps one vocabulary for both of its clients (upstream.ts reads
 * these codes to choose between 502, 504, a retry and a 400).
 */
export type ClientErrorCode =
  | 'UND_ERR_CONNECT_TIMEOUT'
  | 'UND_ERR_HEADERS_TIMEOUT'
  | 'UND_ERR_BODY_TIMEOUT'
  | 'UND_ERR_SOCKET'
  | 'UND_ERR_CLOSED'
  | 'UND_ERR_DESTROYED'
  | 'UND_ERR_INVALID_ARG';

export class BackendClientError extends Error {
  constructor(
    readonly code: ClientErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BackendClientError';
  }
}

export class HTTPParserError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HTTPParserError';
  }
}

export const clientError = (code: ClientErrorCode, message: string) => new BackendClientError(code, message);
export const parserError = (code: string, message: string) => new HTTPParserError(code, message);
