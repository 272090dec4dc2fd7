import { request } from 'undici';
import { startGateway, type GatewayService } from '../../src/gateway/start.js';
import type { Config } from '../../src/config/types.js';

export interface LogLines {
  lines: string[];
  write(line: string): void;
}

export const logLines = (): LogLines => {
  const lines: string[] = [];
  return { lines, write: (line: string) => void lines.push(line) };
};

/** A real gateway on an ephemeral loopback port, its log lines captured. */
export async function gateway(config: Config): Promise<GatewayService & { url: string; logs: string[] }> {
  const sink = logLines();
  const service = await startGateway(config, { logSink: sink });
  return Object.assign(service, { url: `http://127.0.0.1:${service.port}`, logs: sink.lines });
}

/** GET (or another method) through undici; the body read as text. */
export async function fetchText(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const res = await request(url, {
    method: (options.method ?? 'GET') as 'GET',
    headers: options.headers,
    body: options.body,
  });
  return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
}
