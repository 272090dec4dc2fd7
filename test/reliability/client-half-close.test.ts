import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backendLines, configFromIni } from '../helpers/config.js';
import { gateway } from '../helpers/gateway.js';
import { httpServer } from '../helpers/servers.js';
import { rawSend } from './helpers.js';

test('a client that half-closes after its request (printf ... | nc) still gets the answer; nothing behind a last request is forwarded', async (t) => {
  const urls: string[] = [];
  const backend = await httpServer((req, res) => {
    req.resume();
    if (req.headers['user-agent'] !== 'pibl-health-check') urls.push(req.url!);
    // A little later than the client's EOF, as any real backend would be.
    setTimeout(() => res.end(`answer to ${req.url}`), 50);
  });
  const gw = await gateway(configFromIni(`${backendLines([backend.port])}\n[balancer]\nheartbeat_interval = 3600\n[cache]\nenabled = false\n`));
  t.after(async () => {
    await gw.close();
    await backend.close();
  });
  const cases: [string, string, string[], string[]][] = [
    ['HTTP/1.0, half-closed', 'GET /one HTTP/1.0\r\n\r\n', ['200'], ['/one']],
    ['HTTP/1.1, half-closed', 'GET /two HTTP/1.1\r\nHost: x\r\n\r\n', ['200'], ['/two']],
    ['two pipelined, half-closed', 'GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n', ['200', '200'], ['/a', '/b']],
    ['HTTP/1.0 (its last), then another', 'GET /last HTTP/1.0\r\n\r\nGET /behind HTTP/1.1\r\nHost: x\r\n\r\n', ['200'], ['/last']],
  ];
  for (const [name, bytes, statuses, reached] of cases) {
    urls.length = 0;
    const answer = await rawSend(gw.port, bytes, { half: true });
    assert.deepEqual([...answer.text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => m[1]), statuses, `${name}: ${answer.text.slice(0, 120)}`);
    for (const url of reached) assert.match(answer.text, new RegExp(`answer to ${url}`), name);
    assert.equal(answer.ended, 'closed', name);
    assert.deepEqual(urls, reached, `${name}: what reached the backend`);
  }
});
