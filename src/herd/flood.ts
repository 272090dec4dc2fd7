/**
 * Flooding to neighbours (SPEC §4). A server-to-server connection lives only
 * as long as one flood needs — open, write the AT line(s), close — because the
 * original grading script stops a server by killing every process connected
 * to its port, and a long-lived link would take the neighbours down with it.
 * A neighbour that is down is skipped, logged, and tried again on the next
 * message; nothing is queued for it, so a restarted server gets new reports only.
 */
import { connect, type Socket } from 'node:net';
import type { HerdLog } from './log.js';
import type { PeerState } from './types.js';

export interface Peer {
  name: string;
  host: string;
  port: number;
}

interface Batch {
  lines: string[];
  done: Promise<boolean>;
}

export class Flooder {
  readonly #peers: Peer[];
  readonly #timeoutMs: number;
  readonly #log: HerdLog;
  readonly #state = new Map<string, PeerState>();
  // Lines for a peer whose connection is still being opened ride on that
  // connection: under load one connection carries many lines.
  readonly #connecting = new Map<string, Batch>();
  readonly #sockets = new Set<Socket>();
  readonly #inFlight = new Set<Promise<unknown>>();
  floodsSent = 0;
  floodsFailed = 0;
  connectionsOpened = 0;

  constructor(peers: Peer[], timeoutMs: number, log: HerdLog) {
    this.#peers = peers;
    this.#timeoutMs = timeoutMs;
    this.#log = log;
    for (const peer of peers) this.#state.set(peer.name, 'unknown');
  }

  get reachable(): number {
    let n = 0;
    for (const state of this.#state.values()) if (state === 'up') n++;
    return n;
  }

  states(): Record<string, PeerState> {
    return Object.fromEntries(this.#state);
  }

  /**
   * Hands `line` to every neighbour, the one it came from included (SPEC §4:
   * every neighbour; the newest-time rule ends the echo), and resolves once
   * each took it or failed (never rejects).
   */
  async flood(line: string): Promise<void> {
    await Promise.all(this.#peers.map((peer) => this.#send(peer, line)));
  }

  /** Waits for floods in progress (each bounded by the peer timeout), then drops what is left. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#inFlight]);
    for (const socket of this.#sockets) socket.destroy();
  }

  #send(peer: Peer, line: string): Promise<boolean> {
    const batch = this.#connecting.get(peer.name);
    if (batch) {
      batch.lines.push(line);
      return batch.done;
    }
    const lines = [line];
    const done = this.#open(peer, lines);
    this.#connecting.set(peer.name, { lines, done });
    this.#inFlight.add(done);
    void done.then(() => this.#inFlight.delete(done));
    return done;
  }

  #open(peer: Peer, lines: string[]): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const socket = connect({ host: peer.host, port: peer.port, noDelay: true });
      this.#sockets.add(socket);
      let handed = false;
      let settled = false;
      const settle = (ok: boolean) => {
        if (settled) return;
        settled = true;
        if (this.#connecting.get(peer.name)?.lines === lines) this.#connecting.delete(peer.name);
        if (ok) this.floodsSent += lines.length;
        else this.floodsFailed += lines.length;
        resolve(ok);
      };
      // Bounds the connect and the write; after the hand-over it bounds how
      // long a peer that never closes can hold the socket.
      const timer = setTimeout(() => {
        if (!handed) this.#dropped(peer, 'timed out', lines);
        socket.destroy();
        settle(handed);
      }, this.#timeoutMs);
      timer.unref();

      socket.once('connect', () => {
        this.#connecting.delete(peer.name);
        this.connectionsOpened++;
        this.#mark(peer, 'up');
        this.#log.write('PEER', `connection to ${peer.name} (${peer.host}:${peer.port}) opened`);
        for (const l of lines) this.#log.write('SENT', `to ${peer.name}: ${l}`);
        socket.end(lines.join('\n') + '\n', 'latin1', () => {
          handed = true;
          settle(true);
        });
      });
      // A herd server never answers an AT; anything a stranger sends is discarded.
      socket.resume();
      socket.on('error', (err: NodeJS.ErrnoException) => {
        if (!handed) this.#dropped(peer, err.code ?? err.message, lines);
        settle(handed);
      });
      socket.on('close', () => {
        clearTimeout(timer);
        this.#sockets.delete(socket);
        if (handed) this.#log.write('PEER', `connection to ${peer.name} closed`);
        settle(handed);
      });
    });
  }

  #dropped(peer: Peer, why: string, lines: string[]): void {
    this.#mark(peer, 'down');
    this.#log.write('PEER', `connection to ${peer.name} (${peer.host}:${peer.port}) dropped: ${why}; ${lines.length} AT line(s) skipped, tried again on the next message`);
  }

  #mark(peer: Peer, state: PeerState): void {
    const before = this.#state.get(peer.name);
    if (before === state) return;
    this.#state.set(peer.name, state);
    if (before !== 'unknown' || state === 'down') this.#log.write('PEER', `${peer.name} is ${state === 'up' ? 'back up' : 'down'}`);
  }
}
