/**
 * One log file per server (`<logDir>/<Name>.log`, SPEC §4): what it received,
 * what it sent, and peer connections opened and dropped. Lines go through a
 * write stream, so the request path only appends to a buffer and never waits
 * on the disk.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';

export type LogEvent = 'RECEIVED' | 'SENT' | 'CONNECTION' | 'PEER' | 'ERROR' | 'INFO';

// A buffer this large means the disk is not keeping up; dropping lines is
// better than letting a log grow the heap without bound.
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export class HerdLog {
  readonly path: string;
  readonly #stream: WriteStream;
  // Lines of one turn of the event loop leave in one write: under load a
  // write per line cost more than the requests being logged.
  #batch: string[] = [];
  #flushScheduled = false;
  #dropped = 0;
  #closed = false;

  constructor(logDir: string, name: string) {
    // Once at start, before listening: not on any request path.
    mkdirSync(logDir, { recursive: true });
    this.path = join(logDir, `${name}.log`);
    this.#stream = createWriteStream(this.path, { flags: 'a' });
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
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  #flush(): void {
    this.#flushScheduled = false;
    if (!this.#batch.length || this.#stream.writableEnded) return;
    this.#stream.write(Buffer.from(this.#batch.join(''), 'latin1'));
    this.#batch = [];
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#flush();
    this.#closed = true;
    return new Promise((resolve) => this.#stream.end(resolve));
  }
}
