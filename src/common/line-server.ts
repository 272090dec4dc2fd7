import { createServer, type Server, type Socket } from 'node:net';
import { listen } from './listen.js';

/**
 * The TCP line protocol, written once for the kv origin, nodes, balancer and
 * the herd: one request per `\n`-terminated line, answers written in request
 * order, a missing final newline before EOF accepted, a bounded line length
 * and an idle timeout. Nothing a client sends can stop the server.
 */
export interface LineSession {
  readonly socket: Socket;
  readonly remote: string;
  /** Free for the handler: per-connection state. */
  state: Record<string, unknown>;
}

/** What to write back: the exact text (with its newlines), or nothing. */
export type LineAnswer = string | undefined | void;

export interface LineServerOptions {
  /** For messages: "kv origin", "herd Riley", ... */
  name: string;
  host: string;
  port: number;
  handle(line: string, session: LineSession): LineAnswer | Promise<LineAnswer>;
  /** Answer to a line over `maxLineBytes`; the connection is closed after it. */
  onLineTooLong(session: LineSession, head: string): LineAnswer;
  /** Answer to a connection idle past `idleTimeoutMs`; closed after it. */
  onIdle?(session: LineSession): LineAnswer;
  onConnection?(session: LineSession): void;
  onClose?(session: LineSession): void;
  /** An exception from `handle` is answered with this, never crashing the server. */
  onHandlerError?(session: LineSession, line: string, err: unknown): LineAnswer;
  /** Default 64 KiB, the spec's limit. */
  maxLineBytes?: number;
  /** Default 30 s. */
  idleTimeoutMs?: number;
  /** Default 10,000; more are refused at accept. */
  maxConnections?: number;
  /**
   * `latin1` maps bytes to characters one to one, so a line echoed back is
   * byte-for-byte what was received (the herd copies client fields exactly).
   */
  encoding?: 'utf8' | 'latin1';
}

export interface LineServer {
  readonly server: Server;
  readonly port: number;
  readonly connections: number;
  /** Stops accepting, lets open sessions finish up to `drainMs`, then destroys the rest. */
  close(drainMs?: number): Promise<void>;
}

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;
const NEWLINE = 0x0a;
/**
 * Lines read ahead of their answers, per connection. Past it the socket stops
 * being read, so a client pipelining faster than answers are made is held
 * back by TCP instead of filling the server's memory.
 */
const MAX_QUEUED_LINES = 1024;

export async function startLineServer(options: LineServerOptions): Promise<LineServer> {
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const idleMs = options.idleTimeoutMs ?? 30_000;
  const encoding = options.encoding ?? 'utf8';
  const sockets = new Set<Socket>();
  const shared: ServerState = { draining: false };

  const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveConnection(socket, options, maxLine, idleMs, encoding, shared);
  });
  server.maxConnections = options.maxConnections ?? 10_000;
  const port = await listen(server, options.host, options.port, options.name);

  return {
    server,
    port,
    get connections() {
      return sockets.size;
    },
    close(drainMs = 2_000) {
      // Busy sessions end as soon as their answers are written (see drainQueue).
      shared.draining = true;
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          for (const socket of sockets) socket.destroy();
        }, drainMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        // Idle keep-alive sessions would hold close() open until the drain
        // timer; ending them now is what a client of one-shot requests expects.
        for (const socket of sockets) if (!socket.readableLength && !socket.writableLength) socket.end();
      });
    },
  };
}

interface ServerState {
  /** close() was called: sessions end once they have answered what they hold. */
  draining: boolean;
}

