import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Strategy } from '../common/strategies.js';
import type { Backend, BackendPool } from './backend-pool.js';
import { clientAddress, upstreamRequestHeaders } from './headers.js';
import type { HealthMonitor } from './health-monitor.js';

/**
 * WebSocket (and any other HTTP/1.1 Upgrade) pass-through: the request head
 * goes to the chosen backend with the forwarding headers and the Upgrade
 * headers kept, then bytes are piped both ways until either side closes.
 */
export function createUpgradeHandler(pool: BackendPool, strategy: Strategy<Backend>, health: HealthMonitor, connectTimeoutMs: number) {
  return function onUpgrade(req: IncomingMessage, client: Duplex, head: Buffer): void {
    client.on('error', () => client.destroy());
    const backend = strategy.pick(pool.healthy());
    if (!backend) return refuse(client, 503, 'no healthy backend');
    const headers = upstreamRequestHeaders(req, { clientIp: clientAddress(req), proto: 'http' });
    headers.connection = 'Upgrade';
    if (req.headers.upgrade) headers.upgrade = req.headers.upgrade;
    let lines = `${req.method} ${req.url} HTTP/1.1\r\n`;
    for (const [name, value] of Object.entries(headers)) {
      for (const v of Array.isArray(value) ? value : [value]) lines += `${name}: ${v}\r\n`;
    }
    const upstream: Socket = connect({ host: backend.host, port: backend.port });
    backend.inFlight++;
    backend.requests++;
    let connected = false;
    upstream.setTimeout(connectTimeoutMs, () => {
      if (!connected) upstream.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' }));
    });
    upstream.once('connect', () => {
      connected = true;
      upstream.setTimeout(0);
      health.recordSuccess(backend);
      upstream.write(`${lines}\r\n`);
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.once('error', (err: NodeJS.ErrnoException) => {
      if (!connected) {
        health.recordFailure(backend, err.code ?? err.message);
        refuse(client, err.code === 'ETIMEDOUT' ? 504 : 502, `backend ${backend.name} unreachable`);
      } else client.destroy();
    });
    upstream.once('close', () => {
      backend.inFlight--;
      client.destroy();
    });
    client.once('close', () => upstream.destroy());
  };
}

function refuse(client: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ error: { code: status === 503 ? 'PIBL_ERR_NO_HEALTHY_BACKEND' : status === 504 ? 'PIBL_ERR_GATEWAY_TIMEOUT' : 'PIBL_ERR_BAD_GATEWAY', message } });
  const reason = status === 503 ? 'Service Unavailable' : status === 504 ? 'Gateway Timeout' : 'Bad Gateway';
  client.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}
