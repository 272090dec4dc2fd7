import { connect, type Socket } from 'node:net';

/**
 * A raw connection to 127.0.0.1:port: `text` resolves with everything the
 * server sent, once the connection closes (cut after waitMs at the latest).
 */
export function rawConnection(port: number, options: { allowHalfOpen?: boolean; waitMs?: number } = {}): { socket: Socket; text: Promise<string> } {
  const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: options.allowHalfOpen ?? false });
  const text = new Promise<string>((resolve) => {
    let answer = '';
    const timer = setTimeout(() => socket.destroy(), options.waitMs ?? 3_000);
    socket.setEncoding('latin1');
    socket.on('data', (c) => (answer += c));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
  });
  return { socket, text };
}

/** Sends raw bytes to 127.0.0.1:port and reads until the server closes (bounded by a timer). */
export function rawExchange(port: number, data: string | Buffer, waitMs = 3_000): Promise<string> {
  const { socket, text } = rawConnection(port, { waitMs });
  socket.write(data);
  return text;
}
