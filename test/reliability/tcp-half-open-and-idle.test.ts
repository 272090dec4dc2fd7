import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { HOST, rawSend } from './helpers.js';
import { startListeners, type Listener } from './tcp-listeners.js';

const IDLE_MS = 800;
let listeners: Listener[];
let close: () => Promise<void>;
before(async () => ({ listeners, close } = await startListeners(IDLE_MS)));
after(() => close());

test('half-open: a client that ends its side without sending gets no answer and a clean close, at once', async () => {
  for (const l of listeners) {
    const started = Date.now();
    const { text, ended } = await rawSend(l.port, '', { half: true, waitMs: 3_000 });
    assert.equal(ended, 'closed', `${l.name} closed its side too`);
    assert.equal(text, '', `${l.name} answered nothing`);
    assert.ok(Date.now() - started < IDLE_MS, `${l.name} did not wait for the idle bound`);
  }
});

test('half-open after a request: the answer still comes back on the half-closed connection', async () => {
  for (const l of listeners) {
    const { text, ended } = await rawSend(l.port, l.good, { half: true });
    assert.equal(ended, 'closed');
    assert.ok(l.isGood(text), `${l.name}: ${text.slice(0, 80)}`);
  }
});

test('idle connections (silent, or half a line) are closed after the idle bound with a clear answer; others are served meanwhile', async () => {
  for (const l of listeners) {
    const started = Date.now();
    const silent = rawSend(l.port, '', { waitMs: 5_000 });
    const partial = rawSend(l.port, l.good.slice(0, 5), { waitMs: 5_000 });
    const served = await rawSend(l.port, l.good, { half: true });
    assert.ok(l.isGood(served.text), `${l.name} served another client meanwhile`);
    for (const [what, reply] of [['silent', await silent], ['half a line', await partial]] as const) {
      const took = Date.now() - started;
      assert.equal(reply.ended, 'closed', `${l.name} ${what}: closed by the server`);
      assert.ok(took >= IDLE_MS - 50 && took < IDLE_MS + 2_500, `${l.name} ${what}: closed after ${took} ms`);
      if (l.name !== 'herd') {
        assert.equal(JSON.parse(reply.text.trim()).status, 'BAD_REQUEST', `${l.name} ${what}: ${reply.text}`);
      }
    }
  }
});

test('a client that resets mid-request does not disturb the listener', async () => {
  for (const l of listeners) {
    for (let i = 0; i < 20; i++) {
      const s = connect({ host: HOST, port: l.port });
      s.on('error', () => {});
      await new Promise<void>((r) => s.once('connect', () => r()));
      s.write(l.good.repeat(5));
      s.resetAndDestroy();
    }
    const { text } = await rawSend(l.port, l.good, { half: true });
    assert.ok(l.isGood(text), l.name);
  }
});
