/**
 * The floors bench/floors.ts measures: the least a Node process can spend
 * answering or proxying a fixed 1 KiB GET, with node:http or undici or
 * neither. These are measuring sticks, not servers: the raw ones read a
 * request as "everything up to a blank line" and trust whatever comes back.
 *
 *   node --import tsx bench/floor-servers.ts ROLE PORT [UPSTREAM_PORT]
 *
 * node-fixed   node:http answering 1 KiB (the backend of the proxy rows too)
 * raw-fixed    net socket, the same answer written as one buffer
 * node-undici  node:http server, undici Pool.dispatch to the upstream
 * raw-undici   net socket front, undici Pool.dispatch
 * raw-raw      net socket front, net socket upstream with keep-alive, Content-Length bodies only
 */
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer as createNetServer, type Socket } from 'node:net';
import { Pool } from 'undici';

const HOST = '127.0.0.1';
const BODY = Buffer.alloc(1024, 'x');
const FIXED = Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: ${BODY.length}\r\n`), Buffer.from('date: '), Buffer.alloc(29, ' '), Buffer.from('\r\n\r\n'), BODY]);

const [role, portText, upstreamText] = process.argv.slice(2);
const port = Number(portText);
const upstreamPort = Number(upstreamText);

/** Calls `onRequest` once per complete request head in what the socket sends. */
function eachHead(socket: Socket, onRequest: (path: string) => void): void {
  let pending = '';
  socket.on('data', (chunk: Buffer) => {
    pending += chunk.toString('latin1');
    let end: number;
    while ((end = pending.indexOf('\r\n\r\n')) !== -1) {
      const line = pending.slice(0, pending.indexOf('\r\n'));
      pending = pending.slice(end + 4);
      onRequest(line.split(' ')[1] ?? '/');
    }
  });
  socket.on('error', () => {});
}

function rawFront(handler: (socket: Socket, path: string) => void): void {
  createNetServer({ noDelay: true }, (socket) => eachHead(socket, (path) => handler(socket, path))).listen(port, HOST);
}

function undiciPool(): Pool {
  return new Pool(`http://${HOST}:${upstreamPort}`, { connections: 64 });
}

function headOf(status: number, headers: Record<string, string | string[] | undefined>): string {
  let head = `HTTP/1.1 ${status} OK\r\n`;
  for (const name in headers) head += `${name}: ${String(headers[name])}\r\n`;
  return `${head}\r\n`;
}

switch (role) {
  case 'node-fixed':
    createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': BODY.length });
      res.end(BODY);
    }).listen(port, HOST);
    break;
  case 'raw-fixed':
    rawFront((socket) => {
      FIXED.write(new Date().toUTCString(), FIXED.indexOf('date: ') + 6, 'latin1');
      socket.write(Buffer.from(FIXED));
    });
    break;
  case 'node-undici': {
    const pool = undiciPool();
    createHttpServer((req, res) => {
      pool.dispatch(
        { method: 'GET', path: req.url ?? '/', headers: { host: `${HOST}:${upstreamPort}` } },
        {
          // undici tells the handler API apart by onRequestStart.
          onRequestStart: () => {},
          onResponseStart: (_c, status, headers) => void res.writeHead(status, headers as Record<string, string>),
          onResponseData: (_c, chunk) => void res.write(chunk),
          onResponseEnd: () => void res.end(),
          onResponseError: () => void res.destroy(),
        },
      );
    }).listen(port, HOST);
    break;
  }
  case 'raw-undici': {
    const pool = undiciPool();
    rawFront((socket, path) => {
      let head = '';
      const body: Buffer[] = [];
      pool.dispatch(
        { method: 'GET', path, headers: { host: `${HOST}:${upstreamPort}` } },
        {
          onRequestStart: () => {},
          onResponseStart: (_c, status, headers) => void (head = headOf(status, headers)),
          onResponseData: (_c, chunk) => void body.push(chunk),
          onResponseEnd: () => void socket.write(Buffer.concat([Buffer.from(head, 'latin1'), ...body])),
          onResponseError: () => socket.destroy(),
        },
      );
    });
    break;
  }
  case 'raw-raw': {
    const idle: Socket[] = [];
    const open = () => {
      const socket = connect({ host: HOST, port: upstreamPort, noDelay: true }).on('error', () => {});
      // A connection the backend closed while idle must never take a request.
      socket.once('close', () => {
        const at = idle.indexOf(socket);
        if (at !== -1) idle.splice(at, 1);
      });
      return socket;
    };
    rawFront((client, path) => {
      const upstream = idle.pop() ?? open();
      // Closed mid-answer: the client's request has no answer coming; say so by closing it too.
      const onClose = () => client.destroy();
      upstream.once('close', onClose);
      let answer: Buffer | null = null;
      let need = -1;
      const onData = (chunk: Buffer) => {
        answer = answer ? Buffer.concat([answer, chunk]) : chunk;
        if (need < 0) {
          const end = answer.indexOf('\r\n\r\n');
          if (end === -1) return;
          const length = /content-length: *(\d+)/i.exec(answer.toString('latin1', 0, end));
          need = end + 4 + Number(length?.[1] ?? 0);
        }
        if (answer.length < need) return;
        upstream.off('data', onData);
        upstream.off('close', onClose);
        idle.push(upstream);
        client.write(answer);
      };
      upstream.on('data', onData);
      upstream.write(`GET ${path} HTTP/1.1\r\nhost: ${HOST}:${upstreamPort}\r\n\r\n`);
    });
    break;
  }
  default:
    process.stderr.write(`floor-servers: unknown role ${role}\n`);
    process.exit(2);
}
