import type { Readable } from 'node:stream';
import type { BodyTap, ProxyResponse } from '../upstream-types.js';

/**
 * Streams an upstream body to the client (SPEC §2: no whole-body buffering
 * on the miss path), showing it to `tap` on the way (the copy for the
 * store). The client's pace drives the upstream read (backpressure). A
 * client that goes away, or an upstream error, destroys the upstream body,
 * which releases its connection. Resolves whether the whole body went to
 * the client.
 *
 * A hand-written pump rather than stream.pipeline: this is the miss path,
 * and pipeline's end-of-stream bookkeeping showed in its profiles.
 */
export function streamToClient(body: Readable, res: ProxyResponse, tap: BodyTap | null): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (complete: boolean) => {
      if (settled) return;
      settled = true;
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
      res.off('close', onClose);
      res.off('drain', onDrain);
      if (complete) tap?.end();
      else tap?.fail();
      resolve(complete);
    };
    const onData = (chunk: Buffer) => {
      tap?.data(chunk);
      if (!res.write(chunk)) {
        body.pause();
        res.once('drain', onDrain);
      }
    };
    const onDrain = () => body.resume();
    const onEnd = () => {
      res.end();
      settle(true);
    };
    const onError = () => {
      res.destroy();
      settle(false);
    };
    const onClose = () => {
      if (settled) return;
      body.destroy();
      settle(false);
    };
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('error', onError);
    // A client gone before the end: stop reading the backend.
    res.once('close', onClose);
    if (res.destroyed) onClose();
  });
}

/** Reads a body for the store only (background refresh), up to `limit`; null past it or on error. */
export async function readBounded(body: Readable, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      size += (chunk as Buffer).length;
      if (size > limit) {
        body.destroy();
        return null;
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks, size);
  } catch {
    return null;
  }
}

/** Discards a body we do not use, so that its connection goes back to the pool. */
export function discard(body: Readable): void {
  body.on('error', () => {});
  body.resume();
}

/**
 * Keeps a copy of a relayed body for the store, up to `limit` bytes; past
 * it the copy is dropped and `onGiveUp` fires (coalesced waiters stop
 * waiting). `done` resolves with the whole body, or null when it outgrew the
 * limit or did not arrive whole (`complete` then says which).
 */
export class KeepingTap implements BodyTap {
  private chunks: Buffer[] | null = [];
  private size = 0;
  complete: boolean | undefined = undefined;
  private settle!: (body: Buffer | null) => void;
  readonly done = new Promise<Buffer | null>((resolve) => (this.settle = resolve));

  constructor(
    private readonly limit: number,
    private readonly onGiveUp: () => void,
    /** The Content-Length the backend announced: a body of another size is not kept. */
    private readonly announced?: number,
  ) {}

  data(chunk: Buffer): void {
    if (!this.chunks) return;
    this.size += chunk.length;
    if (this.size > this.limit) {
      this.chunks = null;
      this.onGiveUp();
    } else {
      this.chunks.push(chunk);
    }
  }

  end(): void {
    this.complete = true;
    const whole = this.chunks !== null && (this.announced === undefined || this.announced === this.size);
    this.settle(whole ? Buffer.concat(this.chunks!, this.size) : null);
  }

  fail(): void {
    this.complete = false;
    this.settle(null);
  }
}
