import { performance } from 'node:perf_hooks';
import { LineClient } from '../common/line-client.js';
import { decodeAnswer, KV_STATUS, type KvAnswer } from './protocol.js';

export interface ClientOptions {
  host: string;
  port: number;
  get: string | undefined;
  metrics: boolean;
  out: (text: string) => void;
  err: (text: string) => void;
  /** Default 10 s. */
  timeoutMs?: number;
}

/**
 * `pibl client`: one request on one connection, as the original client did;
 * prints the answer as indented JSON with `latency_ms` added. Exit code: 0
 * on OK, 1 otherwise (CLIENT_CONNECTION_ERROR included), 2 for usage.
 */
export async function runClient(options: ClientOptions): Promise<number> {
  let line: string;
  if (options.metrics) line = 'METRICS';
  else if (options.get !== undefined) {
    // A newline in the path would smuggle a second request onto the line.
    if (/[\r\n]/.test(options.get)) {
      options.err('Error: --get PATH must not contain a line break\n');
      return 2;
    }
    line = `GET ${options.get}`;
  } else {
    options.err('Error: GET endpoint must be provided\n');
    return 2;
  }

  const client = new LineClient({ host: options.host, port: options.port, timeoutMs: options.timeoutMs ?? 10_000, maxSockets: 1, keepAlive: false });
  const started = performance.now();
  let answer: KvAnswer;
  try {
    const text = await client.request(line);
    answer = decodeAnswer(text) ?? { status: KV_STATUS.CLIENT_CONNECTION_ERROR, data: null, error: 'the server answered something that is not a kv answer' };
  } catch (err) {
    answer = { status: KV_STATUS.CLIENT_CONNECTION_ERROR, data: null, error: (err as Error).message };
  } finally {
    client.close();
  }
  answer.latency_ms = Math.round((performance.now() - started) * 1000) / 1000;
  options.out(`${JSON.stringify(answer, null, 2)}\n`);
  if (answer.status === KV_STATUS.CLIENT_CONNECTION_ERROR) options.err(`pibl client: ${String(answer.error)}\n`);
  return answer.status === KV_STATUS.OK ? 0 : 1;
}
