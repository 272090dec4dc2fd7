import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { startPibl } from '../helpers/cli.js';
import { tempDir } from '../helpers/config.js';
import { httpServer } from '../helpers/servers.js';

test('SIGTERM lets an in-flight request finish, then the gateway exits 0', async (t) => {
  const slow = await httpServer((_req, res) => setTimeout(() => res.end('finished'), 600));
  const { dir, remove } = tempDir();
  t.after(async () => {
    await slow.close();
    remove();
  });
  writeFileSync(join(dir, 'parser.ini'), `host = 127.0.0.1\nport = 0\nip_server1 = 127.0.0.1:${slow.port}\n[cache]\nenabled = false\n`);
  const gw = await startPibl(['gateway'], /listening on 127\.0\.0\.1:(\d+)/, { cwd: dir });
  const port = /listening on 127\.0\.0\.1:(\d+)/.exec(gw.output())![1];
  const pending = request(`http://127.0.0.1:${port}/slow`).then(async (r) => ({ status: r.statusCode, body: await r.body.text() }));
  await new Promise((r) => setTimeout(r, 150));
  const exit = gw.stop('SIGTERM');
  const answer = await pending;
  assert.deepEqual(answer, { status: 200, body: 'finished' });
  assert.deepEqual(await exit, { code: 0, signal: null });
  assert.match(gw.output(), /SIGTERM received, stopping/);
});

test('pibl backend serves the form page, the article JSON and names itself; SIGINT exits 0', async () => {
  const be = await startPibl(['backend', '--port', '0', '--name', 'demo-a'], /listening on 127\.0\.0\.1:(\d+)/);
  const port = /listening on 127\.0\.0\.1:(\d+)/.exec(be.output())![1];
  const page = await request(`http://127.0.0.1:${port}/`);
  assert.equal(page.headers['x-backend'], 'demo-a');
  assert.match(await page.body.text(), /<form method="post"/);
  const article = await request(`http://127.0.0.1:${port}/article/1`);
  assert.deepEqual(await article.body.json(), { title: 'Article1', author: 'John Doe' });
  const missing = await request(`http://127.0.0.1:${port}/article/99`);
  assert.equal(missing.statusCode, 404);
  await missing.body.dump();
  const traversal = await request(`http://127.0.0.1:${port}/..%2F..%2Fetc/passwd`);
  assert.equal(traversal.statusCode, 404);
  await traversal.body.dump();
  assert.equal((await be.stop('SIGINT')).code, 0);
});
