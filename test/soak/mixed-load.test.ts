/**
 * The memory soak (npm run test:soak): `pibl up` as a child process on free
 * ports, 60 s of mixed load — gateway GETs (hits and misses), kv GETs
 * through the balancer, herd IAMAT and WHATSAT — with the gateway's RSS and
 * heap sampled from /metrics every few seconds. A leak detector, not a
 * benchmark: the load is small and the bound generous.
 * PIBL_SOAK_SECONDS shortens or lengthens the run (and runs it outside npm).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { LineClient } from '../../src/common/line-client.js';
import { tempDir } from '../helpers/config.js';
import { startPibl } from '../helpers/cli.js';
import { ask as herdAsk, freePorts } from '../herd/helpers.js';
import { median, metricValue } from '../reliability/helpers.js';

const SECONDS = Number(process.env.PIBL_SOAK_SECONDS ?? 60);
// `npm test` collects every *.test.ts under test/, this one included: the
// soak runs only from `npm run test:soak` or with PIBL_SOAK_SECONDS set.
const WANTED = process.env.npm_lifecycle_event === 'test:soak' || process.env.PIBL_SOAK_SECONDS !== undefined;
const SAMPLE_EVERY_MS = 3_000;
const HERD = ['Riley', 'Jaquez', 'Juzang', 'Campbell', 'Bernard'];
const NEIGHBORS: Record<string, string> = { Riley: 'Jaquez, Juzang', Jaquez: 'Riley, Bernard', Juzang: 'Riley, Campbell, Bernard', Campbell: 'Juzang, Bernard', Bernard: 'Jaquez, Juzang, Campbell' };

test(`soak: ${SECONDS} s of mixed load on pibl up; no failed request, no RSS growth trend`, { timeout: (SECONDS + 90) * 1000, skip: WANTED ? false : 'the soak runs with npm run test:soak (or PIBL_SOAK_SECONDS=N)' }, async (t) => {
  const dir = tempDir('pibl-soak-');
  const [gw, b1, b2, b3, origin, n1, n2, n3, lb, ...herdPorts] = await freePorts(9 + HERD.length);
  const file = join(dir.dir, 'parser.ini');
  writeFileSync(
    file,
    [
      'host = 127.0.0.1',
      `port = ${gw}`,
      'quiet = true',
      `ip_server1 = 127.0.0.1:${b1}`,
      `ip_server2 = 127.0.0.1:${b2}`,
      `ip_server3 = 127.0.0.1:${b3}`,
      '[balancer]',
      'heartbeat_interval = 2',
      '[cache]',
      // Small, so that misses keep evicting: a cache at its bound, not one still filling.
      'max_bytes = 4194304',
      '[kv]',
      `origin = 127.0.0.1:${origin}`,
      `nodes = 127.0.0.1:${n1}, 127.0.0.1:${n2}, 127.0.0.1:${n3}`,
      `balancer = 127.0.0.1:${lb}`,
      'ttl = 2',
      '[herd]',
      `log_dir = ${join(dir.dir, 'logs')}`,
      ...HERD.flatMap((name, i) => [`[herd.${name}]`, `port = ${herdPorts[i]}`, `neighbors = ${NEIGHBORS[name]}`]),
      '',
    ].join('\n'),
  );
  // V8 lets a busy process's heap grow far before it collects (the herd opens a
  // connection per flood, so garbage comes fast): without a cap, RSS measures
  // GC laziness, not leaks. Under a cap a leak ends in an out-of-memory crash,
  // which this test sees as failed requests. PIBL_SOAK_HEAP_MB=0 runs uncapped.
  const heapMb = Number(process.env.PIBL_SOAK_HEAP_MB ?? 256);
  const env = heapMb > 0 ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=${heapMb}`.trim() } : {};
  const pibl = await startPibl(['up', '--config', file], /Server started successfully/, { cwd: dir.dir, timeoutMs: 30_000, env });
  const agent = new Agent({ connections: 8 });
  const kv = new LineClient({ host: '127.0.0.1', port: lb!, maxSockets: 2, timeoutMs: 10_000 });
  t.after(async () => {
    kv.close();
    await agent.close();
    await pibl.stop('SIGTERM');
    dir.remove();
  });
  const base = `http://127.0.0.1:${gw}`;
  const sample = async () => {
    const res = await request(`${base}/metrics`, { dispatcher: agent });
    const text = await res.body.text();
    return { t: Date.now(), rss: metricValue(text, 'pibl_process_resident_memory_bytes')!, heap: metricValue(text, 'pibl_nodejs_heap_size_used_bytes')! };
  };

  // Warm up: every part answers once (the herd's gazetteer loads on the first WHATSAT).
  await herdAsk(herdPorts[0]!, `IAMAT soak-warm +34.068930-118.445127 ${(Date.now() / 1000).toFixed(9)}\n`);
  await herdAsk(herdPorts[0]!, 'WHATSAT soak-warm 10 5\n');
  assert.equal(JSON.parse(await kv.request('GET article/1')).status, 'OK');
  await sleep(2_000);

  const counts = { gatewayHit: 0, gatewayMiss: 0, kv: 0, iamat: 0, whatsat: 0 };
  const failures: string[] = [];
  const fail = (what: string) => failures.length < 20 && failures.push(what);
  const samples = [await sample()];
  const end = Date.now() + SECONDS * 1000;
  let missId = 0;

  const gatewayLoop = async () => {
    for (let i = 0; Date.now() < end && i < 1_000_000; i++) {
      const miss = i % 4 === 0;
      const path = miss ? `/fixed/1k?soak=${++missId}` : '/fixed/1k';
      try {
        const res = await request(base + path, { dispatcher: agent });
        await res.body.dump();
        if (res.statusCode !== 200) fail(`gateway ${path}: ${res.statusCode}`);
        miss ? counts.gatewayMiss++ : counts.gatewayHit++;
      } catch (err) {
        fail(`gateway ${path}: ${(err as Error).message}`);
      }
    }
  };
  const kvLoop = async () => {
    for (let i = 0; Date.now() < end && i < 1_000_000; i++) {
      try {
        const status = (JSON.parse(await kv.request(`GET article/${1 + (i % 4)}`)) as { status: string }).status;
        if (status !== 'OK') fail(`kv: ${status}`);
        counts.kv++;
      } catch (err) {
        fail(`kv: ${(err as Error).message}`);
      }
    }
  };
  const herdLoop = async () => {
    for (let i = 0; Date.now() < end && i < 1_000_000; i++) {
      const whatsat = i % 5 === 4;
      // WHATSAT asks the server that got the previous IAMAT, about that client.
      const port = herdPorts[(whatsat ? i - 1 : i) % HERD.length]!;
      const client = `soak-${(whatsat ? i - 1 : i) % 50}`;
      try {
        if (whatsat) {
          const answer = await herdAsk(port, `WHATSAT ${client} 5 3\n`);
          if (!answer.startsWith('AT ')) fail(`WHATSAT: ${answer.slice(0, 60)}`);
          counts.whatsat++;
        } else {
          const answer = await herdAsk(port, `IAMAT ${client} +34.068930-118.445127 ${(Date.now() / 1000).toFixed(9)}\n`);
          if (!answer.startsWith('AT ')) fail(`IAMAT: ${answer.slice(0, 60)}`);
          counts.iamat++;
        }
      } catch (err) {
        fail(`herd: ${(err as Error).message}`);
      }
    }
  };
  const sampler = async () => {
    while (Date.now() < end) {
      await sleep(SAMPLE_EVERY_MS);
      samples.push(await sample());
    }
  };
  const only = process.env.PIBL_SOAK_ONLY;
  const loops = { gateway: [gatewayLoop, gatewayLoop], kv: [kvLoop], herd: [herdLoop] };
  await Promise.all([...Object.entries(loops).flatMap(([k, fs]) => (!only || only === k ? fs.map((f) => f()) : [])), sampler()]);
  samples.push(await sample());

  const third = Math.max(1, Math.floor(samples.length / 3));
  const mb = (x: number) => (x / 1024 / 1024).toFixed(1);
  const firstRss = median(samples.slice(0, third).map((s) => s.rss));
  const lastRss = median(samples.slice(-third).map((s) => s.rss));
  const firstHeap = median(samples.slice(0, third).map((s) => s.heap));
  const lastHeap = median(samples.slice(-third).map((s) => s.heap));
  t.diagnostic(`soak ${SECONDS} s (old space capped at ${heapMb || 'no'} MB): requests ${JSON.stringify(counts)}, failed ${failures.length}`);
  t.diagnostic(`soak RSS MB: start ${mb(samples[0]!.rss)}, end ${mb(samples.at(-1)!.rss)}, median first third ${mb(firstRss)}, last third ${mb(lastRss)} (x${(lastRss / firstRss).toFixed(2)})`);
  t.diagnostic(`soak heap MB: start ${mb(samples[0]!.heap)}, end ${mb(samples.at(-1)!.heap)}, median first third ${mb(firstHeap)}, last third ${mb(lastHeap)} (x${(lastHeap / firstHeap).toFixed(2)})`);
  t.diagnostic(`soak samples (s, RSS MB, heap MB): ${samples.map((s) => `${((s.t - samples[0]!.t) / 1000).toFixed(0)}:${mb(s.rss)}/${mb(s.heap)}`).join(' ')}`);

  assert.deepEqual(failures, [], 'no failed request');
  assert.ok(counts.gatewayHit > 0 && counts.gatewayMiss > 0 && counts.kv > 0 && counts.iamat > 0 && counts.whatsat > 0, 'every kind of load ran');
  assert.ok(lastRss <= 1.5 * firstRss, `RSS last third ${mb(lastRss)} MB vs first third ${mb(firstRss)} MB`);
});
