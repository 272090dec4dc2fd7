import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpServer } from '../helpers/servers.js';
import { backendLines, configFromIni } from '../helpers/config.js';
import { gateway } from '../helpers/gateway.js';
import { getOnce } from './helpers.js';

/**
 * A backend as carelessly written as the ones cache-poisoning research
 * finds: it builds its page from X-Forwarded-Host, Forwarded and routes by
 * X-Original-URL / X-Rewrite-URL, and says the page is cacheable for a
 * minute without any Vary. Poisoning would show as "evil" in a plain answer.
 */
const careless = () =>
  httpServer((req, res) => {
    req.resume();
    const h = req.headers;
    const route = (h['x-original-url'] ?? h['x-rewrite-url'] ?? req.url) as string;
    const forwardedHost = /host=([^;,\s]+)/i.exec(String(h.forwarded ?? ''))?.[1];
    const linkHost = forwardedHost ?? h['x-forwarded-host'] ?? h.host;
    const override = h['x-http-method-override'];
    res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'public, max-age=60' });
    res.end(`<script src="//${linkHost}/app.js"></script> route=${route}${override ? ` override=${override}` : ''}`);
  });

const plain = '<script src="//site.example/app.js"></script> route=/home';

test('unkeyed headers (X-Forwarded-Host, Forwarded, X-Original-URL, X-Rewrite-URL) cannot poison the cached answer of a plain request', async (t) => {
  const backend = await careless();
  const gw = await gateway(configFromIni(`${backendLines([backend.port])}\n[balancer]\nheartbeat_interval = 3600\n[cache]\nenabled = true\n`));
  t.after(async () => {
    await gw.close();
    await backend.close();
  });
  const attacks: Record<string, string>[] = [
    { 'x-forwarded-host': 'evil.example' },
    { forwarded: 'for=1.2.3.4;host=evil.example;proto=https' },
    { 'x-original-url': '/evil' },
    { 'x-rewrite-url': '/evil' },
    { 'x-forwarded-host': 'evil.example', 'x-original-url': '/evil', forwarded: 'host=evil.example' },
  ];
  for (const [i, attack] of attacks.entries()) {
    const path = `/home?round=${i}`;
    const expected = plain.replace('/home', path);
    // The attacker goes first, so a poisoned entry would be the one stored.
    const poisoned = await getOnce(`${gw.url}${path}`, { host: 'site.example', ...attack });
    assert.equal(poisoned.status, 200);
    assert.equal(poisoned.body!.toString(), expected, `${JSON.stringify(attack)}: the header did not reach the backend`);
    const victim = await getOnce(`${gw.url}${path}`, { host: 'site.example' });
    assert.equal(victim.headers['x-cache'], 'HIT', 'the victim is answered from the cache');
    assert.equal(victim.body!.toString(), expected, `${JSON.stringify(attack)} did not poison the cache`);
  }
});

test('a page cached before an attack stays clean while an attacker sends unkeyed headers', async (t) => {
  const backend = await careless();
  const gw = await gateway(configFromIni(`${backendLines([backend.port])}\n[balancer]\nheartbeat_interval = 3600\n[cache]\nenabled = true\n`));
  t.after(async () => {
    await gw.close();
    await backend.close();
  });
  assert.equal((await getOnce(`${gw.url}/home`, { host: 'site.example' })).body!.toString(), plain);
  const attacks: Record<string, string>[] = [{ 'x-forwarded-host': 'evil.example' }, { 'x-original-url': '/evil' }, { 'cache-control': 'no-cache', 'x-rewrite-url': '/evil' }];
  for (const attack of attacks) {
    const res = await getOnce(`${gw.url}/home`, { host: 'site.example', ...attack });
    assert.doesNotMatch(res.body!.toString(), /evil/, JSON.stringify(attack));
  }
  assert.equal((await getOnce(`${gw.url}/home`, { host: 'site.example' })).body!.toString(), plain);
});
