import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { ask, exchange, posixNow, startHerd, uniqueClient, type Herd } from './helpers.js';

let herd: Herd;
before(async () => {
  herd = await startHerd({ names: ['Riley'] });
});
after(() => herd.close());

const AT_LINE = /^AT Riley ([+-]\d+\.\d{9}) (\S+) (\S+) (\S+)\n$/;

test('IAMAT is answered with an AT line naming the server, a signed nine-decimal diff and the fields as sent', async () => {
  const client = uniqueClient();
  const time = posixNow();
  const answer = await ask(herd.get('Riley').port, `IAMAT ${client} +34.068930-118.445127 ${time}\n`);
  const m = AT_LINE.exec(answer);
  assert.ok(m, answer);
  assert.equal(m[2], client);
  assert.equal(m[3], '+34.068930-118.445127');
  assert.equal(m[4], time);
  assert.ok(m[1]!.startsWith('+'), 'a time in the past gives a positive diff');
});

test('a client time in the future gives a negative diff', async () => {
  const answer = await ask(herd.get('Riley').port, `IAMAT ${uniqueClient()} +34.068930-118.445127 ${posixNow(100)}\n`);
  assert.match(answer, /^AT Riley -\d+\.\d{9} /);
});

test('client, location and time are copied byte for byte, whatever the white space around them', async () => {
  const client = Buffer.from([0x6b, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xa0, 0xff, 0x21]); // UTF-8, a lone 0xA0 and 0xFF
  const location = '+34.0689300000001-118.4451270';
  const time = '001621464827.50';
  const line = Buffer.concat([Buffer.from('\t IAMAT  '), client, Buffer.from(`   ${location}\t${time}  \r\n`)]);
  const answer = await exchange(herd.get('Riley').port, line);
  const expectedTail = Buffer.concat([Buffer.from(' '), client, Buffer.from(` ${location} ${time}\n`)]);
  assert.ok(answer.subarray(answer.length - expectedTail.length).equals(expectedTail), answer.toString('latin1'));
  assert.match(answer.toString('latin1'), /^AT Riley \+\d+\.\d{9} /);
  assert.ok(herd.get('Riley').reports().some((r) => r.location === location && r.time === time));
});

test('several lines on one connection are each answered, in order, then the server closes', async () => {
  const a = uniqueClient('a');
  const b = uniqueClient('b');
  const answer = await ask(herd.get('Riley').port, `IAMAT ${a} +1-1 ${posixNow()}\nIAMAT ${b} +2-2 ${posixNow()}\nWHATSAT ${a} 1 1`);
  const lines = answer.split('\n');
  assert.match(lines[0]!, new RegExp(`^AT Riley \\S+ ${a} \\+1-1 `));
  assert.match(lines[1]!, new RegExp(`^AT Riley \\S+ ${b} \\+2-2 `));
  assert.match(lines[2]!, new RegExp(`^AT Riley \\S+ ${a} \\+1-1 `));
  assert.ok(answer.endsWith('\n\n'));
});

test('an IAMAT older than the stored report is still answered, and does not replace it', async () => {
  const client = uniqueClient();
  const port = herd.get('Riley').port;
  await ask(port, `IAMAT ${client} +10+10 1700000000.5\n`);
  const answer = await ask(port, `IAMAT ${client} +20+20 1700000000.4\n`);
  assert.match(answer, new RegExp(`^AT Riley \\S+ ${client} \\+20\\+20 1700000000.4\n$`));
  assert.equal(herd.get('Riley').lookup(client)?.location, '+10+10');
});
