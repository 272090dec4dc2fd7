import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import fc from 'fast-check';
import { HOST, makeDataDir, startCluster, type Cluster } from '../kv/helpers.js';

/**
 * Arbitrary request lines, several per connection, to the real kv origin,
 * node and balancer: every line gets exactly one answer line, in order, a
 * JSON object whose status is one of the protocol's; a GET for a shipped
 * article is OK; nothing outside the data folder is ever served.
 */
const KNOWN = new Set(['OK', 'NOT_FOUND', 'WRONG_METHOD', 'BAD_REQUEST', 'ORIGIN_FAILURE', 'PROXY_UNREACHABLE', 'NO_HEALTHY_PROXY']);
const piece = fc.constantFrom('GET', 'METRICS', 'PUT', 'article', '/', '1', '..', '.', ' ', '\t', '%2e', '\u0000', '\\', 'secret', 'data', 'é', '\r');
const line = fc.oneof(
  fc.array(piece, { maxLength: 6 }).map((p) => p.join('')),
  fc.string({ maxLength: 40 }).map((s) => s.replace(/\n/g, ' ')),
  fc.integer({ min: 1, max: 4 }).map((n) => `GET article/${n}`),
  fc.constantFrom('GET ../secret', 'GET data/../secret', 'GET article/../../secret', 'GET data/secret', 'GET ./secret', 'GET /etc/passwd', 'GET article/1.json'),
);

function exchange(port: number, lines: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: HOST, port });
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no end of answers within 5 s'));
    }, 5_000);
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => (text += c));
    socket.on('error', reject);
    socket.on('end', () => {
      clearTimeout(timer);
      resolve(text.split('\n').filter((l) => l.length));
    });
    socket.on('connect', () => socket.end(lines.map((l) => `${l}\n`).join('')));
  });
}

test('kv servers: any request lines, each answered once, in order, with a known status; no file outside the data folder', async (t) => {
  const scratch = makeDataDir();
  const cluster: Cluster = await startCluster(scratch.data, { nodes: 1 });
  t.after(async () => {
    await cluster.close();
    scratch.cleanup();
  });
  for (const [name, port] of [['origin', cluster.origin.port], ['node', cluster.nodes[0]!.port], ['lb', cluster.lb.port]] as const) {
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 5 }), async (lines) => {
        const answers = await exchange(port, lines);
        // An empty last line before EOF is no request (the line server takes a missing final newline only when bytes are pending).
        assert.equal(answers.length, lines.length, `${name}: ${JSON.stringify(lines)} -> ${JSON.stringify(answers)}`);
        answers.forEach((text, i) => {
          const answer = JSON.parse(text) as { status: string; data: unknown };
          assert.ok(KNOWN.has(answer.status), `${name}: ${answer.status}`);
          assert.doesNotMatch(text, /must never be served/, `${name} served a file outside the data folder for ${JSON.stringify(lines[i])}`);
          const get = /^GET article\/([1-4])$/.exec(lines[i]!.replace(/\r$/, ''));
          if (get) assert.equal(answer.status, 'OK', `${name}: ${lines[i]}`);
        });
      }),
      { numRuns: 60 },
    );
  }
});
