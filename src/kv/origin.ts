import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { startKvLineServer } from './kv-line-server.js';
import type { Service } from '../common/service.js';
import { encodeAnswer, KV_STATUS, parseKvRequest } from './protocol.js';

export interface OriginOptions {
  host: string;
  port: number;
  dataDir: string;
  idleTimeoutMs?: number;
  /** Longest request line; default 64 KiB (SPEC §3). */
  maxLineBytes?: number;
}

/**
 * The kv origin: `GET resource/key` answers the JSON of
 * `<dataDir>/<resource><key>.json` (`article/1` -> `article1.json`, the
 * original's naming). Files are read on every request: the origin is the
 * source of truth, and caching is the nodes' job.
 */
export async function startOrigin(options: OriginOptions): Promise<Service> {
  const dataDir = resolve(options.dataDir);
  const notFound = encodeAnswer({ status: KV_STATUS.NOT_FOUND, data: null });

  const server = await startKvLineServer({
    name: 'kv origin',
    host: options.host,
    port: options.port,
    idleTimeoutMs: options.idleTimeoutMs,
    maxLineBytes: options.maxLineBytes,
    async handle(line) {
      const request = parseKvRequest(line);
      if (request.kind === 'invalid') return encodeAnswer({ status: request.status, data: null, error: request.reason });
      // The origin has no METRICS; the original answered it as any other verb.
      if (request.kind === 'metrics') return encodeAnswer({ status: KV_STATUS.WRONG_METHOD, data: null, error: 'the origin answers GET only' });
      const file = join(dataDir, `${request.resource}${request.key}.json`);
      // parseKvRequest already refuses separators and "..": this is the second lock on the same door.
      if (dirname(file) !== dataDir) return notFound;
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch {
        // Missing, a directory, unreadable: all the same to a client.
        return notFound;
      }
      try {
        return encodeAnswer({ status: KV_STATUS.OK, data: JSON.parse(text) as unknown });
      } catch {
        return encodeAnswer({ status: KV_STATUS.NOT_FOUND, data: null, error: 'the data file is not valid JSON' });
      }
    },
  });

  return {
    name: 'kv origin',
    host: options.host,
    port: server.port,
    close: () => server.close(),
  };
}
