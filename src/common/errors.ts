/**
 * Errors are values with codes, made in one place, so that tests and users
 * match on `err.code` rather than on a sentence.
 */
export type PiblErrorCode =
  | 'PIBL_ERR_BAD_CONFIG'
  | 'PIBL_ERR_BAD_FLAG'
  | 'PIBL_ERR_PORT_IN_USE'
  | 'PIBL_ERR_LISTEN'
  | 'PIBL_ERR_LINE_TOO_LONG'
  | 'PIBL_ERR_IDLE_TIMEOUT'
  | 'PIBL_ERR_BAD_REQUEST'
  | 'PIBL_ERR_UPSTREAM'
  | 'PIBL_ERR_NOT_IMPLEMENTED';

export class PiblError extends Error {
  readonly code: PiblErrorCode;
  constructor(code: PiblErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PiblError';
    this.code = code;
  }
}

export const badConfig = (message: string) => new PiblError('PIBL_ERR_BAD_CONFIG', message);
export const badFlag = (message: string) => new PiblError('PIBL_ERR_BAD_FLAG', message);
export const portInUse = (host: string, port: number, what: string) =>
  new PiblError('PIBL_ERR_PORT_IN_USE', `${what}: port ${port} on ${host} is already in use`);
export const lineTooLong = (limit: number) =>
  new PiblError('PIBL_ERR_LINE_TOO_LONG', `line longer than ${limit} bytes`);

export function isPiblError(err: unknown): err is PiblError {
  return err instanceof PiblError;
}
