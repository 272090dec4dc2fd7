import pino, { type Logger } from 'pino';
import type { LogFormat } from '../config/types.js';

/**
 * The gateway's log: one line per request on stdout in the original
 * proxy's words, or pino JSON lines; optionally appended to a file too.
 * Writes go through sonic-boom asynchronously so a busy gateway never waits
 * on its terminal.
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

export class AccessLog {
  private readonly logger: Logger;
  private readonly text: boolean;
  private readonly quiet: boolean;
  private readonly sinks: LogSink[];

  constructor(options: AccessLogOptions) {
    const sinks: LogSink[] = [options.destination ?? pino.destination({ dest: 1, sync: false })];
    if (options.file) sinks.push(pino.destination({ dest: options.file, sync: false, mkdir: true, append: true }));
    this.sinks = sinks;
    this.text = options.format === 'text';
    this.quiet = options.quiet;
    this.logger = pino({ base: { name: 'pibl' } }, pino.multistream(sinks.map((stream) => ({ stream: stream as pino.DestinationStream }))));
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

  /**
   * Writes out what is buffered. A log file still being opened (its folder is made first)
   * refuses flushSync; its lines stay buffered and are written as soon as it is open.
   */
  flush(): void {
    for (const sink of this.sinks) {
      try {
        (sink as { flushSync?: () => void }).flushSync?.();
      } catch (err) {
        if (!/not ready/i.test((err as Error).message)) throw err;
      }
    }
  }
}
