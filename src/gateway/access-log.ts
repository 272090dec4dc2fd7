import pino, { type Logger } from 'pino';
import { LineBatch } from '../common/line-batch.js';
import type { LogFormat } from '../config/types.js';

/**
 * The gateway's log: one line per request on stdout in the original
 * proxy's words, or pino JSON lines; optionally appended to a file too.
 * Writes go through sonic-boom asynchronously, in batches, so a busy
 * gateway never waits on its terminal and pays one write per batch.
 */
/** Anything lines can be written to: a stream, a sonic-boom, a test's array. */
export interface LogSink {
  write(line: string): unknown;
}

export interface AccessLogOptions {
  format: LogFormat;
  file: string;
  quiet: boolean;
  /** Where lines go (default stdout); tests pass their own. */
  destination?: LogSink;
}

export interface RequestRecord {
  clientIp: string;
  method: string;
  path: string;
  status: number;
  seconds: number;
  /** host:port of the backend that answered, if one did. */
  upstream: string | undefined;
  cache: string | undefined;
  /** A gRPC call's status (its HTTP status is 200 whatever the outcome). */
  grpcStatus?: number;
}

/** pino's own asynchronous writer (sonic-boom). */
type Destination = ReturnType<typeof pino.destination>;

export class AccessLog {
  private readonly logger: Logger;
  private readonly text: boolean;
  private readonly quiet: boolean;
  private readonly sinks: LogSink[];
  private readonly streams: Destination[];
  private readonly batches: LineBatch[];

  constructor(options: AccessLogOptions) {
    const streams: Destination[] = [];
    if (!options.destination) streams.push(pino.destination({ dest: 1, sync: false }));
    if (options.file) streams.push(pino.destination({ dest: options.file, sync: false, mkdir: true, append: true }));
    this.streams = streams;
    // stdout and the file take lines in batches (see LineBatch): sonic-boom alone writes
    // whenever its last write is done, which under load is about once per request.
    this.batches = streams.map(
      (stream) =>
        new LineBatch((chunk) => stream.write(chunk), {
          // pino writes its own streams out at exit, but these lines are not in them yet.
          atExit: (chunk) => {
            stream.write(chunk);
            stream.flushSync();
          },
        }),
    );
    const sinks: LogSink[] = this.batches.map((batch) => ({ write: (line: string) => batch.push(line) }));
    // A destination given (tests) gets each line at once.
    if (options.destination) sinks.unshift(options.destination);
    this.sinks = sinks;
    this.text = options.format === 'text';
    this.quiet = options.quiet;
    this.logger = pino({ base: { name: 'pibl' } }, sinks.length === 1 ? (sinks[0] as pino.DestinationStream) : pino.multistream(sinks.map((stream) => ({ stream: stream as pino.DestinationStream }))));
  }

  /** Start-up and state-change messages. */
  info(message: string, fields: Record<string, unknown> = {}): void {
    if (this.text) this.write(`[*] ${message}\n`);
    else this.logger.info(fields, message);
  }

  warn(message: string, fields: Record<string, unknown> = {}): void {
    if (this.text) this.write(`[!] ${message}\n`);
    else this.logger.warn(fields, message);
  }

  request(r: RequestRecord): void {
    if (this.quiet) return;
    if (this.text) {
      // The original proxy's two line shapes, kept for scripts that read them.
      if (r.cache === 'HIT' || r.cache === 'STALE') this.write(`[*] Request done. Cache response to => ${r.clientIp}\n`);
      else {
        const grpc = r.grpcStatus === undefined ? '' : ` grpc-status=${r.grpcStatus}`;
        this.write(`[*] Request done: ${r.clientIp} => ${r.seconds.toFixed(3)}s <= ${r.upstream ?? '-'}${grpc}\n`);
      }
      return;
    }
    this.logger.info(
      { req: { ip: r.clientIp, method: r.method, path: r.path }, status: r.status, grpcStatus: r.grpcStatus, seconds: r.seconds, upstream: r.upstream, cache: r.cache },
      'request',
    );
  }

  private write(line: string): void {
    for (const sink of this.sinks) sink.write(line);
  }

  /** Writes out what is buffered; the log is not written to again. */
  close(): void {
    for (const batch of this.batches) batch.close();
    this.flush();
  }

  /**
   * Writes out what is buffered. A log file still being opened (its folder is made first)
   * refuses flushSync; its lines stay buffered and are written as soon as it is open.
   */
  flush(): void {
    for (const batch of this.batches) batch.flush();
    for (const stream of this.streams) {
      try {
        stream.flushSync();
      } catch (err) {
        if (!/not ready/i.test((err as Error).message)) throw err;
      }
    }
  }
}
