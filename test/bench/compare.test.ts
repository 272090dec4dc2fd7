import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatComparison } from '../../bench/compare.js';
import { addRatios, summarise, type BenchResults } from '../../bench/results.js';

function results(missRps: number, missCpuMs: number): BenchResults {
  const round = (requestsPerSecond: number, cpuMs: number) => ({ requests: requestsPerSecond * 5, requestsPerSecond, p50Ms: 1, p99Ms: 5, errors: 0, cpuMs });
  const http = [
    summarise({ name: 'direct', url: 'u', cpuOf: 'b1' }, [round(40_000, 2_400)], [undefined]),
    summarise({ name: 'gateway-miss', url: 'u', cpuOf: 'gateway' }, [round(missRps, missCpuMs)], [undefined]),
    summarise({ name: 'nginx-miss', url: 'u', cpuOf: 'nginx' }, [round(20_000, 1_200)], [undefined]),
  ];
  addRatios(http);
  return {
    meta: { date: 'd', node: 'v20', cpus: 2, cpuModel: 'x', loadGenerator: 'wrk', loadAverage: { start: 1 }, connections: 50, rounds: 1, durationMs: 5000, notes: [] },
    http,
    tcp: [],
    skipped: [],
  };
}

test('ratios: CPU per request in µs, × direct and × nginx from the medians', () => {
  const r = results(10_000, 2_800);
  const miss = r.http.find((h) => h.name === 'gateway-miss')!;
  assert.equal(miss.cpuUsPerRequest, 56);
  assert.equal(miss.ratioToDirect, 0.25);
  assert.equal(miss.ratioToNginx, 0.5);
  assert.equal(miss.cpuRatioToNginx, 4.67);
  assert.equal(r.http[0]!.ratioToNginx, undefined);
});

test('compare: one row per scenario of the later run, with the changes', () => {
  const text = formatComparison(results(10_000, 2_800), results(15_000, 2_100));
  const row = text.split('\n').find((l) => l.startsWith('gateway-miss'))!;
  assert.match(row, /10,000 → 15,000\s+\+50%/);
  assert.match(row, /56\.0 → 28\.0\s+-50%/);
  assert.match(row, /0\.50× → 0\.75×/);
  assert.ok(text.split('\n').some((l) => l.startsWith('direct')));
});
