import type { ServerResponse } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface StreamOutcome {
  /** The client got the whole body. */
  complete: boolean;
  /** The body when it was kept and fit the limit; null otherwise. */
  kept: Buffer | null;
}

/**
 * Streams an upstream body to the client (SPEC §2: no whole-body buffering
 * on the miss path) while keeping a copy for the store up to `limit` bytes.
 * Past the limit the copy is dropped and `onGiveUp` fires (so that
 * coalesced waiters stop waiting), but streaming goes on. The client's pace
 * drives the upstream read (backpressure through pipeline). A client that
 * goes away destroys the upstream body, which releases its connection.
 */
export async function streamToClient(
  body: Readable,
  res: ServerResponse,
  keep: { limit: number; onGiveUp?: () => void } | null,
): Promise<StreamOutcome> {
  if (keep === null) {
    try {
      await pipeline(body, res);
      return { complete: true, kept: null };
    } catch {
      if (!res.destroyed && !res.writableEnded) res.destroy();
      return { complete: false, kept: null };
    }
  }
  let keeping = true;
  let size = 0;
  const chunks: Buffer[] = [];
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (keeping) {
        size += chunk.length;
        if (size > keep.limit) {
          keeping = false;
          chunks.length = 0;
          keep.onGiveUp?.();
        } else {
          chunks.push(chunk);
        }
      }
      callback(null, chunk);
    },
  });
  try {
    await pipeline(body, tap, res);
    return { complete: true, kept: keeping ? Buffer.concat(chunks, size) : null };
  } catch {
    if (!res.destroyed && !res.writableEnded) res.destroy();
    return { complete: false, kept: null };
  }
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
