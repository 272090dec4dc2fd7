import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { runPibl, startPibl } from '../helpers/cli.js';
import { tempDir } from '../helpers/config.js';
import { call, scrape, series } from '../adapters/harness.js';
import { eventually, posixNow, uniqueClient } from '../herd/helpers.js';
import { allPorts, HERD_NAMES, listening, stackIni, stackPorts } from './helpers.js';
import { haveChromium, laptopPage, launchChromium, screenshot, SKIP_REASON, waitForText } from '../dashboard/browser.js';

/**
 * `pibl up` as a user runs it: a parser.ini in the working folder, one
 * process, every route reached through the gateway's port, /metrics
 * scraped, SIGTERM, and nothing left listening.
 */
test('pibl up: every adapter route and every part on /metrics through the one door; SIGTERM stops it all', async (t) => {
  const ports = await stackPorts();
  const dir = tempDir('pibl-up-');
  t.after(dir.remove);
  writeFileSync(join(dir.dir, 'parser.ini'), stackIni(ports, 'logs'));
  const pibl = await startPibl(['up'], /pibl gateway listening on/, { cwd: dir.dir, timeoutMs: 30_000 });
  t.after(async () => {
    await pibl.stop('SIGKILL');
  });

  // One line per part, in start order, the gateway last.
  const summary = pibl.output().split('\n').filter((l) => / listening on /.test(l));
  assert.equal(summary.length, 14, pibl.output());
  assert.match(summary[0]!, new RegExp(`^pibl backend1 listening on 127\\.0\\.0\\.1:${ports.backends[0]}$`));
  assert.match(summary[7]!, new RegExp(`^pibl kv balancer listening on 127\\.0\\.0\\.1:${ports.balancer}$`));
  assert.match(summary[13]!, new RegExp(`^pibl gateway listening on 127\\.0\\.0\\.1:${ports.gateway}$`));

  const door = ports.gateway;
  const page = await call(door, 'GET', '/article/1');
  assert.equal(page.status, 200, page.text);

  const kv = await call(door, 'GET', '/kv/article/1');
  assert.equal(kv.status, 200, kv.text);
  assert.equal(kv.json.status, 'OK');
  assert.ok(ports.nodes.includes(kv.json.node));
  assert.equal((await call(door, 'GET', '/kv/article/404')).status, 404);
  assert.equal((await call(door, 'GET', '/kv/..%2F..%2Fetc/passwd')).status, 400);
  const kvMetrics = await call(door, 'GET', '/kv/-/metrics');
  assert.equal(kvMetrics.status, 200, kvMetrics.text);
  assert.equal(Object.keys(kvMetrics.json.data.proxies).length, 3);

  const client = uniqueClient('up');
  const iamat = await call(door, 'POST', '/herd/Riley/iamat', { type: 'application/json', data: JSON.stringify({ client, location: '+34.068930-118.445127', time: posixNow() }) });
  assert.equal(iamat.status, 200, iamat.text);
  assert.equal(iamat.json.server, 'Riley');
  const raw = await call(door, 'POST', '/herd/Jaquez/iamat', { type: 'text/plain', data: `IAMAT ${uniqueClient('raw')} +1+1 ${posixNow()}` });
  assert.equal(raw.status, 200, raw.text);
  // The flood reaches Bernard through Jaquez or Juzang.
  assert.ok(await eventually(async () => (await call(door, 'GET', `/herd/Bernard/clients/${client}`)).status === 200));
  const report = await call(door, 'GET', `/herd/Bernard/clients/${client}`);
  assert.equal(report.json.line, iamat.json.line);
  const whatsat = await call(door, 'GET', `/herd/Bernard/whatsat?client=${client}&radius=10&max=2`);
  assert.equal(whatsat.status, 200, whatsat.text);
  assert.equal(whatsat.json.at, iamat.json.line);
  assert.ok(whatsat.json.places.results.length <= 2);
  const herdStatus = await call(door, 'GET', '/herd/-/status');
  assert.deepEqual(herdStatus.json.servers.map((s: { name: string }) => s.name), HERD_NAMES);
  assert.ok(herdStatus.json.servers.every((s: { up: boolean; clients: number }) => s.up && s.clients >= 1), herdStatus.text);
  const adminStatus = await call(door, 'GET', '/-/status');
  assert.equal(adminStatus.status, 200);
  assert.equal(adminStatus.json.backends.length, 3);

  // The balancer polls its nodes every 0.2 s here; the gateway keeps one poll a second.
  let samples = new Map<string, number>();
  assert.ok(
    await eventually(async () => {
      samples = await scrape(door);
      return series(samples, 'pibl_kv_node_requests_total').reduce((n, s) => n + s.value, 0) >= 2;
    }, 50, 200),
    [...samples.keys()].filter((k) => k.startsWith('pibl_kv')).join('\n'),
  );
  assert.equal(series(samples, 'pibl_kv_balancer_up')[0]?.value, 1);
  assert.deepEqual(
    series(samples, 'pibl_kv_node_up').map((s) => [s.labels, s.value]).sort(),
    ports.nodes.map((p) => [`{node="127.0.0.1:${p}"}`, 1]).sort(),
  );
  for (const name of ['pibl_kv_node_hits_total', 'pibl_kv_node_misses_total', 'pibl_kv_node_origin_fetches_total']) {
    assert.equal(series(samples, name).length, 3, name);
  }
  assert.equal(series(samples, 'pibl_herd_server_up').filter((s) => s.value === 1).length, 5);
  assert.ok(series(samples, 'pibl_herd_messages_total').find((s) => s.labels === '{server="Riley",kind="iamat"}')!.value >= 1);
  assert.ok(series(samples, 'pibl_herd_flood_messages_total').find((s) => s.labels === '{server="Riley"}')!.value >= 1);
  assert.ok(series(samples, 'pibl_herd_clients').every((s) => s.value >= 1));
  assert.ok(series(samples, 'pibl_herd_peer_up').length > 0);
  assert.ok(series(samples, 'pibl_http_requests_total').length > 0);

  await t.test('the dashboard at /-/ in Chromium shows every part', { skip: haveChromium() ? false : SKIP_REASON }, async () => {
    const browser = await launchChromium();
    try {
      const { page, errors } = await laptopPage(browser);
      await page.goto(`http://127.0.0.1:${door}/-/`);
      await waitForText(page.locator('#backends-summary'), /^3 of 3 healthy$/, 'the three demo backends healthy', 10_000);
      await waitForText(page.locator('#kv-summary'), /^3 of 3 nodes healthy/, 'the three kv nodes', 10_000);
      await waitForText(page.locator('#herd-summary'), /^5 of 5 servers up$/, 'the five herd servers', 10_000);
      for (const name of HERD_NAMES) {
        await waitForText(page.locator(`#herd-graph g.node[data-server="${name}"]`), new RegExp(`^${name}\\s*[1-9]\\d* clients?$`), `${name} with its clients`, 10_000);
      }
      await screenshot(page, 'pibl-up-dashboard.png');
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });

  const exit = await pibl.stop('SIGTERM', 20_000);
  assert.deepEqual(exit, { code: 0, signal: null }, pibl.output());
  for (const port of allPorts(ports)) assert.equal(await listening(port), false, `port ${port} still listening`);
});

test('pibl up with a port taken: exit 1, one line naming the port, nothing left listening', async (t) => {
  const ports = await stackPorts();
  const dir = tempDir('pibl-up-');
  t.after(dir.remove);
  writeFileSync(join(dir.dir, 'parser.ini'), stackIni(ports, 'logs'));
  const squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(ports.herd[2], '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => squatter.close(() => resolve())));
  const run = await runPibl(['up'], { cwd: dir.dir, timeoutMs: 30_000 });
  assert.equal(run.code, 1, run.stderr);
  assert.equal(run.stderr, `herd Juzang: port ${ports.herd[2]} on 127.0.0.1 is already in use\n`);
  for (const port of allPorts(ports).filter((p) => p !== ports.herd[2])) assert.equal(await listening(port), false, `port ${port} still listening`);
});