function serveConnection(
  socket: Socket,
  options: LineServerOptions,
  maxLine: number,
  idleMs: number,
  encoding: BufferEncoding,
  shared: ServerState,
): void {
  let remote: string | undefined;
  const session: LineSession = {
    socket,
    // Asked for only by whoever logs it (the herd does, on connect): the kv servers,
    // one connection per request, skip a getpeername call per connection.
    get remote() {
      return (remote ??= `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`);
    },
    state: {},
  };
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  // Lines wait here while an asynchronous answer is being made, so that
  // answers leave in request order.
  const queue: string[] = [];
  let busy = false;
  let ended = false;
  let closing = false;
  let writeBlocked = false;

  const write = (answer: LineAnswer) => {
    if (answer && !socket.destroyed && socket.writable) {
      if (!socket.write(answer, encoding)) {
        writeBlocked = true;
        socket.pause();
      }
    }
  };
  // Reading resumes only when neither the peer's reading nor our answering is behind.
  const resumeIfRoom = () => {
    if (!closing && !writeBlocked && queue.length < MAX_QUEUED_LINES && socket.isPaused()) socket.resume();
  };
  socket.on('drain', () => {
    writeBlocked = false;
    resumeIfRoom();
  });

  const finish = (answer?: LineAnswer) => {
    if (closing) return;
    closing = true;
    queue.length = 0;
    write(answer);
    socket.end();
    // A peer that never reads must not pin the socket open. The timer goes
    // with the socket: left to run, it would keep every closed connection
    // (socket, session, buffers) alive for 5 s, and under one connection
    // per request that heap made each young-generation GC pause the server
    // for milliseconds.
    const linger = setTimeout(() => socket.destroy(), 5_000).unref();
    socket.once('close', () => clearTimeout(linger));
  };

  const answerError = (line: string, err: unknown): LineAnswer =>
    options.onHandlerError ? options.onHandlerError(session, line, err) : undefined;

  const drainQueue = (): void => {
    while (queue.length && !closing) {
      const line = queue.shift()!;
      resumeIfRoom();
      let result: LineAnswer | Promise<LineAnswer>;
      try {
        result = options.handle(line, session);
      } catch (err) {
        result = answerError(line, err);
      }
      if (result instanceof Promise) {
        busy = true;
        result
          .catch((err: unknown) => answerError(line, err))
          .then((answer) => {
            busy = false;
            write(answer);
            drainQueue();
          });
        return;
      }
      write(result);
    }
    if ((ended || shared.draining) && !busy && !closing) finish();
  };

  const takeLine = (line: string) => {
    queue.push(line.endsWith('\r') ? line.slice(0, -1) : line);
    if (queue.length >= MAX_QUEUED_LINES) socket.pause();
    if (!busy) drainQueue();
  };

  socket.setTimeout(idleMs, () => {
    finish(options.onIdle ? options.onIdle(session) : undefined);
  });

  socket.on('data', (chunk: Buffer) => {
    if (closing) return;
    let start = 0;
    let nl = chunk.indexOf(NEWLINE, start);
    while (nl !== -1) {
      const lineBytes = pendingBytes + (nl - start);
      if (lineBytes > maxLine) return tooLong(chunk.subarray(start, nl));
      if (pendingBytes) {
        pending.push(chunk.subarray(start, nl));
        takeLine(Buffer.concat(pending).toString(encoding));
        pending = [];
        pendingBytes = 0;
      } else {
        takeLine(chunk.toString(encoding, start, nl));
      }
      if (closing) return;
      start = nl + 1;
      nl = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      if (pendingBytes + rest.length > maxLine) return tooLong(rest);
      pending.push(rest);
      pendingBytes += rest.length;
    }
  });

  const tooLong = (tail: Buffer) => {
    const head = (pending[0] ?? tail).subarray(0, 64).toString(encoding);
    pending = [];
    pendingBytes = 0;
    finish(options.onLineTooLong(session, head));
  };

  socket.on('end', () => {
    ended = true;
    if (pendingBytes && !closing) {
      const last = Buffer.concat(pending).toString(encoding);
      pending = [];
      pendingBytes = 0;
      takeLine(last);
    }
    if (!busy && !closing) drainQueue();
  });
  socket.on('error', () => {
    // Resets and broken pipes are the client's business; 'close' follows.
  });
  socket.on('close', () => {
    // Nobody is left to read the answers to queued lines.
    closing = true;
    queue.length = 0;
    options.onClose?.(session);
  });
  options.onConnection?.(session);
}
