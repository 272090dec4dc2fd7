import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBackend } from '../../src/backend/start.js';
import { packagePath } from '../../src/common/package-root.js';

test('the demo backend answers HEAD for an article as GET does, without the body', async (t) => {
  const backend = await startBackend({ host: '127.0.0.1', port: 0, name: 'b1', dataDir: packagePath('origin', 'data') });
  t.after(() => backend.close());
  const get = await fetch(`http://127.0.0.1:${backend.port}/article/1`);
  const body = await get.text();
  const head = await fetch(`http://127.0.0.1:${backend.port}/article/1`, { method: 'HEAD' });
  assert.equal(get.status, 200);
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), String(Buffer.byteLength(body)));
  assert.equal(await head.text(), '');
});
