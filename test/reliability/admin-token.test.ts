import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backendLines, configFromIni } from '../helpers/config.js';
import { gateway } from '../helpers/gateway.js';
import { namedBackend } from '../helpers/servers.js';
import { createAdminGuard } from '../../src/gateway/admin-auth.js';
import { getOnce } from './helpers.js';
import { request } from 'undici';

async function purge(url: string, headers: Record<string, string> = {}) {
  const res = await request(`${url}/-/cache`, { method: 'DELETE', headers });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, json: JSON.parse(text) as any };
}

for (const source of ['config', 'environment'] as const) {
  test(`admin routes refuse without the token (401 JSON) and accept with it (token from the ${source})`, async (t) => {
    const backend = await namedBackend('a');
    const ini = `${backendLines([backend.port])}\n${source === 'config' ? 'admin_token = correct-horse\n' : ''}[balancer]\nheartbeat_interval = 3600\n`;
    const gw = await gateway(configFromIni(ini, source === 'environment' ? { PIBL_ADMIN_TOKEN: 'correct-horse' } : {}));
    t.after(async () => {
      await gw.close();
      await backend.close();
    });
    const refused: [string, Record<string, string>][] = [
      ['no Authorization', {}],
      ['an empty bearer', { authorization: 'Bearer ' }],
      ['a wrong token', { authorization: 'Bearer correct-hors' }],
      ['a longer token', { authorization: 'Bearer correct-horse-battery' }],
      ['the token as Basic credentials', { authorization: `Basic ${Buffer.from('admin:correct-horse').toString('base64')}` }],
      ['the token without a scheme', { authorization: 'correct-horse' }],
      ['the token in another header', { 'x-admin-token': 'correct-horse' }],
    ];
    for (const [name, headers] of refused) {
      const res = await purge(gw.url, headers);
      assert.equal(res.status, 401, name);
      assert.equal(res.json.error.code, 'PIBL_ERR_UNAUTHORIZED', name);
      assert.match(String(res.headers['content-type']), /application\/json/, name);
      assert.equal(res.headers['www-authenticate'], 'Bearer', name);
    }
    const ok = await purge(gw.url, { authorization: 'Bearer correct-horse' });
    assert.equal(ok.status, 200);
    assert.equal(typeof ok.json.purged, 'number');
    // Read-only routes need no token (SPEC §2: only state-changing ones do).
    assert.equal((await getOnce(`${gw.url}/-/status`)).status, 200);
    assert.equal((await getOnce(`${gw.url}/metrics`)).status, 200);
  });
}

test('the token check compares digests of equal length (timingSafeEqual), whatever the length of the guess', () => {
  const allowed = createAdminGuard('correct-horse');
  for (const guess of ['', 'c', 'correct-horse'.repeat(100), 'correct-hors\u00e9', '\u0000'.repeat(13)]) assert.equal(allowed(`Bearer ${guess}`), false, JSON.stringify(guess));
  assert.equal(allowed('Bearer correct-horse'), true);
  assert.equal(allowed('bearer   correct-horse'), true, 'the scheme is case-insensitive (RFC 9110 §11.1)');
  assert.equal(createAdminGuard('')(undefined), true, 'no token configured: open, as the spec says');
});
