/**
 * The load generator of bench/originals.ts: one TCP connection per request,
 * as the original Python systems' clients work, with a bounded number in
 * flight, and the CPU of the system under test read around each run.
 */
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { cpuMs } from './cpu.js';
import { HOST } from './processes.js';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


export const REQUEST_TIMEOUT_MS = 5_000;

export type Outcome = 'ok' | 'miss' | 'error';

export interface System {
  label: 'original' | 'pibl';
  /** Server processes whose CPU counts. */
  pids: number[];
  port(n: number): number;
  line(n: number): string;
  classify(answer: string): Outcome;
  /** Peer messages received so far (herd), when the system can tell. */
  peerMessages?: () => number;
}


export interface Run {
  scenario: string;
  system: string;
  round: number;
  durationMs: number;
  requests: number;
  ok: number;
  misses: number;
  errors: number;
  /** The first error seen, for the log. */
  firstError?: string;
  requestsPerSecond: number;
  cpuMs: number | undefined;
  /** CPU of the load generator (this process) over the run, for context: it shares the machine. */
  clientCpuMs: number;
  peerMessages: number | undefined;
  latencies: number[];
}

// ---------------------------------------------------------------- load generator

/** One request the originals' way: connect, write the line, read one answer line, close. */
export function oneShot(port: number, line: string): Promise<string> {
  return new Promise((resolveAnswer, reject) => {
    const socket = connect(port, HOST);
    let buffer = '';
    const timer = setTimeout(() => finish(new Error('timeout')), REQUEST_TIMEOUT_MS);
    const finish = (err: Error | undefined, answer?: string) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolveAnswer(answer!);
    };
    socket.setNoDelay(true);
    socket.once('connect', () => socket.write(`${line}\n`));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const nl = buffer.indexOf('\n');
      if (nl !== -1) finish(undefined, buffer.slice(0, nl));
    });
    socket.once('error', (err) => finish(err));
    socket.once('close', () => finish(new Error(`closed without an answer line (${JSON.stringify(buffer.slice(0, 80))})`)));
  });
}

/** Waits until the processes use (almost) no CPU: at most 20 ms over 250 ms, or 10 s. */
export async function quiesce(pids: number[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  let before = cpuMs(pids);
  while (before !== undefined && Date.now() < deadline) {
    await sleep(250);
    const now = cpuMs(pids);
    if (now === undefined || now - before <= 20) return;
    before = now;
  }
}

export interface LoadShape {
  /** Requests in flight at most. */
  connections: number;
  durationMs: number;
  maxRequests: number;
  /**
   * Requests per second, sent on a fixed schedule (open loop), or undefined
   * to send the next as soon as one ends (closed loop, the system's ceiling).
   * A closed loop compares throughput; its latencies are those of a system
   * at saturation, and a system that drops connections shows its slowest
   * requests as errors, not in its percentiles. At one rate for both,
   * latencies compare like for like.
   */
  rate?: number;
}

export async function runLoad(scenario: string, system: System, round: number, shape: LoadShape, seq: { n: number }): Promise<Run> {
  const { connections, durationMs, maxRequests, rate } = shape;
  await quiesce(system.pids);
  const cpu0 = cpuMs(system.pids);
  const peer0 = system.peerMessages?.();
  const client0 = process.cpuUsage();
  const latencies: number[] = [];
  let ok = 0;
  let misses = 0;
  let errors = 0;
  let firstError: string | undefined;
  let issued = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const worker = async () => {
    // With a rate, every slot due before the deadline is sent, late or not: a
    // stall at the end of a run is counted, not cut off by the clock.
    while ((rate || performance.now() < deadline) && issued < maxRequests) {
      const k = issued++;
      let t0 = performance.now();
      if (rate) {
        const due = started + (k * 1000) / rate;
        if (due >= deadline) break;
        // Behind schedule (every worker busy): timed from when it was due, so a
        // stalled system is not excused by the requests it kept from being sent.
        if (due > t0) {
          await sleep(due - t0);
          t0 = performance.now();
        } else t0 = due;
      }
      const n = seq.n++;
      try {
        const answer = await oneShot(system.port(n), system.line(n));
        const outcome = system.classify(answer);
        if (outcome === 'error') {
          errors++;
          firstError ??= `answer ${JSON.stringify(answer.slice(0, 120))}`;
        } else {
          ok++;
          if (outcome === 'miss') misses++;
        }
      } catch (err) {
        errors++;
        firstError ??= (err as Error).message;
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = performance.now() - started;
  const client = process.cpuUsage(client0);
  await quiesce(system.pids);
  const cpu1 = cpuMs(system.pids);
  const peer1 = system.peerMessages?.();
  return {
    scenario,
    system: system.label,
    round,
    durationMs: Math.round(elapsed),
    requests: latencies.length,
    ok,
    misses,
    errors,
    firstError,
    requestsPerSecond: Math.round((latencies.length / elapsed) * 1000),
    cpuMs: cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0,
    clientCpuMs: (client.user + client.system) / 1000,
    peerMessages: peer0 === undefined || peer1 === undefined ? undefined : peer1 - peer0,
    latencies,
  };
}

