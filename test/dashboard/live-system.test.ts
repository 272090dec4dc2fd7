import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fetchText } from '../helpers/gateway.js';
import { posixNow } from '../herd/helpers.js';
import { haveChromium, laptopPage, launchChromium, screenshot, SKIP_REASON, waitForText } from './browser.js';
import { startFullStack, startTraffic } from './stack.js';

test('with the real kv cluster and herd behind the gateway, the page shows live kv METRICS and the five-server herd graph', async (t) => {
  if (!haveChromium()) return t.skip(SKIP_REASON);
  const { gw, cluster } = await startFullStack(t, { count: 2, downServer: 'Campbell' });
  const stopTraffic = startTraffic(gw, 40);
  const browser = await launchChromium();
  t.after(async () => {
    await browser.close();
    await stopTraffic();
  });
  const { page, errors, requested } = await laptopPage(browser);
  await page.goto(`${gw.url}/-/`);

  await waitForText(page.locator('#backends-summary'), /^2 of 2 healthy$/, 'both backends healthy');

  // kv: requests through the gateway's adapter show up in the nodes' METRICS.
  for (let i = 0; i < 6; i++) assert.equal((await fetchText(`${gw.url}/kv/article/${(i % 2) + 1}`)).status, 200);
  await waitForText(page.locator('#kv-summary'), /^3 of 3 nodes healthy, strategy round_robin$/, 'the kv summary');
  for (const node of cluster.nodes) {
    await waitForText(page.locator(`#kv tbody tr[data-node="127.0.0.1:${node.port}"]`), /healthy\s+[1-9]/, `node ${node.port} with requests counted`);
  }

  // herd: four of five up, Campbell (nothing listening) drawn down; an IAMAT via the adapter floods to the live ones.
  await waitForText(page.locator('#herd-summary'), /^4 of 5 servers up$/, 'the herd summary');
  const iamat = await fetchText(`${gw.url}/herd/Riley/iamat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client: 'dashboard.test', location: '+34.068930-118.445127', time: posixNow() }),
  });
  assert.equal(iamat.status, 200, iamat.body);
  for (const name of ['Riley', 'Jaquez', 'Juzang', 'Bernard']) {
    await waitForText(page.locator(`#herd-graph g.node[data-server="${name}"]`), new RegExp(`^${name}\\s*1 client$`), `${name} with one client`);
  }
  await waitForText(page.locator('#herd-graph g.node[data-server="Campbell"]'), /^Campbell\s*down$/, 'Campbell drawn down');
  assert.equal(await page.locator('#herd-graph g.node').count(), 5);
  assert.equal(await page.locator('#herd-graph g.node.down').count(), 1);

  // A kv node that dies is shown down once the balancer's polls fail, the rest staying live.
  const victim = cluster.nodes[2]!;
  await victim.close();
  await waitForText(page.locator(`#kv tbody tr[data-node="127.0.0.1:${victim.port}"]`), /down/, 'the closed kv node shown down', 8_000);
  await waitForText(page.locator('#kv-summary'), /^2 of 3 nodes healthy/, 'two of three kv nodes healthy');
  await waitForText(page.locator('#backends-summary'), /^2 of 2 healthy$/, 'the backends still healthy', 0);

  await waitForText(page.locator('#total-rps'), /^(?!0\.0$)\d/, 'a non-zero request rate');
  const shot = await screenshot(page, 'dashboard.png');
  t.diagnostic(`screenshot: ${shot}`);
  assert.deepEqual(errors, []);
  assert.deepEqual(requested.filter((url) => !url.startsWith(`${gw.url}/`)), []);
});
