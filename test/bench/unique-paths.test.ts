import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { loadGenerator } from '../../bench/load.js';
import { wrkVersion } from '../../bench/wrk.js';

// The cold-cache scenarios rely on it: with uniquePaths no two requests, in one run or across runs, ask the same URL.
for (const tool of ['autocannon', 'wrk'] as const) {
  test(`${tool}: uniquePaths gives every request a URL never asked before, across runs too`, { skip: tool === 'wrk' && !wrkVersion() ? 'wrk not installed: apt-get install wrk' : false }, async (t) => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.end('ok');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    t.after(() => server.close());
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fixed/1k`;
    const generator = loadGenerator(tool);
    const first = await generator.run({ url, connections: 4, durationMs: 1000, uniquePaths: true });
    const second = await generator.run({ url, connections: 4, durationMs: 1000, uniquePaths: true });
    assert.ok(first.requests > 10 && second.requests > 10);
    assert.ok(seen.length >= first.requests + second.requests);
    assert.equal(new Set(seen).size, seen.length, 'no URL asked twice');
    for (const path of seen) assert.match(path, /^\/fixed\/1k\?r=[\w-]+&n=\d+$/);
    server.closeAllConnections();
  });
}
