/**
 * Before and after: two `npm run bench -- --json` outputs side by side, per
 * HTTP scenario, with the change in req/s, CPU per request and p99, and the
 * ratios against direct and nginx of each run.
 *
 *   npm run bench -- --json > before.json   (change, npm run build)   npm run bench -- --json > after.json
 *   node --import tsx bench/compare.ts before.json after.json
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { BenchResults, HttpScenarioResult } from './results.js';

const change = (before: number | undefined, after: number | undefined) =>
  before && after !== undefined ? `${after >= before ? '+' : ''}${(((after - before) / before) * 100).toFixed(0)}%` : '—';
const ratio = (v: number | undefined) => (v === undefined ? '—' : `${v.toFixed(2)}×`);
const num = (v: number | undefined, digits = 0) => (v === undefined ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));

export function formatComparison(before: BenchResults, after: BenchResults): string {
  const old = new Map(before.http.map((r) => [r.name, r]));
  const header = ['scenario', 'req/s before → after', 'change', 'CPU µs/req before → after', 'change', 'p99 ms before → after', '× direct', '× nginx', 'CPU × nginx'];
  const rows: string[][] = [];
  for (const a of after.http) {
    const b: HttpScenarioResult | undefined = old.get(a.name);
    rows.push([
      a.name,
      `${num(b?.requestsPerSecond.median)} → ${num(a.requestsPerSecond.median)}`,
      change(b?.requestsPerSecond.median, a.requestsPerSecond.median),
      `${num(b?.cpuUsPerRequest, 1)} → ${num(a.cpuUsPerRequest, 1)}`,
      change(b?.cpuUsPerRequest, a.cpuUsPerRequest),
      `${num(b?.p99Ms, 2)} → ${num(a.p99Ms, 2)}`,
      `${ratio(b?.ratioToDirect)} → ${ratio(a.ratioToDirect)}`,
      `${ratio(b?.ratioToNginx)} → ${ratio(a.ratioToNginx)}`,
      `${ratio(b?.cpuRatioToNginx)} → ${ratio(a.cpuRatioToNginx)}`,
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [
    `before: ${before.meta.date}, ${before.meta.loadGenerator}, load average ${before.meta.loadAverage?.start ?? '?'}`,
    `after:  ${after.meta.date}, ${after.meta.loadGenerator}, load average ${after.meta.loadAverage?.start ?? '?'}`,
    '',
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    '',
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [beforeFile, afterFile] = process.argv.slice(2);
  if (!beforeFile || !afterFile) {
    process.stderr.write('Usage: node --import tsx bench/compare.ts before.json after.json\n');
    process.exit(2);
  }
  const read = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as BenchResults;
  process.stdout.write(formatComparison(read(beforeFile), read(afterFile)));
}
