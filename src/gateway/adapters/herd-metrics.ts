import { Counter, Gauge, type Registry } from 'prom-client';
import type { HerdCounters } from '../../herd/types.js';
import { tcpProbe, type HerdTarget } from './herd-targets.js';

const KINDS = [
  ['iamat', 'IAMAT'],
  ['whatsat', 'WHATSAT'],
  ['at', 'AT'],
  ['invalid', 'invalid'],
] as const;

/**
 * The herd on /metrics (SPEC §6: messages by kind, flood fan-out). Labels are
 * configured server names, so the set is bounded. Servers running in this
 * process (`pibl up`) are read directly at scrape time; for the others a
 * TCP connect gives pibl_herd_server_up only.
 */
export function registerHerdMetrics(registry: Registry, targets: Map<string, HerdTarget>, probeTimeoutMs = 500): void {
  const registers = [registry];
  const all = [...targets.values()];
  const local = all.filter((t): t is HerdTarget & { service: NonNullable<HerdTarget['service']> } => t.service !== undefined);

  new Gauge({
    name: 'pibl_herd_server_up',
    help: '1 when the herd server runs in this process or accepted a TCP connection at the scrape',
    labelNames: ['server'],
    registers,
    async collect() {
      const up = await Promise.all(all.map((t) => (t.service ? true : tcpProbe(t.host, t.port, probeTimeoutMs))));
      all.forEach((t, i) => this.set({ server: t.name }, up[i] ? 1 : 0));
    },
  });
  if (!local.length) return;

  /** One counters() snapshot per server per collect. */
  const each = (fn: (server: string, counters: HerdCounters) => void) => {
    for (const t of local) fn(t.name, t.service.counters());
  };
  new Counter({
    name: 'pibl_herd_messages_total',
    help: 'Lines a herd server received, by kind (iamat, whatsat, at from peers, invalid)',
    labelNames: ['server', 'kind'],
    registers,
    collect() {
      this.reset();
      each((server, c) => {
        for (const [kind, key] of KINDS) this.inc({ server, kind }, c.received[key]);
      });
    },
  });
  new Counter({
    name: 'pibl_herd_flood_messages_total',
    help: 'AT lines a herd server handed to its neighbours (flood fan-out)',
    labelNames: ['server'],
    registers,
    collect() {
      this.reset();
      each((server, c) => this.inc({ server }, c.floodsSent));
    },
  });
  new Counter({
    name: 'pibl_herd_flood_failures_total',
    help: 'AT lines a neighbour could not take (down, refused, timed out)',
    labelNames: ['server'],
    registers,
    collect() {
      this.reset();
      each((server, c) => this.inc({ server }, c.floodsFailed));
    },
  });
  new Gauge({
    name: 'pibl_herd_clients',
    help: 'Clients with a stored report on a herd server',
    labelNames: ['server'],
    registers,
    collect() {
      each((server, c) => this.set({ server }, c.clients));
    },
  });
  new Gauge({
    name: 'pibl_herd_peer_up',
    help: "1 when a herd server's last connection to the neighbour succeeded (0: failed or not tried yet)",
    labelNames: ['server', 'peer'],
    registers,
    collect() {
      for (const t of local) {
        for (const [peer, state] of Object.entries(t.service.peers())) this.set({ server: t.name, peer }, state === 'up' ? 1 : 0);
      }
    },
  });
}
