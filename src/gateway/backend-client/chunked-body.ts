import { parserError } from './errors.js';
import { TCHAR, VALUE_CHAR } from '../http-syntax.js';

/**
 * A chunk-size line with its extensions, at most: node caps chunk
 * extensions at 16 KiB since CVE-2024-22019 (a body of endless extensions
 * that never counts as data).
 */
const MAX_LINE_BYTES = 16 * 1024;
/** 12 hex digits: 256 TiB, well inside a double's exact integers. */
const MAX_SIZE_DIGITS = 12;
/** RFC 9112 §7.1.1 chunk-ext, without the optional whitespace llhttp refuses too, and with the empty value it takes. */
const EXTENSIONS = new RegExp(`^(?:;${TCHAR}+(?:=(?:${TCHAR}*|"(?:[\\t \\x21\\x23-\\x5b\\x5d-\\x7e\\x80-\\xff]|\\\\[\\t \\x21-\\x7e\\x80-\\xff])*"))?)+$`);
/** RFC 9112 §7.1.2 trailer field line: `name: value`, no folding. */
const TRAILER_FIELD = new RegExp(`^(${TCHAR}+):[\\t ]*[\\t\\x20-\\x7e\\x80-\\xff]*$`);
/** Framing fields have no meaning in a trailer (RFC 9110 §6.5.1); llhttp refuses them there. */
const FRAMING_FIELDS = new Set(['content-length', 'transfer-encoding']);

const enum State {
  Size,
  Extension,
  SizeLf,
  Data,
  DataCr,
  DataLf,
  Trailer,
  Done,
}

/**
 * Decodes a chunked body (RFC 9112 §7.1) as it arrives, handing on the
 * data as slices of the buffers it was given (no copy). Strict: a size is
 * hex digits, optionally followed by `;name=value` extensions; every
 * line ends in CRLF; a chunk's data is followed by CRLF. Extensions and
 * trailer fields are checked as llhttp checks them, within limits, then
 * dropped (a proxy may discard trailers, RFC 9110 §6.5.1).
 */
export class ChunkedBody {
  private state = State.Size;
  private size = 0;
  private digits = 0;
  private significant = 0;
  private remaining = 0;
  private lineBytes = 0;
  private trailerBytes = 0;
  /** The extensions or trailer line read so far (latin-1), checked whole at its end; and whether a trailer line's CR came. */
  private line = '';
  private trailerCr = false;

  constructor(private readonly maxTrailerBytes: number) {}

  get done(): boolean {
    return this.state === State.Done;
  }

  /**
   * Reads `chunk` from `at`, calling `onData` with each piece of body data;
   * stops after a piece when `onData` returns false. Returns how far it
   * read: with `done`, where the body ended (bytes after it belong to no
   * answer); else the end of `chunk` (it wants more), or where it stopped.
   */
  push(chunk: Buffer, at: number, onData: (data: Buffer) => boolean): number {
    let i = at;
    const n = chunk.length;
    while (i < n) {
      switch (this.state) {
        case State.Data: {
          const take = Math.min(this.remaining, n - i);
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = State.DataCr;
          if (!onData(chunk.subarray(i - take, i))) return i;
          break;
        }
        case State.Size: {
          const c = chunk[i]!;
          const digit = hexValue(c);
          if (digit >= 0) {
            this.digits++;
            // Leading zeros do not count against the limit (llhttp reads them too); the line's own limit bounds them.
            if ((this.size > 0 || digit > 0) && ++this.significant > MAX_SIZE_DIGITS) throw parserError('HPE_INVALID_CHUNK_SIZE', 'chunk size too large');
            this.size = this.size * 16 + digit;
          } else if (this.digits === 0) {
            throw parserError('HPE_INVALID_CHUNK_SIZE', 'invalid chunk size');
          } else if (c === 0x0d) {
            this.state = State.SizeLf;
          } else if (c === 0x3b) {
            // RFC 9112 §7.1.1 allows whitespace before the `;`; llhttp does not, nor does this.
            this.state = State.Extension;
            this.line = ';';
          } else throw parserError('HPE_INVALID_CHUNK_SIZE', 'invalid chunk size');
          i++;
          this.countLine();
          break;
        }
        case State.Extension: {
          const c = chunk[i]!;
          if (c === 0x0d) {
            if (!EXTENSIONS.test(this.line)) throw parserError('HPE_INVALID_CHUNK_SIZE', 'invalid chunk extension');
            this.line = '';
            this.state = State.SizeLf;
          } else if (VALUE_CHAR[c] !== 1) throw parserError('HPE_INVALID_CHUNK_SIZE', 'invalid character in chunk extension');
          else this.line += String.fromCharCode(c);
          i++;
          this.countLine();
          break;
        }
        case State.SizeLf: {
          if (chunk[i] !== 0x0a) throw parserError('HPE_INVALID_CHUNK_SIZE', 'chunk size line without CRLF');
          i++;
          this.lineBytes = 0;
          this.digits = 0;
          this.significant = 0;
          if (this.size === 0) {
            this.state = State.Trailer;
          } else {
            this.remaining = this.size;
            this.size = 0;
            this.state = State.Data;
          }
          break;
        }
        case State.DataCr:
          if (chunk[i] !== 0x0d) throw parserError('HPE_STRICT', 'chunk data not followed by CRLF');
          i++;
          this.state = State.DataLf;
          break;
        case State.DataLf:
          if (chunk[i] !== 0x0a) throw parserError('HPE_STRICT', 'chunk data not followed by CRLF');
          i++;
          this.state = State.Size;
          break;
        case State.Trailer: {
          // Trailer fields are dropped; only their characters, line ends and total size are checked.
          const c = chunk[i]!;
          i++;
          if (++this.trailerBytes > this.maxTrailerBytes) throw parserError('HPE_HEADER_OVERFLOW', 'trailer section too large');
          if (c === 0x0a) {
            if (!this.trailerCr) throw parserError('HPE_STRICT', 'trailer line without CRLF');
            this.trailerCr = false;
            // An empty line ends the body.
            if (this.line === '') {
              this.state = State.Done;
              return i;
            }
            const field = TRAILER_FIELD.exec(this.line);
            if (field === null || FRAMING_FIELDS.has(field[1]!.toLowerCase())) throw parserError('HPE_INVALID_HEADER_TOKEN', 'invalid trailer field');
            this.line = '';
          } else if (this.trailerCr || (c !== 0x0d && VALUE_CHAR[c] !== 1)) {
            throw parserError('HPE_INVALID_HEADER_TOKEN', 'invalid character in trailer');
          } else if (c === 0x0d) this.trailerCr = true;
          else this.line += String.fromCharCode(c);
          break;
        }
        case State.Done:
          return i;
      }
    }
    return i;
  }

  private countLine(): void {
    if (++this.lineBytes > MAX_LINE_BYTES) throw parserError('HPE_CHUNK_EXTENSIONS_OVERFLOW', 'chunk extensions too long');
  }
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}
