import { connect } from 'node:net';

/** Sends raw bytes to 127.0.0.1:port and reads until the server closes (bounded by a timer). */
export function rawExchange(port: number, data: string | Buffer, waitMs = 3_000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    const timer = setTimeout(() => socket.destroy(), waitMs);
    socket.setEncoding('latin1');
    socket.on('data', (c) => (answer += c));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.write(data);
  });
}
