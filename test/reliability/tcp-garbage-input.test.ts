import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rawSend } from './helpers.js';
import { startListeners, type Listener } from './tcp-listeners.js';

let listeners: Listener[];
let close: () => Promise<void>;
before(async () => ({ listeners, close } = await startListeners()));
after(() => close());

const answerLines = (text: string) => text.split('\n').filter((l) => l.length > 0);

async function stillServes(l: Listener) {
  const { text } = await rawSend(l.port, l.good, { half: true });
  assert.ok(l.isGood(text), `${l.name} still serves: ${text.slice(0, 80)}`);
}

test('random bytes: only clear refusals come back, and every listener keeps serving', async () => {
  for (const l of listeners) {
    for (let round = 0; round < 5; round++) {
      const { text } = await rawSend(l.port, randomBytes(16 * 1024), { half: true, waitMs: 5_000 });
      if (l.name === 'herd') {
        // A herd refusal quotes the line as received, which may hold any byte but \n.
        for (const line of text.split('\n').filter((x) => x.length)) assert.ok(line.startsWith('? ') || line === '', `${l.name}: ${line.slice(0, 40)}`);
      } else {
        for (const line of answerLines(text)) assert.ok(l.isRefusal(line), `${l.name}: ${line.slice(0, 80)}`);
      }
    }
    await stillServes(l);
  }
});

test('a 1 MB line without a newline: refused, connection closed, others served', async () => {
  for (const l of listeners) {
    const { text, ended } = await rawSend(l.port, Buffer.alloc(1024 * 1024, 'G'), { waitMs: 10_000 });
    assert.notEqual(ended, 'timeout', `${l.name} closed the connection`);
    const lines = answerLines(text);
    assert.equal(lines.length, 1, `${l.name}: one answer`);
    assert.ok(l.isRefusal(lines[0]!), `${l.name}: ${lines[0]!.slice(0, 80)}`);
    assert.ok(text.length < 1024, `${l.name}: the refusal does not echo the megabyte`);
    await stillServes(l);
  }
});

test('NUL bytes inside and around a request: refused (kv) or answered as the bytes they are (herd); never a crash', async () => {
  for (const l of listeners) {
    const inputs = l.name === 'herd'
      ? ['\u0000\n', 'IAMAT\u0000 x +1+1 1\n', 'WHATSAT \u0000 10 5\n']
      : ['\u0000\n', 'GET article/1\u0000\n', 'GET \u0000article/1\n', 'GET article\u0000/1\n', 'GET article/..\u0000/secret\n', '\u0000GET article/1\n'];
    for (const input of inputs) {
      const { text } = await rawSend(l.port, input, { half: true });
      const lines = answerLines(text);
      assert.equal(lines.length, 1, `${l.name} ${JSON.stringify(input)}: ${text}`);
      assert.ok(l.isRefusal(lines[0]!), `${l.name} ${JSON.stringify(input)}: ${lines[0]}`);
    }
    await stillServes(l);
  }
});

test('a NUL byte in a herd client name is a name like any other and is echoed byte for byte', async () => {
  const herd = listeners.find((l) => l.name === 'herd')!;
  const line = Buffer.from('IAMAT nul\u0000name +1+1 1700000000.5\n', 'latin1');
  const { text } = await rawSend(herd.port, line, { half: true });
  assert.match(text, /^AT Riley [+-]\d+\.\d{9} nul\u0000name \+1\+1 1700000000\.5\n$/);
});

test('invalid UTF-8: refused by kv listeners, copied byte for byte by the herd', async () => {
  const invalid = [Buffer.from([0xff, 0xfe]), Buffer.from([0xc3]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]), Buffer.from([0xc0, 0xaf])];
  for (const l of listeners) {
    for (const bad of invalid) {
      if (l.name === 'herd') {
        const line = Buffer.concat([Buffer.from('IAMAT c'), bad, Buffer.from(' +1+1 1700000000.5\n')]);
        const { text } = await rawSend(l.port, line, { half: true });
        const echoed = Buffer.from(text, 'latin1');
        assert.ok(echoed.includes(Buffer.concat([Buffer.from(' c'), bad, Buffer.from(' +1+1 ')])), `herd echoed ${bad.toString('hex')}: ${echoed.toString('hex')}`);
        const refused = await rawSend(l.port, Buffer.concat([bad, Buffer.from('\n')]), { half: true });
        assert.ok(Buffer.from(refused.text, 'latin1').equals(Buffer.concat([Buffer.from('? '), bad, Buffer.from('\n')])), `herd refusal quotes the bytes: ${Buffer.from(refused.text, 'latin1').toString('hex')}`);
      } else {
        for (const line of [Buffer.concat([Buffer.from('GET article/'), bad, Buffer.from('\n')]), Buffer.concat([bad, Buffer.from(' article/1\n')])]) {
          const { text } = await rawSend(l.port, line, { half: true });
          const lines = answerLines(text);
          assert.equal(lines.length, 1, `${l.name} ${line.toString('hex')}`);
          assert.ok(l.isRefusal(lines[0]!), `${l.name} ${line.toString('hex')}: ${lines[0]}`);
        }
      }
    }
    await stillServes(l);
  }
});
