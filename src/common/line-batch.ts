/**
 * Log lines collected and handed on in one write per `flushMs`, or as soon
 * as `maxBytes` are waiting. A log write is a round trip through libuv's
 * thread pool (fs.write, or sonic-boom's), and under load one per line,
 * or even one per turn of the event loop, costs more than the request
 * being logged. A reader of the log is `flushMs` behind at most.
 */
export interface LineBatchOptions {
  flushMs?: number;
  maxBytes?: number;
  /**
   * Writes what is still waiting when the process exits without its
   * owner's close (a second Ctrl-C, a drain timeout, a crash): it must be
   * synchronous, as nothing asynchronous runs after 'exit'. The last lines
   * are the ones that tell what happened.
   */
  atExit?: (chunk: string) => void;
}

export class LineBatch {
  #lines: string[] = [];
  #bytes = 0;
  #timer: NodeJS.Timeout | null = null;
  private readonly flushMs: number;
  private readonly maxBytes: number;
  private readonly atExit: ((chunk: string) => void) | undefined;

  constructor(
    private readonly write: (chunk: string) => void,
    options: LineBatchOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 20;
    this.maxBytes = options.maxBytes ?? 64 * 1024;
    this.atExit = options.atExit;
    if (this.atExit) writtenAtExit(this);
  }

  push(line: string): void {
    this.#lines.push(line);
    this.#bytes += line.length;
    if (this.#bytes >= this.maxBytes) this.flush();
    // Unref'd: a pending batch never keeps the process alive (close() or the exit hook writes it).
    else this.#timer ??= setTimeout(() => this.flush(), this.flushMs).unref();
  }

  /** Writes what is waiting now. */
  flush(): void {
    const chunk = this.take();
    if (chunk !== null) this.write(chunk);
  }

  /** Writes what is waiting; nothing is written at exit any more. */
  close(): void {
    this.flush();
    atExit.delete(this);
  }

  /** Called once, from the exit hook. */
  exiting(): void {
    const chunk = this.take();
    if (chunk !== null) this.atExit?.(chunk);
  }

  private take(): string | null {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#lines.length === 0) return null;
    const chunk = this.#lines.join('');
    this.#lines = [];
    this.#bytes = 0;
    return chunk;
  }
}

/** Batches with an exit writer; one process listener for them all, so many logs in one process add no listener each. */
const atExit = new Set<LineBatch>();
let exitHooked = false;

function writtenAtExit(batch: LineBatch): void {
  atExit.add(batch);
  if (exitHooked) return;
  exitHooked = true;
  process.on('exit', () => {
    for (const each of atExit) {
      try {
        each.exiting();
      } catch {
        // Exiting: a log that cannot be written must not hide why.
      }
    }
  });
}
