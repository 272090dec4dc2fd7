import type { IncomingHttpHeaders } from 'node:http';
import type { SimpleHead } from './request-head.js';

/**
 * A request read by the fast lane: the fields of node's IncomingMessage the
 * proxy reads, without the stream (a fast-lane request has no body).
 */
export class LeanRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: string[];
  readonly httpVersion: string;
  readonly httpVersionMajor = 1;
  readonly httpVersionMinor: number;

  constructor(
    head: SimpleHead,
    readonly socket: { readonly remoteAddress?: string | undefined },
  ) {
    this.method = head.method;
    this.url = head.url;
    this.headers = head.headers;
    this.rawHeaders = head.rawHeaders;
    this.httpVersionMinor = head.minor;
    this.httpVersion = head.minor === 1 ? '1.1' : '1.0';
  }
}
