import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ask, eventually, posixNow, startHerd, tempDir, uniqueClient, type Herd } from './helpers.js';
import { runNode } from '../helpers/cli.js';

let herd: Herd;
let nested: { path: string; remove(): void };
before(async () => {
  nested = tempDir();
  // A folder that does not exist yet: the server creates it.
  herd = await startHerd({ names: ['Riley', 'Jaquez'], extra: { logDir: join(nested.path, 'a', 'logs') } });
});
after(async () => {
  await herd.close();
  nested.remove();
});

const logOf = (name: string) => join(herd.config.logDir, `${name}.log`);
const read = (name: string) => (existsSync(logOf(name)) ? readFileSync(logOf(name), 'utf8') : '');

test('each server logs received and sent lines and peer connections to <logDir>/<Name>.log', async () => {
  const client = uniqueClient();
  const at = (await ask(herd.get('Riley').port, `IAMAT ${client} +1+1 ${posixNow()}\n`)).trimEnd();
  await ask(herd.get('Riley').port, 'BOGUS line\n');
  assert.ok(await eventually(() => herd.get('Jaquez').lookup(client)?.at === at));
  // Juzang is not running: Riley's flood to it is dropped and logged.
  assert.ok(await eventually(() => {
    const riley = read('Riley');
    return riley.includes(`RECEIVED from 127.0.0.1:`) &&
      riley.includes(`IAMAT ${client} +1+1`) &&
      riley.includes(`SENT to Jaquez: ${at}`) &&
      riley.includes('PEER connection to Jaquez (127.0.0.1:') &&
      riley.includes('PEER connection to Juzang (127.0.0.1:') &&
      /PEER connection to Juzang .* dropped: ECONNREFUSED/.test(riley) &&
      riley.includes('SENT to 127.0.0.1:') &&
      riley.includes('? BOGUS line');
  }), read('Riley'));
  assert.ok(await eventually(() => read('Jaquez').includes(`RECEIVED from 127.0.0.1:`) && read('Jaquez').includes(at)));
});

test('log lines are one per event: a multi-line WHATSAT answer is escaped', async () => {
  const client = uniqueClient();
  await ask(herd.get('Riley').port, `IAMAT ${client} +34.068930-118.445127 ${posixNow()}\n`);
  await ask(herd.get('Riley').port, `WHATSAT ${client} 10 2\n`);
  assert.ok(await eventually(() => read('Riley').split('\n').some((l) => l.includes(`SENT to`) && l.includes(`${client}`) && l.includes('\\n{\\n'))));
  for (const line of read('Riley').split('\n').filter(Boolean)) assert.match(line, /^\d{4}-\d\d-\d\dT\S+Z [A-Z]+ /);
});

test('lines still batched when a server exits at once (a second Ctrl-C, the drain timeout, a crash) reach its log file', async (t) => {
  const dir = tempDir();
  t.after(() => dir.remove());
  const moduleUrl = new URL('../../src/herd/log.ts', import.meta.url).href;
  // Logged and exited in the same tick: the line is still in the batch.
  const script = `
    const { HerdLog } = await import(${JSON.stringify(moduleUrl)});
    const log = new HerdLog(${JSON.stringify(dir.path)}, 'Riley');
    log.write('RECEIVED', 'from 192.0.2.7:1: IAMAT last +1+1 1.5');
    process.exit(3);
  `;
  const run = await runNode(['--import', 'tsx', '--input-type=module', '-e', script]);
  assert.equal(run.code, 3, run.stderr);
  assert.match(readFileSync(join(dir.path, 'Riley.log'), 'utf8'), /RECEIVED from 192\.0\.2\.7:1: IAMAT last/);
});
