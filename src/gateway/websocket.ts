import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Strategy } from '../common/strategies.js';
import type { Backend, BackendPool } from './backend-pool.js';
import { clientAddress, upstreamRequestHeaders } from './headers.js';
import type { HealthMonitor } from './health-monitor.js';
import { GatewayError, badGateway, gatewayTimeout } from './errors.js';

/**
 * WebSocket (and any other HTTP/1.1 Upgrade) pass-through: the request head
 * goes to the chosen backend with the forwarding headers and the Upgrade
 * headers kept, then bytes are piped both ways until either side closes.
 */
export function createUpgradeHandler(pool: BackendPool, strategy: Strategy<Backend>, health: HealthMonitor, connectTimeoutMs: number) {
  return function onUpgrade(req: IncomingMessage, client: Duplex, head: Buffer): void {
    client.on('error', () => client.destroy());
    const backend = strategy.pick(pool.healthy());
    if (!backend) return void client.end(new GatewayError(503, 'PIBL_ERR_NO_HEALTHY_BACKEND', 'no healthy backend').toRawResponse());
    const headers = upstreamRequestHeaders(req, { clientIp: clientAddress(req), proto: 'http' });
    headers.connection = 'Upgrade';
    if (req.headers.upgrade) headers.upgrade = req.headers.upgrade;
    let lines = `${req.method} ${req.url} HTTP/1.1\r\n`;
    for (const [name, value] of Object.entries(headers)) {
      for (const v of Array.isArray(value) ? value : [value]) lines += `${name}: ${v}\r\n`;
    }
    const upstream: Socket = connect({ host: backend.host, port: backend.port });
    backend.started();
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
        const message = `backend ${backend.name} unreachable`;
        client.end((err.code === 'ETIMEDOUT' ? gatewayTimeout(message) : badGateway(message)).toRawResponse());
      } else client.destroy();
    });
    upstream.once('close', () => {
      backend.finished();
      client.destroy();
    });
    client.once('close', () => upstream.destroy());
  };
}
