import type { Dispatcher } from 'undici';
import { badGateway } from './errors.js';
import { bodyIsDelimited, clientResponseHeaders } from './headers.js';
import { relayInterim } from './interim.js';
import { clientGone, type Upstream } from './upstream.js';
import type { BodyTap, HeadListener, ProxyContext, ProxyResponse } from './upstream-types.js';

/**
 * The uncached proxy path: one dispatch per attempt whose handler
 * writes straight into the client's response, with backpressure both ways
 * (a slow client pauses the backend read). No intermediate stream, no
 * AbortController: this is the hottest code in the gateway (see
 * docs/performance.md for what it saved against request() + pipeline()).
 */
export function forward(ctx: ProxyContext, upstream: Upstream, onHead?: HeadListener): Promise<void> {
  const { res, body } = ctx;
  return upstream.send(ctx.method, (backend, release) => {
    ctx.backend = backend.name;
    return new Promise<void>((resolve, reject) => {
      const writer = new ResponseWriter(res, resolve, reject, release, onHead);
      // A request without a body takes the gateway's own client; one with a body streams it through undici.
      if (body === null) backend.client.dispatch({ method: ctx.method, path: ctx.path, headers: ctx.upstreamHeaders }, writer);
      else backend.pool.dispatch({ method: ctx.method as Dispatcher.HttpMethod, path: ctx.path, headers: ctx.upstreamHeaders, body }, writer);
    });
  });
}

// Head listeners add their fields to the head object rather than with res.setHeader:
// that keeps node's writeHead on its fast path (one header object, no per-field merge).
class ResponseWriter implements Dispatcher.DispatchHandler {
  private started = false;
  private controller: Dispatcher.DispatchController | null = null;
  private tap: BodyTap | null = null;
  private readonly onClientClose = () => {
    if (!this.res.writableFinished) this.controller?.abort(clientGone());
  };

  constructor(
    private readonly res: ProxyResponse,
    private readonly resolve: () => void,
    private readonly reject: (err: unknown) => void,
    private readonly release: () => void,
    private readonly onHead: HeadListener | undefined,
  ) {
    res.once('close', this.onClientClose);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.res.destroyed) controller.abort(clientGone());
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    if (statusCode < 200) {
      relayInterim(this.res, statusCode, headers);
      return;
    }
    const out = clientResponseHeaders(headers);
    try {
      this.tap = this.onHead?.(statusCode, out, bodyIsDelimited(statusCode, headers)) || null;
      this.res.writeHead(statusCode, out);
    } catch (err) {
      // A header value node refuses to send (e.g. a control character): the backend's fault.
      // Nothing was written yet, so the attempt fails as a whole (and a listener that threw cannot hang it).
      this.failTap();
      controller.abort(badGateway(`backend sent an invalid response head: ${(err as Error).message}`, err));
      return;
    }
    this.started = true;
    this.resolve();
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.tap?.data(chunk);
    if (!this.res.write(chunk)) {
      controller.pause();
      this.res.once('drain', () => controller.resume());
    }
  }

  onResponseEnd(): void {
    this.res.off('close', this.onClientClose);
    this.res.end();
    this.release();
    const tap = this.tap;
    this.tap = null;
    tap?.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.res.off('close', this.onClientClose);
    this.release();
    this.failTap();
    if (this.started) this.res.destroy(err);
    else this.reject(err);
  }

  private failTap(): void {
    const tap = this.tap;
    this.tap = null;
    tap?.fail();
  }
}
