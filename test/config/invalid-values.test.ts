import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { tempDir } from '../helpers/config.js';

/** Each invalid value stops loading with one line naming the file, the key and what is allowed. */
const invalid: [string, string, RegExp][] = [
  ['port = 70000', 'port', /port = "70000": allowed: a port/],
  ['port = http', 'port', /allowed: a port/],
  ['max_conn = 0', 'max_conn', /max_conn = "0": allowed: a whole number from 1/],
  ['buffer_size = 10', 'buffer_size', /allowed: a whole number from 1024/],
  ['ttl = -1', 'ttl', /ttl = "-1": allowed/],
  ['ip_server1 = 127.0.0.1:99999', 'ip_server1', /invalid port/],
  ['ip_server1 = bad host:80', 'ip_server1', /not host or host:port/],
  ['admin_prefix = nope', 'admin_prefix', /allowed: a path prefix/],
  ['connect_timeout = 0', 'connect_timeout', /allowed: a number above 0/],
  ['log_format = xml', 'log_format', /allowed: text \| json/],
  ['quiet = maybe', 'quiet', /allowed: true \| false/],
  ['[balancer]\nstrategy = random', '[balancer] strategy', /allowed: round_robin \| priority \| weighted \| least_loaded/],
  ['[balancer]\nheartbeat_interval = soon', '[balancer] heartbeat_interval', /allowed: a number/],
  ['[balancer]\nheartbeat_timeout = -2', '[balancer] heartbeat_timeout', /allowed/],
  ['[balancer]\nhealth_path = health', '[balancer] health_path', /allowed: an absolute URL path/],
  ['[balancer]\nmax_fails = 0', '[balancer] max_fails', /allowed: a whole number from 1/],
  ['[balancer]\nretries = many', '[balancer] retries', /allowed: a whole number/],
  ['[balancer]\nhealth_check = udp', '[balancer] health_check', /allowed: http \| tcp/],
  ['[cache]\nenabled = perhaps', '[cache] enabled', /allowed: true \| false/],
  ['[cache]\nmax_bytes = lots', '[cache] max_bytes', /allowed: a whole number/],
  ['[cache]\nmax_object_bytes = -5', '[cache] max_object_bytes', /allowed/],
  ['[cache]\nstore = redis', '[cache] store', /allowed: memory \| disk/],
  ['[cache]\ngrace = forever', '[cache] grace', /allowed/],
  ['[grpc]\nport = 123456', '[grpc] port', /allowed: a port/],
  ['[kv]\norigin = nohostport', '[kv] origin', /needs a port/],
  ['[kv]\nnodes = 127.0.0.1:8001, x:0', '[kv] nodes', /invalid port/],
  ['[kv]\ncache_type = fifo', '[kv] cache_type', /allowed: ttl \| lru/],
  ['[kv]\nlru_capacity = 0', '[kv] lru_capacity', /allowed/],
  ['[kv]\nstrategy = priority', '[kv] strategy', /allowed: round_robin \| least_loaded/],
  ['[herd]\nplaces = bing', '[herd] places', /allowed: offline \| google/],
  ['[herd]\nplaces = google', '[herd] places', /needs an API key \(GOOGLE_PLACES_API_KEY/],
  ['[herd.Riley]\nport = 0x10\nneighbors =', '[herd.Riley] port', /allowed: a port/],
  ['[herd.Riley]\nport = 1\nneighbors = Nobody', '[herd.Riley] neighbors', /unknown server "Nobody"/],
  ['[herd.Riley]\nneighbors = Riley', '[herd.Riley] port', /missing/],
  ['colour = blue', 'colour', /unknown key/],
  ['[cache]\nsize = 1', '[cache] size', /unknown key/],
];

for (const [text, key, allowed] of invalid) {
  test(`invalid ${key}: "${text.replace(/\n/g, ' ')}" names the file, the key and what is allowed`, () => {
    const { dir, remove } = tempDir();
    try {
      const file = join(dir, 'parser.ini');
      writeFileSync(file, `${text}\n`);
      assert.throws(
        () => loadConfig({ file, env: {} }),
        (err: Error & { code?: string }) => {
          assert.equal(err.code, 'PIBL_ERR_BAD_CONFIG');
          assert.ok(err.message.includes(file), `names the file: ${err.message}`);
          assert.ok(err.message.includes(key), `names the key: ${err.message}`);
          assert.match(err.message, allowed);
          assert.ok(!err.message.includes('\n'), 'one line');
          return true;
        },
      );
    } finally {
      remove();
    }
  });
}

test('a missing --config file is a clear error', () => {
  assert.throws(() => loadConfig({ file: '/nonexistent/pibl.ini', env: {} }), /\/nonexistent\/pibl\.ini: cannot read the config file: ENOENT/);
});

test('an invalid environment value names the variable', () => {
  assert.throws(() => loadConfig({ env: { PIBL_BALANCER_RETRIES: 'x' }, cwd: '/' }), /environment PIBL_BALANCER_RETRIES: \[balancer\] retries = "x"/);
});

test('an invalid JSON server list names the file and the field', () => {
  const { dir, remove } = tempDir();
  try {
    const file = join(dir, 'servers.json');
    writeFileSync(file, JSON.stringify({ servers: [{ address: 'a', port: 99999 }] }));
    assert.throws(() => loadConfig({ env: { PROXY_SERVER_CONFIG: file }, cwd: dir }), new RegExp(`${file}: servers\\[0\\]\\.port must be a port`));
    writeFileSync(file, JSON.stringify({ servers: [{ name: 'a', address: 'h', port: 1 }, { name: 'a', address: 'h', port: 2 }] }));
    assert.throws(() => loadConfig({ env: { PROXY_SERVER_CONFIG: file }, cwd: dir }), /two servers are named "a"/);
    writeFileSync(file, '{ not json');
    assert.throws(() => loadConfig({ env: { PROXY_SERVER_CONFIG: file }, cwd: dir }), /cannot read the server list/);
  } finally {
    remove();
  }
});
