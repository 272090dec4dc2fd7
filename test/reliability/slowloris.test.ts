import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { backendLines, configFromIni } from '../helpers/config.js';
import { gateway } from '../helpers/gateway.js';
import { namedBackend } from '../helpers/servers.js';
import { HOST, percentile } from './helpers.js';

const SLOW_CONNECTIONS = 300;
const CLIENTS = 4;
const REQUESTS_PER_CLIENT = 75;

/** Normal clients: CLIENTS keep-alive loops of sequential GETs; the latency of each, and the statuses. */
async function normalTraffic(url: string): Promise<{ latencies: number[]; statuses: number[] }> {
  const agent = new Agent({ connections: CLIENTS });
  const latencies: number[] = [];
  const statuses: number[] = [];
  try {
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        for (let i = 0; i < REQUESTS_PER_CLIENT; i++) {
          const started = performance.now();
          try {
            const res = await request(`${url}/n/${c}/${i}`, { dispatcher: agent, headersTimeout: 10_000, bodyTimeout: 10_000 });
            await res.body.dump();
            statuses.push(res.statusCode);
          } catch {
            statuses.push(0);
          }
          latencies.push(performance.now() - started);
        }
      }),
    );
  } finally {
    await agent.close();
  }
  return { latencies, statuses };
}

test(`slowloris (${SLOW_CONNECTIONS} connections trickling their heads) while normal clients keep being served`, async (t) => {
  const backend = await namedBackend('a');
  const gw = await gateway(configFromIni(`${backendLines([backend.port])}\nheaders_timeout = 3\n[balancer]\nheartbeat_interval = 3600\n[cache]\nenabled = false\n`));
  const slow: Socket[] = [];
  t.after(async () => {
    for (const s of slow) s.destroy();
    await gw.close();
    await backend.close();
  });

  await normalTraffic(gw.url); // warm-up, so the two measured runs compare like with like
  const baseline = await normalTraffic(gw.url);

  // The attack: each connection sends a request line, then one short header every 200 ms, never the blank line.
  const answers: string[] = Array(SLOW_CONNECTIONS).fill('');
  const closedAt: number[] = [];
  const attackStart = Date.now();
  for (let i = 0; i < SLOW_CONNECTIONS; i++) {
    const s = connect({ host: HOST, port: gw.port });
    s.setEncoding('latin1');
    s.on('error', () => {});
    s.on('data', (c: string) => (answers[i] += c));
    s.on('close', () => closedAt.push(Date.now() - attackStart));
    s.write('GET /slow HTTP/1.1\r\nHost: x\r\n');
    slow.push(s);
  }
  const drip = setInterval(() => {
    for (const s of slow) if (s.writable) s.write(`X-${Math.random().toString(36).slice(2, 6)}: y\r\n`);
  }, 200);
  try {
    await sleep(300);
    const attacked = await normalTraffic(gw.url);
    // Every slow connection is cut at headers_timeout (3 s) plus the check interval; bounded wait.
    const deadline = Date.now() + 8_000;
    while (closedAt.length < SLOW_CONNECTIONS && Date.now() < deadline) await sleep(50);

    const p = (xs: number[], q: number) => percentile(xs, q).toFixed(1);
    t.diagnostic(
      `slowloris: normal clients p50/p99 without ${p(baseline.latencies, 50)}/${p(baseline.latencies, 99)} ms, ` +
        `with ${p(attacked.latencies, 50)}/${p(attacked.latencies, 99)} ms (${attacked.statuses.length} requests); ` +
        `${closedAt.length}/${SLOW_CONNECTIONS} slow connections cut, the last after ${Math.max(...closedAt)} ms`,
    );
    assert.deepEqual([...new Set(baseline.statuses)], [200]);
    assert.deepEqual([...new Set(attacked.statuses)], [200], 'every normal request succeeded during the attack');
    assert.equal(closedAt.length, SLOW_CONNECTIONS, 'the gateway cut every slow connection');
    assert.ok(answers.every((a) => a === '' || a.startsWith('HTTP/1.1 408 ')), 'each was answered 408 (or just closed)');
    assert.equal(backend.hits, 3 * CLIENTS * REQUESTS_PER_CLIENT, 'no slow request reached the backend');
  } finally {
    clearInterval(drip);
  }
});
