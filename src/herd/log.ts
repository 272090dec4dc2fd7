/**
 * One log file per server (`<logDir>/<Name>.log`, SPEC §4): what it received,
 * what it sent, and peer connections opened and dropped. Lines go through a
 * write stream, so the request path only appends to a buffer and never waits
 * on the disk.
 */
import { createWriteStream, mkdirSync, openSync, writeSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { LineBatch } from '../common/line-batch.js';

export type LogEvent = 'RECEIVED' | 'SENT' | 'CONNECTION' | 'PEER' | 'ERROR' | 'INFO';

// A buffer this large means the disk is not keeping up; dropping lines is
// better than letting a log grow the heap without bound.
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export class HerdLog {
  readonly path: string;
  readonly #stream: WriteStream;
  // One write per batch: see LineBatch.
  readonly #batch: LineBatch;
  #dropped = 0;
  #closed = false;

  constructor(logDir: string, name: string) {
    // Once at start, before listening: not on any request path.
    mkdirSync(logDir, { recursive: true });
    this.path = join(logDir, `${name}.log`);
    // Opened here so that the exit hook below has the descriptor to write to. A file that cannot be
    // opened is left to the stream, whose error event closes the log without stopping the server.
    const fd = openOrUndefined(this.path);
    this.#stream = fd === undefined ? createWriteStream(this.path, { flags: 'a' }) : createWriteStream(this.path, { fd });
    this.#batch = new LineBatch(
      (chunk) => {
        if (!this.#stream.writableEnded) this.#stream.write(Buffer.from(chunk, 'latin1'));
      },
      {
        // At exit only when no write is still in flight: written past one, the lines would land out of order.
        atExit: (chunk) => {
          if (fd !== undefined && this.#stream.writableLength === 0 && !this.#stream.writableEnded) writeSync(fd, Buffer.from(chunk, 'latin1'));
        },
      },
    );
    this.#stream.on('error', () => {
      // A log that cannot be written must not stop the server.
      this.#closed = true;
    });
  }

  /** `text` is in wire characters (latin1), written back as the same bytes. */
  write(event: LogEvent, text: string): void {
    if (this.#closed) return;
    if (this.#stream.writableLength > MAX_BUFFERED_BYTES) {
      this.#dropped++;
      return;
    }
    if (this.#dropped) {
      this.#batch.push(`${new Date().toISOString()} INFO ${this.#dropped} log lines dropped (disk too slow)\n`);
      this.#dropped = 0;
    }
    // Escaping newlines keeps one event per line (WHATSAT answers span many).
    const oneLine = text.replace(/\\/g, '\\\\').replace(/\r/g, '\\r').replace(/\n/g, '\\n');
    this.#batch.push(`${new Date().toISOString()} ${event} ${oneLine}\n`);
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#batch.close();
    this.#closed = true;
    return new Promise((resolve) => this.#stream.end(resolve));
  }
}

function openOrUndefined(path: string): number | undefined {
  try {
    return openSync(path, 'a');
  } catch {
    return undefined;
  }
}
