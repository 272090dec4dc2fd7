/** The table on stdout (and the JSON is just the results object). */
import type { BenchResults } from './results.js';

const int = (v: number) => Math.round(v).toLocaleString('en-US');
const fixed = (v: number | undefined, digits: number) => (v === undefined ? '—' : v.toFixed(digits));
const ratio = (v: number | undefined) => (v === undefined ? '—' : `${v.toFixed(2)}×`);

function table(header: string[], rows: string[][], rightAligned: boolean[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (rightAligned[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

export function formatTable(results: BenchResults): string {
  const m = results.meta;
  const out: string[] = [];
  out.push(
    `pibl bench: ${m.connections} connections, ${m.rounds} round${m.rounds === 1 ? '' : 's'} × ${m.durationMs / 1000} s per contender, interleaved; ` +
      `load generator ${m.loadGenerator}; loopback`,
  );
  const load = `load average ${m.loadAverage.start}${m.loadAverage.end === undefined ? '' : ` → ${m.loadAverage.end}`}`;
  const busy = m.loadAverage.start > m.cpus ? ' (busy: trust CPU µs/req over req/s and p99)' : '';
  out.push(`machine: ${m.cpus} CPU${m.cpus === 1 ? '' : 's'} (${m.cpuModel}), ${load}${busy}, node ${m.node}, ${m.date}`);
  for (const note of m.notes) out.push(note);
  if (results.http.length) {
    out.push('');
    const rows = results.http.map((r) => [
      r.name + (r.problem ? ' (!)' : ''),
      int(r.requestsPerSecond.median),
      `${int(r.requestsPerSecond.min)}–${int(r.requestsPerSecond.max)}`,
      fixed(r.p50Ms, 2),
      fixed(r.p99Ms, 2),
      fixed(r.cpuUsPerRequest, 1),
      fixed(r.backendCpuUsPerRequest, 1),
      ratio(r.ratioToDirect),
      ratio(r.ratioToNginx),
      ratio(r.cpuRatioToNginx),
      String(r.errors),
    ]);
    out.push(
      ...table(
        ['scenario', 'req/s', 'spread (min–max)', 'p50 ms', 'p99 ms', 'CPU µs/req', 'backends µs/req', '× direct', '× nginx', 'CPU × nginx', 'errors'],
        rows,
        [false, true, true, true, true, true, true, true, true, true, true],
      ),
    );
    out.push('');
    out.push('req/s: median over the rounds; spread: the slowest and fastest round. p50/p99: latency seen by the load generator, median over the rounds.');
    out.push('CPU µs/req: user+system CPU of the process under test per request (direct: backend b1; gateway-*: the gateway; nginx-*: master+workers).');
    out.push('backends µs/req: CPU of the three backends together per request: what each way of proxying costs the backends (≈0 on cache hits).');
    out.push('*-cold: the cache on, every request a URL never asked before: each answer fetched and stored (nginx: proxy_cache).');
    out.push('× direct: req/s against direct; × nginx: against nginx-miss for *-miss rows, nginx-cold for *-cold rows, nginx-hit for *-hit rows;');
    out.push('CPU × nginx: CPU µs/req against the same nginx row (below 1.00× is cheaper than nginx; the steadiest figure on a busy machine).');
    for (const r of results.http) if (r.problem) out.push(`(!) ${r.problem}`);
  }
  if (results.tcp.length) {
    out.push('');
    const rows = results.tcp.map((r) => [
      `${r.group}: ${r.name}`,
      String(r.connections),
      r.requestsPerSecond === undefined ? '—' : int(r.requestsPerSecond),
      fixed(r.p50Ms, 2),
      fixed(r.p99Ms, 2),
      r.errors === undefined ? '—' : String(r.errors),
    ]);
    out.push(...table(['TCP scenario', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'errors'], rows, [false, true, true, true, true, true]));
    out.push('');
    out.push('kv, herd and gRPC run their own load generators in the bench process, servers alongside: compare them with each other and across runs.');
  }
  for (const s of results.skipped) out.push(`${s.name}: ${s.reason}`);
  return `${out.join('\n')}\n`;
}
