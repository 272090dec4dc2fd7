import { STATUS_CODES } from 'node:http';

/**
 * Errors the gateway answers to clients with: a status, a code a user can
 * match on, and a JSON body `{ error: { code, message } }`.
 */
export type GatewayErrorCode =
  | 'PIBL_ERR_NO_HEALTHY_BACKEND'
  | 'PIBL_ERR_BAD_GATEWAY'
  | 'PIBL_ERR_GATEWAY_TIMEOUT'
  | 'PIBL_ERR_UNAUTHORIZED'
  | 'PIBL_ERR_NOT_FOUND'
  | 'PIBL_ERR_BAD_REQUEST'
  | 'PIBL_ERR_HEAD_TOO_LARGE'
  | 'PIBL_ERR_REQUEST_TIMEOUT'
  | 'PIBL_ERR_METHOD_NOT_ALLOWED'
  | 'PIBL_ERR_PAYLOAD_TOO_LARGE'
  | 'PIBL_ERR_UNSUPPORTED_MEDIA_TYPE'
  | 'PIBL_ERR_INTERNAL';

export class GatewayError extends Error {
  readonly status: number;
  readonly code: GatewayErrorCode;
  /** Seconds, for Retry-After on 503. */
  readonly retryAfter: number | undefined;
  constructor(status: number, code: GatewayErrorCode, message: string, options?: { cause?: unknown; retryAfter?: number }) {
    super(message, options);
    this.name = 'GatewayError';
    this.status = status;
    this.code = code;
    this.retryAfter = options?.retryAfter;
  }
  toJSON() {
    return { error: { code: this.code, message: this.message } };
  }

  /** The whole answer as raw HTTP/1.1 with `connection: close`, for sockets no ServerResponse owns (parse errors, upgrades). */
  toRawResponse(): string {
    const body = JSON.stringify(this.toJSON());
    const retry = this.retryAfter === undefined ? '' : `retry-after: ${this.retryAfter}\r\n`;
    return `HTTP/1.1 ${this.status} ${STATUS_CODES[this.status] ?? 'Error'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${retry}connection: close\r\n\r\n${body}`;
  }
}

export const noHealthyBackend = (retryAfter: number) =>
  new GatewayError(503, 'PIBL_ERR_NO_HEALTHY_BACKEND', 'no healthy backend', { retryAfter });
export const badGateway = (message: string, cause?: unknown) => new GatewayError(502, 'PIBL_ERR_BAD_GATEWAY', message, { cause });
export const gatewayTimeout = (message: string, cause?: unknown) => new GatewayError(504, 'PIBL_ERR_GATEWAY_TIMEOUT', message, { cause });
export const unauthorized = () => new GatewayError(401, 'PIBL_ERR_UNAUTHORIZED', 'this route needs Authorization: Bearer <admin_token>');
