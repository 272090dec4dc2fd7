/**
 * Leak checks for the in-process gateway: the TCP handles of this process
 * and the open connections of each backend pool, before and after a fault.
 */
import type { GatewayService } from '../../src/gateway/start.js';
import { tcpHandles, until } from './helpers.js';

export interface Snapshot {
  sockets: number;
  servers: number;
  poolConnections: number;
}

export function snapshot(gw: GatewayService): Snapshot {
  const { sockets, servers } = tcpHandles();
  const poolConnections = gw.pool.all.reduce((n, b) => n + b.pool.stats.connected, 0);
  return { sockets, servers, poolConnections };
}

/** Waits (bounded) for the handle counts to come back to `before`; returns the last snapshot. */
export async function settledTo(gw: GatewayService, before: Snapshot, timeoutMs = 5_000): Promise<Snapshot> {
  let now = snapshot(gw);
  await until(() => {
    now = snapshot(gw);
    return now.sockets <= before.sockets && now.servers <= before.servers && now.poolConnections <= before.poolConnections;
  }, timeoutMs);
  return now;
}
