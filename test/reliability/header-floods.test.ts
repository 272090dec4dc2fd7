import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backendLines, configFromIni } from '../helpers/config.js';
import { gateway } from '../helpers/gateway.js';
import { getOnce, rawSend } from './helpers.js';
import { recordingBackend } from './recording-backend.js';

const manyHeaders = (n: number, name = (i: number) => `x-h${i}`) => Array.from({ length: n }, (_, i) => `${name(i)}: v\r\n`).join('');

test('oversized heads and header-count floods: 431 (or 400), never forwarded, and no backend is blamed', async (t) => {
  const backend = await recordingBackend();
  // A roomy buffer_size, so that the count limit, not the byte limit, is what a flood of tiny headers meets.
  const gw = await gateway(configFromIni(`${backendLines([backend.port])}\nbuffer_size = 65536\n[balancer]\nheartbeat_interval = 3600\nmax_fails = 1\n[cache]\nenabled = false\n`));
  t.after(async () => {
    await gw.close();
    await backend.close();
  });
  const cases: [string, string, RegExp][] = [
    ['a 70 KB request line', `GET /${'u'.repeat(70_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, /^HTTP\/1\.1 431 /],
    ['one 70 KB header', `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`, /^HTTP\/1\.1 431 /],
    ['2,000 tiny headers', `GET /flood HTTP/1.1\r\nHost: x\r\n${manyHeaders(2_000)}\r\n`, /^HTTP\/1\.1 (431|400) /],
    ['2,000 copies of one tiny header', `GET /flood HTTP/1.1\r\nHost: x\r\n${manyHeaders(2_000, () => 'a')}\r\n`, /^HTTP\/1\.1 (431|400) /],
    ['101 headers (one past the limit)', `GET /flood HTTP/1.1\r\nHost: x\r\n${manyHeaders(100)}\r\n`, /^HTTP\/1\.1 (431|400) /],
    ['10,000 one-byte headers in a 64 KB head', `GET /flood HTTP/1.1\r\nHost: x\r\n${'a:\r\n'.repeat(10_000)}\r\n`, /^HTTP\/1\.1 (431|400) /],
  ];
  for (const [name, bytes, expected] of cases) {
    const before = backend.seen.length;
    const answer = await rawSend(gw.port, bytes);
    assert.match(answer.text, expected, `${name}: ${answer.text.slice(0, 60)}`);
    assert.match(answer.text, /PIBL_ERR_HEAD_TOO_LARGE|PIBL_ERR_BAD_REQUEST/, name);
    assert.equal(backend.seen.length, before, `${name} was not forwarded`);
  }
  // 99 extra headers (100 with Host) still pass.
  const fine = await rawSend(gw.port, `GET /fine HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${manyHeaders(98)}\r\n`);
  assert.match(fine.text, /^HTTP\/1\.1 200 /);
  assert.equal(backend.seen.at(-1)?.url, '/fine');
  assert.equal(backend.seen.at(-1)!.rawHeaders.filter((_, i) => i % 2 === 0 && _.startsWith('x-h')).length, 98, 'every header forwarded');
  assert.equal(gw.pool.healthy().length, 1, 'no backend was blamed');
  assert.equal((await getOnce(`${gw.url}/after`)).status, 200);
});

test('duplicate Host headers cannot eject a healthy backend (they used to count as backend failures)', async (t) => {
  const backend = await recordingBackend();
  const gw = await gateway(configFromIni(`${backendLines([backend.port])}\n[balancer]\nheartbeat_interval = 3600\nmax_fails = 3\n[cache]\nenabled = false\n`));
  t.after(async () => {
    await gw.close();
    await backend.close();
  });
  for (let i = 0; i < 10; i++) {
    const answer = await rawSend(gw.port, 'GET /dup HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n');
    assert.match(answer.text, /^HTTP\/1\.1 400 /);
  }
  assert.equal(gw.pool.healthy().length, 1, 'still healthy');
  assert.equal(gw.pool.all[0]!.failures, 0);
  assert.equal((await getOnce(`${gw.url}/after`)).status, 200);
});
