import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { fetchText } from '../helpers/gateway.js';
import { haveChromium, laptopPage, launchChromium, screenshot, SKIP_REASON, waitForText } from './browser.js';
import { HOSTILE_NAME, herdStatus, kvMetrics } from './fixtures.js';
import { startStack, startTraffic } from './stack.js';

/** Answers the kv and herd routes in the browser with fixed JSON (or a failure). */
async function routeAdapters(page: Page, kv: object | number, herd: object | 'abort') {
  await page.route('**/kv/-/metrics', (route) =>
    typeof kv === 'number'
      ? route.fulfill({ status: kv, contentType: 'application/json', body: '{"error":"unreachable"}' })
      : route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(kv) }),
  );
  await page.route('**/herd/-/status', (route) =>
    herd === 'abort' ? route.abort('connectionrefused') : route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(herd) }),
  );
}

test('the dashboard is served at /-/, /- redirects there, and the page may load nothing but its own files', async (t) => {
  const { gw } = await startStack(t, 1);
  const redirect = await fetchText(`${gw.url}/-`);
  assert.equal(redirect.status, 302);
  assert.equal(redirect.headers.location, '/-/');
  const page = await fetchText(`${gw.url}/-/`);
  assert.equal(page.status, 200);
  assert.match(String(page.headers['content-type']), /^text\/html/);
  assert.match(String(page.headers['content-security-policy']), /default-src 'none'; script-src 'self'/);
  assert.match(page.body, /<title>pibl dashboard<\/title>/);
  assert.doesNotMatch(page.body, /https?:\/\//, 'no absolute URLs: the page works offline');
  for (const [asset, type] of [['dashboard.js', /^text\/javascript/], ['dashboard.css', /^text\/css/]] as const) {
    const res = await fetchText(`${gw.url}/-/${asset}`);
    assert.equal(res.status, 200, asset);
    assert.match(String(res.headers['content-type']), type);
  }
  assert.equal((await fetchText(`${gw.url}/some/page`)).status, 200);
  const latency = JSON.parse((await fetchText(`${gw.url}/-/latency`)).body);
  assert.equal(latency.available, true);
  assert.equal(latency.le.at(-1), null, 'the +Inf bucket travels as null');
});

test('a person sees every backend healthy with its request rate, then a killed backend turn down within seconds, and the gateway itself going away', async (t) => {
  if (!haveChromium()) return t.skip(SKIP_REASON);
  const { gw, backends } = await startStack(t, 3);
  const stopTraffic = startTraffic(gw);
  const browser = await launchChromium();
  t.after(async () => {
    await browser.close();
    await stopTraffic();
  });
  const { page, errors, requested } = await laptopPage(browser);
  // kv failing and herd unreachable: those panels must say so while the rest stays live.
  await routeAdapters(page, 502, 'abort');
  await page.goto(`${gw.url}/-/`);

  await waitForText(page.locator('#backends-summary'), /^3 of 3 healthy$/, 'all backends healthy');
  for (const [i, b] of backends.entries()) {
    const row = page.locator(`#backends tbody tr[data-backend="server${i + 1}"]`);
    const text = await waitForText(row, /healthy/, `server${i + 1} healthy`);
    assert.match(text, new RegExp(`server${i + 1}\\s+127\\.0\\.0\\.1:${b.port}`));
  }
  await waitForText(page.locator('#total-rps'), /^(?!0\.0$)\d/, 'a non-zero request rate');
  await waitForText(page.locator('#backends tbody tr[data-backend="server1"] td.rps'), /^\d/, 'a per-backend rate');
  await waitForText(page.locator('#lat-p50'), /^~[\d.]+ (µs|ms|s)$/, 'a latency figure');
  await waitForText(page.locator('#cache-ratio'), /^\d+\.\d %$/, 'the cache hit ratio');
  await waitForText(page.locator('#kv-note'), /^Unavailable: HTTP 502/, 'the kv panel saying it is unavailable');
  await waitForText(page.locator('#herd-note'), /^Unavailable: /, 'the herd panel saying it is unavailable');

  const killedAt = Date.now();
  await backends[1]!.kill();
  const down = await waitForText(page.locator('#backends tbody tr[data-backend="server2"]'), /down/, 'server2 shown down', 5_000);
  t.diagnostic(`server2 shown down ${Date.now() - killedAt} ms after it was killed: ${down.replace(/\s+/g, ' ')}`);
  assert.doesNotMatch(down, /healthy/);
  await waitForText(page.locator('#backends-summary'), /^2 of 3 healthy$/, 'two of three healthy');
  for (const name of ['server1', 'server3']) {
    await waitForText(page.locator(`#backends tbody tr[data-backend="${name}"]`), /healthy/, `${name} staying healthy`, 0);
  }
  await waitForText(page.locator('#conn'), /^● live$/, 'the page saying it is live', 0);
  await screenshot(page, 'dashboard-backend-down.png');

  assert.deepEqual(errors, []);
  const foreign = requested.filter((url) => !url.startsWith(`${gw.url}/`));
  assert.deepEqual(foreign, [], 'the page requests nothing outside the gateway');

  // The gateway itself going away is said plainly; the last figures stay on screen, marked as such.
  await stopTraffic();
  await gw.close();
  await waitForText(page.locator('#conn'), /^gateway unreachable: /, 'the page saying the gateway is unreachable', 8_000);
  await waitForText(page.locator('#backends-note'), /showing the last figures/, 'the backends panel marked stale');
  assert.equal(await page.locator('#backends tbody tr').count(), 3);
});

test('kv nodes show their METRICS and the herd is drawn as five labelled servers, a down one marked down', async (t) => {
  if (!haveChromium()) return t.skip(SKIP_REASON);
  const { gw } = await startStack(t, 3);
  const stopTraffic = startTraffic(gw, 50);
  const browser = await launchChromium();
  t.after(async () => {
    await browser.close();
    await stopTraffic();
  });
  const { page, errors } = await laptopPage(browser);
  await routeAdapters(page, kvMetrics(), herdStatus());
  await page.goto(`${gw.url}/-/`);

  await waitForText(page.locator('#kv-summary'), /^2 of 3 nodes healthy, strategy round_robin$/, 'the kv summary');
  await waitForText(page.locator('#kv tbody tr[data-node="127.0.0.1:12001"]'), /healthy\s+120\s+75\.0 %\s+90\s+30\s+30\s+0/, 'node 1 METRICS');
  await waitForText(page.locator('#kv tbody tr[data-node="127.0.0.1:12003"]'), /down\s+not reporting/, 'node 3 down');

  await waitForText(page.locator('#herd-summary'), /^4 of 5 servers up$/, 'the herd summary');
  const nodes = page.locator('#herd-graph g.node');
  assert.equal(await nodes.count(), 5, 'five servers in the graph');
  const labels = await nodes.evaluateAll((gs) => gs.map((g) => [...g.querySelectorAll('text')].map((t) => t.textContent).join(' | ')));
  assert.deepEqual(labels, ['Riley | 2 clients', 'Jaquez | 1 client', 'Juzang | 0 clients', 'Campbell | down', 'Bernard | 3 clients']);
  assert.equal(await page.locator('#herd-graph g.node.down').getAttribute('data-server'), 'Campbell');
  assert.equal(await page.locator('#herd-graph line.edge').count(), 6, 'one edge per neighbour pair');
  assert.equal(await page.locator('#herd-graph line.edge.dead').count(), 2, 'the down server\'s links are drawn as dead');
  await waitForText(page.locator('#herd tbody tr[data-server="Campbell"]'), /Campbell\s+✕ down/, 'Campbell listed down');
  await waitForText(page.locator('#herd tbody tr[data-server="Riley"]'), /^Riley\s+● up\s+2\s+5\s+4 \/ 0\s+Jaquez, Juzang$/, 'Riley with its counters');
  assert.equal(await page.locator('#herd-graph').getAttribute('role'), 'img');

  await waitForText(page.locator('#backends-summary'), /^3 of 3 healthy$/, 'all backends healthy');
  await waitForText(page.locator('#total-rps'), /^(?!0\.0$)\d/, 'a non-zero request rate');
  const shot = await screenshot(page, 'dashboard-fixtures.png');
  t.diagnostic(`screenshot: ${shot}`);
  assert.deepEqual(errors, []);
});

test('strings from the APIs are shown as text and never run as markup', async (t) => {
  if (!haveChromium()) return t.skip(SKIP_REASON);
  const { gw } = await startStack(t, 1);
  const browser = await launchChromium();
  t.after(() => browser.close());
  const { page, errors } = await laptopPage(browser);
  const kv = kvMetrics();
  (kv.data.proxies as Record<string, unknown>)[HOSTILE_NAME] = { healthy: true, metrics: null, in_flight: 0 };
  await routeAdapters(page, { ...kv, data: { ...kv.data, strategy: '<b>bold</b>' } }, herdStatus(true));
  await page.goto(`${gw.url}/-/`);

  await waitForText(page.locator('#herd-summary'), /servers up/, 'the herd panel');
  await waitForText(page.locator('#kv-summary'), /strategy <b>bold<\/b>$/, 'the kv strategy shown as typed');
  assert.equal(await page.locator('#herd tbody tr').nth(4).locator('th').innerText(), HOSTILE_NAME);
  assert.equal(await page.locator('#kv tbody tr').nth(3).locator('th').innerText(), HOSTILE_NAME);
  assert.equal(await page.locator('img, b').count(), 0, 'no element made from API data');
  assert.equal(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned), undefined);
  assert.deepEqual(errors, []);
});
