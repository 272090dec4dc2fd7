import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backend, cacheGateway } from './harness.js';

test('no-cache answers are stored but revalidated before every use', async (t) => {
  const origin = await backend(t, (req, res) => {
    req.resume();
    if (req.headers['if-none-match'] === '"nc"') {
      res.writeHead(304, { etag: '"nc"', 'cache-control': 'no-cache' });
      res.end();
      return;
    }
    res.writeHead(200, { etag: '"nc"', 'cache-control': 'no-cache, max-age=600' });
    res.end('needs validation');
  });
  const gw = await cacheGateway(t, [origin]);
  const first = await gw.get('/nc');
  assert.match(String(first.headers['cache-status']), /stored/);
  for (let i = 0; i < 3; i++) {
    const again = await gw.get('/nc');
    assert.equal(again.status, 200);
    assert.equal(again.body, 'needs validation');
    assert.match(String(again.headers['cache-status']), /fwd=stale; fwd-status=304/);
  }
  assert.equal(origin.count('/nc'), 4);
  for (const seen of origin.seen.slice(1)) assert.equal(seen.headers['if-none-match'], '"nc"');
});

test('Pragma: no-cache in the response (without Cache-Control) is no-cache', async (t) => {
  const origin = await backend(t, (req, res, n) => {
    req.resume();
    res.writeHead(200, { pragma: 'no-cache', expires: new Date(Date.now() + 600_000).toUTCString(), etag: `"p${n}"` });
    res.end(`n=${n}`);
  });
  const gw = await cacheGateway(t, [origin]);
  await gw.get('/p');
  const second = await gw.get('/p');
  assert.equal(second.body, 'n=2');
});
