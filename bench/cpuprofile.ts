/**
 * A text summary of a V8 .cpuprofile (what `node --cpu-prof` writes): the
 * functions with the most self time, their inclusive time, and self time by
 * where the code lives (pibl's dist/, a dependency, Node's internals, GC).
 * For the flame graph, open the file in Chrome DevTools or speedscope.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
}

export interface FunctionCost {
  name: string;
  where: string;
  selfPercent: number;
  totalPercent: number;
}

export interface ProfileSummary {
  samples: number;
  functions: FunctionCost[];
  /** Self time by origin: "pibl dist/gateway/...", "undici", "node internals", "(garbage collector)", ... */
  byOrigin: { origin: string; selfPercent: number }[];
}

function where(frame: CallFrame): string {
  if (!frame.url) return '';
  const url = frame.url.replace(/^file:\/\//, '');
  const short = url.includes('/node_modules/') ? url.slice(url.lastIndexOf('/node_modules/') + 14) : url.includes('/dist/') ? url.slice(url.lastIndexOf('/dist/') + 1) : url;
  return `${short}:${frame.lineNumber + 1}`;
}

function origin(frame: CallFrame): string {
  const url = frame.url;
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const nm = /\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  const dist = /\/dist\/([^/]+)\//.exec(url);
  if (dist) return `pibl dist/${dist[1]}/`;
  return url.includes('/dist/') ? 'pibl dist/' : url;
}

const pct = (n: number, total: number) => Math.round((n / (total || 1)) * 1000) / 10;

export function summariseProfile(profile: CpuProfile, top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Samples when present (one per tick); hitCount otherwise.
  const hits = new Map<number, number>();
  if (profile.samples?.length) for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  else for (const n of profile.nodes) if (n.hitCount) hits.set(n.id, n.hitCount);
  const key = (f: CallFrame) => `${f.functionName || '(anonymous)'}\u0000${where(f)}`;
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const origins = new Map<string, number>();
  let samples = 0;
  for (const [id, count] of hits) {
    const node = byId.get(id)!;
    samples += count;
    const k = key(node.callFrame);
    self.set(k, (self.get(k) ?? 0) + count);
    const o = origin(node.callFrame);
    origins.set(o, (origins.get(o) ?? 0) + count);
    // Inclusive time: once per function on the stack, however deep the recursion.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const ak = key(byId.get(at)!.callFrame);
      if (seen.has(ak)) continue;
      seen.add(ak);
      total.set(ak, (total.get(ak) ?? 0) + count);
    }
  }
  const functions = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, n]) => {
      const [name, at] = k.split('\u0000') as [string, string];
      return { name, where: at, selfPercent: pct(n, samples), totalPercent: pct(total.get(k) ?? n, samples) };
    });
  const byOrigin = [...origins.entries()].sort((a, b) => b[1] - a[1]).map(([o, n]) => ({ origin: o, selfPercent: pct(n, samples) }));
  return { samples, functions, byOrigin };
}

export function readProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}

export function formatProfileSummary(s: ProfileSummary): string {
  const lines = [`${s.samples} samples`, '', ' self %  total %  function  (where)'];
  for (const f of s.functions) lines.push(`${f.selfPercent.toFixed(1).padStart(7)}  ${f.totalPercent.toFixed(1).padStart(7)}  ${f.name}${f.where ? `  (${f.where})` : ''}`);
  lines.push('', ' self %  by origin');
  for (const o of s.byOrigin.filter((o) => o.selfPercent >= 0.5)) lines.push(`${o.selfPercent.toFixed(1).padStart(7)}  ${o.origin}`);
  return `${lines.join('\n')}\n`;
}
