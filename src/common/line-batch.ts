/**
 * Log lines collected and handed on in one write per `flushMs`, or as soon
 * as `maxBytes` are waiting. A log write is a round trip through libuv's
 * thread pool (fs.write, or sonic-boom's), and under load one per line,
 * or even one per turn of the event loop, costs more than the request
 * being logged. A reader of the log is `flushMs` behind at most.
 */
export class LineBatch {
  #lines: string[] = [];
  #bytes = 0;
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly write: (chunk: string) => void,
    private readonly flushMs = 20,
    private readonly maxBytes = 64 * 1024,
  ) {}

  /** Lines waiting for the next write. */
  get pending(): number {
    return this.#lines.length;
  }

  push(line: string): void {
    this.#lines.push(line);
    this.#bytes += line.length;
    if (this.#bytes >= this.maxBytes) this.flush();
    // Unref'd: a pending batch never keeps the process alive. Its owner writes it on
    // close, and on exit where it can (AccessLog does; see there).
    else this.#timer ??= setTimeout(() => this.flush(), this.flushMs).unref();
  }

  /** Writes what is waiting now. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#lines.length === 0) return;
    const chunk = this.#lines.join('');
    this.#lines = [];
    this.#bytes = 0;
    this.write(chunk);
  }
}
