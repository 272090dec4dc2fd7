import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backendLines, configFromIni } from '../helpers/config.js';
import { gateway } from '../helpers/gateway.js';
import { rawSend } from './helpers.js';
import { recordingBackend } from './recording-backend.js';

/** One request on its own connection; status, headers (lower-case) and body. */
async function raw(port: number, head: string) {
  const { text } = await rawSend(port, head.replace(/\r\n\r\n$/, '\r\nConnection: close\r\n\r\n'));
  const [top, ...rest] = text.split('\r\n\r\n');
  const lines = (top ?? '').split('\r\n');
  const headers: Record<string, string> = {};
  for (const l of lines.slice(1)) {
    const i = l.indexOf(':');
    headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
  }
  return { status: Number(lines[0]?.split(' ')[1]), headers, body: rest.join('\r\n\r\n') };
}

test('path tricks never reach the admin routes without the prefix, and go to the backend as sent', async (t) => {
  const backend = await recordingBackend({ 'cache-control': 'no-store' });
  const gw = await gateway(
    configFromIni(`${backendLines([backend.port])}\nadmin_token = s3cret\n[balancer]\nheartbeat_interval = 3600\n[cache]\nenabled = true\n`),
  );
  t.after(async () => {
    await gw.close();
    await backend.close();
  });
  const tricks = ['/..%2f-/status', '//-/status', '/x/../-/status', '/%2d/status', '/-%2fstatus', '/./-/status', '/.%2e/-/status', '/%2F-/status', '/kv/../-/status'];
  for (const path of tricks) {
    const res = await raw(gw.port, `GET ${path} HTTP/1.1\r\nHost: site.example\r\n\r\n`);
    assert.doesNotMatch(res.body, /"strategy"|"backends"/, `${path} did not reach /-/status`);
    if (path.startsWith('/kv/')) {
      // The kv adapter's own prefix: it refuses the name, it does not resolve the dots.
      assert.equal(res.status, 400, path);
      continue;
    }
    assert.equal(res.status, 200, path);
    assert.equal(res.body, `GET ${path} host=site.example`, `${path} went to the backend unchanged, not to an admin route`);
  }
  // Purging needs the token whatever the spelling; the tricks reach the backend, never the purge.
  for (const path of ['//-/cache', '/..%2f-/cache', 'http://evil.example/-/cache']) {
    const res = await raw(gw.port, `DELETE ${path} HTTP/1.1\r\nHost: site.example\r\n\r\n`);
    assert.notEqual(res.status, 401, path);
    assert.doesNotMatch(res.body, /purged/, `${path} did not purge`);
  }
  const direct = await raw(gw.port, 'DELETE /-/cache HTTP/1.1\r\nHost: site.example\r\n\r\n');
  assert.equal(direct.status, 401, 'the real route still wants the token');
});

test('absolute-form targets and Host spoofing do not poison the cache: an answer cached for one host is never served for another', async (t) => {
  const backend = await recordingBackend({ 'cache-control': 'max-age=60' });
  const gw = await gateway(configFromIni(`${backendLines([backend.port])}\n[balancer]\nheartbeat_interval = 3600\n[cache]\nenabled = true\n`));
  t.after(async () => {
    await gw.close();
    await backend.close();
  });
  // The backend's answer names the Host it saw, so a poisoned entry would show.
  const good = await raw(gw.port, 'GET /page HTTP/1.1\r\nHost: good.example\r\n\r\n');
  assert.equal(good.body, 'GET /page host=good.example');
  assert.equal(good.headers['x-cache'], 'MISS');

  const spoofed = await raw(gw.port, 'GET /page HTTP/1.1\r\nHost: evil.example\r\n\r\n');
  assert.equal(spoofed.body, 'GET /page host=evil.example', 'another Host is another cache entry');
  assert.equal(spoofed.headers['x-cache'], 'MISS');

  // Absolute-form: the target's authority replaces Host, for the backend and for the key alike.
  const absolute = await raw(gw.port, 'GET http://attacker.example/page HTTP/1.1\r\nHost: good.example\r\n\r\n');
  assert.equal(absolute.body, 'GET /page host=attacker.example');
  const goodAgain = await raw(gw.port, 'GET /page HTTP/1.1\r\nHost: good.example\r\n\r\n');
  assert.equal(goodAgain.body, 'GET /page host=good.example', 'good.example still gets its own answer');
  assert.equal(goodAgain.headers['x-cache'], 'HIT');
  const attackerPlain = await raw(gw.port, 'GET /page HTTP/1.1\r\nHost: attacker.example\r\n\r\n');
  assert.equal(attackerPlain.body, 'GET /page host=attacker.example');

  // Host with case or a trailing dot differences never crosses to another name.
  const upper = await raw(gw.port, 'GET /page HTTP/1.1\r\nHost: GOOD.example\r\n\r\n');
  assert.match(upper.body, /host=(GOOD|good)\.example$/i);
  const weird = ['good.example@evil.example', 'good.example:80@evil.example', 'evil.example#good.example'];
  for (const host of weird) {
    const res = await raw(gw.port, `GET /page HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    if (res.status === 200) assert.equal(res.body, `GET /page host=${host}`, `${host} is its own entry`);
    else assert.equal(res.status, 400, host);
  }
  // A backslash or space in the target is refused by the parser.
  for (const target of ['/page\\..\\-/status', 'http://a b/page']) {
    const res = await rawSend(gw.port, `GET ${target} HTTP/1.1\r\nHost: good.example\r\nConnection: close\r\n\r\n`, { waitMs: 1_000 });
    assert.match(res.text, /^HTTP\/1\.1 (400|200) /, target);
    if (res.text.startsWith('HTTP/1.1 200')) assert.doesNotMatch(res.text, /"strategy"/, `${target} did not reach /-/status`);
  }
});
