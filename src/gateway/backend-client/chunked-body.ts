import { parserError } from './errors.js';
import { VALUE_CHAR } from './response-head.js';

/**
 * A chunk-size line with its extensions, at most: node caps chunk
 * extensions at 16 KiB since CVE-2024-22019 (a body of endless extensions
 * that never counts as data).
 */
const MAX_LINE_BYTES = 16 * 1024;
/** 12 hex digits: 256 TiB, well inside a double's exact integers. */
const MAX_SIZE_DIGITS = 12;

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
 * hex digits, optionally followed by `;extensions`; every
 * line ends in CRLF; a chunk's data is followed by CRLF. Extensions and
 * trailer fields are read and dropped (a proxy may discard trailers,
 * RFC 9110 §6.5.1), within limits.
 */
export class ChunkedBody {
  private state = State.Size;
  private size = 0;
  private digits = 0;
  private remaining = 0;
  private lineBytes = 0;
  private trailerBytes = 0;
  /** Characters of the trailer line read so far (an empty line ends the trailers), and whether its CR came. */
  private trailerLine = 0;
  private trailerCr = false;

  constructor(private readonly maxTrailerBytes: number) {}

  get done(): boolean {
    return this.state === State.Done;
  }

  /**
   * Reads `chunk` from `at`, calling `onData` with each piece of body data.
   * Returns where the body ended in `chunk` (bytes after it belong to no
   * answer), or -1 when it wants more.
   */
  push(chunk: Buffer, at: number, onData: (data: Buffer) => void): number {
    let i = at;
    const n = chunk.length;
    while (i < n) {
      switch (this.state) {
        case State.Data: {
          const take = Math.min(this.remaining, n - i);
          onData(chunk.subarray(i, i + take));
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = State.DataCr;
          break;
        }
        case State.Size: {
          const c = chunk[i]!;
          const digit = hexValue(c);
          if (digit >= 0) {
            if (++this.digits > MAX_SIZE_DIGITS) throw parserError('HPE_INVALID_CHUNK_SIZE', 'chunk size too large');
            this.size = this.size * 16 + digit;
          } else if (this.digits === 0) {
            throw parserError('HPE_INVALID_CHUNK_SIZE', 'invalid chunk size');
          } else if (c === 0x0d) {
            this.state = State.SizeLf;
          } else if (c === 0x3b) {
            // RFC 9112 §7.1.1 allows whitespace before the `;`; llhttp does not, nor does this.
            this.state = State.Extension;
          } else throw parserError('HPE_INVALID_CHUNK_SIZE', 'invalid chunk size');
          i++;
          this.countLine();
          break;
        }
        case State.Extension: {
          const c = chunk[i]!;
          if (c === 0x0d) this.state = State.SizeLf;
          else if (VALUE_CHAR[c] !== 1) throw parserError('HPE_INVALID_CHUNK_SIZE', 'invalid character in chunk extension');
          i++;
          this.countLine();
          break;
        }
        case State.SizeLf: {
          if (chunk[i] !== 0x0a) throw parserError('HPE_INVALID_CHUNK_SIZE', 'chunk size line without CRLF');
          i++;
          this.lineBytes = 0;
          this.digits = 0;
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
            if (this.trailerLine === 0) {
              this.state = State.Done;
              return i;
            }
            this.trailerLine = 0;
          } else if (this.trailerCr || (c !== 0x0d && VALUE_CHAR[c] !== 1)) {
            throw parserError('HPE_INVALID_HEADER_TOKEN', 'invalid character in trailer');
          } else if (c === 0x0d) this.trailerCr = true;
          else this.trailerLine++;
          break;
        }
        case State.Done:
          return i;
      }
    }
    return this.state === State.Done ? i : -1;
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
