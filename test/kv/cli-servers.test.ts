import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ask, HOST, makeDataDir, runCli, startCliServer, type CliServer } from './helpers.js';

const scratch = makeDataDir();
const children: CliServer[] = [];
after(async () => {
  await Promise.all(children.map((c) => c.stop('SIGKILL')));
  scratch.cleanup();
});
const start = async (args: string[]) => {
  const child = await startCliServer(args);
  children.push(child);
  return child;
};

test('pibl origin, node and lb run from their flags and stop on SIGTERM with exit 0', async () => {
  const origin = await start(['origin', '--port', '0', '--data', scratch.data]);
  assert.equal((await ask(origin.port, 'GET article/2')).data.author, 'Stan Lee');
  const node = await start(['node', '--port', '0', '--origin_host', HOST, '--origin_port', String(origin.port), '--cache_type', 'lru', '--lru_capacity', '1']);
  const seen = [];
  for (const k of [1, 1, 2, 1]) seen.push((await ask(node.port, `GET article/${k}`)).cache_hit);
  assert.deepEqual(seen, [false, true, false, false]);
  assert.equal((await ask(node.port, 'METRICS')).data.cache_type, 'lru');
  const lb = await start(['lb', '--port', '0', '--proxies', `${HOST}:${node.port}`, '--strategy', 'least_loaded']);
  const answer = await ask(lb.port, 'GET article/1');
  assert.equal(answer.status, 'OK');
  assert.equal(answer.node, node.port);
  assert.equal((await ask(lb.port, 'METRICS')).data.strategy, 'least_loaded');
  for (const child of [lb, node, origin]) assert.equal(await child.stop('SIGTERM'), 0);
});

test('the node defaults to a ttl cache', async () => {
  const origin = await start(['origin', '--port', '0', '--data', scratch.data]);
  const node = await start(['node', '--port', '0', '--origin_port', String(origin.port), '--ttl', '5']);
  assert.equal((await ask(node.port, 'METRICS')).data.cache_type, 'ttl');
});

test('bad flags exit 2 with one line on stderr', async () => {
  const cases = [
    ['node', '--port', '8123', '--origin_port', '8123'],
    ['node', '--port', '0', '--cache_type', 'fifo'],
    ['node'],
    ['node', '--port', '0', '--ttl', 'soon'],
    ['lb', '--port', '0', '--proxies', 'nothing'],
    ['lb', '--port', '0', '--proxies', `${HOST}:1`, '--strategy', 'random'],
    ['origin', '--port', '99999'],
  ];
  for (const args of cases) {
    const run = await runCli(args);
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.equal(run.stderr.trim().split('\n').length, 1, args.join(' '));
  }
});

test('a port in use exits non-zero with one clear line', async () => {
  const origin = await start(['origin', '--port', '0', '--data', scratch.data]);
  const run = await runCli(['origin', '--port', String(origin.port)]);
  assert.notEqual(run.code, 0);
  assert.match(run.stderr, /already in use/);
  assert.equal(run.stderr.trim().split('\n').length, 1);
});

test('--help of origin, node and lb', async () => {
  for (const [command, flag] of [['origin', '--data'], ['node', '--lru_capacity'], ['lb', '--proxies']] as const) {
    const run = await runCli([command, '--help']);
    assert.equal(run.code, 0, command);
    assert.match(run.stdout, new RegExp(`pibl ${command}`));
    assert.ok(run.stdout.includes(flag), `${command} --help names ${flag}`);
  }
});
