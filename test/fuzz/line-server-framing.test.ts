import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import fc from 'fast-check';
import { startLineServer } from '../../src/common/line-server.js';

/**
 * Feeds arbitrary bytes, cut into arbitrary chunks, to a real line server
 * and checks each complete line (and a final unterminated one) gets exactly
 * one answer, in order, even when some answers are made asynchronously.
 */
test('line server framing: any bytes in any chunking, one answer per line, in order', async (t) => {
  const server = await startLineServer({
    name: 'fuzz',
    host: '127.0.0.1',
    port: 0,
    encoding: 'latin1',
    maxLineBytes: 64 * 1024,
    handle(line, session) {
      const n = ((session.state.n as number | undefined) ?? 0) + 1;
      session.state.n = n;
      const answer = `${n}:${Buffer.from(line, 'latin1').toString('hex')}\n`;
      // Every other line is answered later, so ordering is really exercised.
      return line.length % 2 ? new Promise((r) => setTimeout(() => r(answer), line.length % 3)) : answer;
    },
    onLineTooLong: () => 'too long\n',
  });
  t.after(() => server.close(0));

  const exchange = (chunks: Buffer[]) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: server.port });
      let text = '';
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error('no end of answers within 5 s'));
      }, 5_000);
      socket.setEncoding('latin1');
      socket.on('data', (c: string) => (text += c));
      socket.on('error', reject);
      socket.on('end', () => {
        clearTimeout(timer);
        resolve(text);
      });
      socket.on('connect', async () => {
        for (const c of chunks) {
          socket.write(c);
          await new Promise((r) => setImmediate(r));
        }
        socket.end();
      });
    });

  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 600 }),
    fc.array(fc.oneof(fc.constant(0x0a), fc.constant(0x0d), fc.constant(0x00), fc.integer({ min: 0, max: 255 })), { maxLength: 300 }).map((a) => Uint8Array.from(a)),
  );
  await fc.assert(
    fc.asyncProperty(bytes, fc.array(fc.nat(600), { maxLength: 8 }), async (input, cuts) => {
      const data = Buffer.from(input);
      const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
      const chunks: Buffer[] = [];
      let prev = 0;
      for (const p of [...points, data.length]) {
        if (p > prev) chunks.push(data.subarray(prev, p));
        prev = p;
      }
      const lines = data.toString('latin1').split('\n');
      const last = lines.pop()!;
      if (last.length) lines.push(last);
      const expected = lines.map((l, i) => `${i + 1}:${Buffer.from(l.endsWith('\r') ? l.slice(0, -1) : l, 'latin1').toString('hex')}\n`).join('');
      assert.equal(await exchange(chunks), expected);
    }),
    { numRuns: 150 },
  );
});
