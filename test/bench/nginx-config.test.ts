import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nginxConfig, nginxVersion } from '../../bench/nginx.js';
import { tempDir } from '../helpers/config.js';

const options = (dir: string) => ({ dir, workers: '1', backends: [41001, 41002, 41003], missPort: 41010, hitPort: 41011, root: false });

test('the nginx config: loopback listeners, upstream keepalive over HTTP/1.1, a cache for the hit server, every path in the temp dir', () => {
  const conf = nginxConfig(options('/tmp/pibl-bench-x/nginx-1'));
  assert.match(conf, /^daemon off;$/m);
  assert.match(conf, /^master_process on;$/m);
  assert.match(conf, /^worker_processes 1;$/m);
  assert.match(conf, /listen 127\.0\.0\.1:41010;/);
  assert.match(conf, /listen 127\.0\.0\.1:41011;/);
  for (const p of [41001, 41002, 41003]) assert.match(conf, new RegExp(`server 127\\.0\\.0\\.1:${p};`));
  assert.match(conf, /keepalive 64;/);
  assert.equal(conf.match(/proxy_http_version 1\.1;/g)?.length, 2);
  assert.equal(conf.match(/proxy_set_header Connection "";/g)?.length, 2);
  assert.equal(conf.match(/proxy_cache bench;/g)?.length, 1);
  const paths = [...conf.matchAll(/\s(\/[^\s;]+)/g)].map((m) => m[1]!);
  assert.ok(paths.length >= 7, 'pid, error log, temp paths, cache path');
  for (const p of paths) assert.ok(p.startsWith('/tmp/pibl-bench-x/nginx-1/'), p);
  assert.doesNotMatch(conf, /^user /m);
  assert.match(nginxConfig({ ...options('/d'), root: true }), /^user root;/m);
});

test('nginx -t accepts the config', { skip: nginxVersion() === undefined && 'nginx not installed' }, () => {
  const { dir, remove } = tempDir('pibl-bench-nginx-');
  try {
    const conf = join(dir, 'nginx.conf');
    writeFileSync(conf, nginxConfig({ ...options(dir), root: process.getuid?.() === 0 }));
    const check = spawnSync('nginx', ['-t', '-q', '-e', join(dir, 'error.log'), '-p', dir, '-c', conf], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
  } finally {
    remove();
  }
});
