import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import CachePolicy from 'http-cache-semantics';
import type { CacheStore, ResponseEntry, VaryMarker } from '../../../src/gateway/cache/store.js';

/**
 * One suite every CacheStore must pass (as Hono's adapters/contract.ts does
 * for its stores). `make` builds a fresh, empty store with the given bound.
 */
export function storeContract(name: string, make: (options: { maxBytes: number }) => Promise<CacheStore>): void {
  describe(`CacheStore contract: ${name}`, () => {
    const open = async (t: { after(fn: () => Promise<void>): void }, maxBytes = 1_000_000) => {
      const store = await make({ maxBytes });
      t.after(() => store.close());
      return store;
    };

    test('a missing key is undefined', async (t) => {
      const store = await open(t);
      assert.equal(await store.get('http://a/x'), undefined);
      assert.deepEqual(await store.keysForPath('/x'), []);
      assert.deepEqual(store.stats(), { entries: 0, bytes: 0, evictions: 0 });
    });

    test('set then get gives back the body, policy and path', async (t) => {
      const store = await open(t);
      const entry = responseEntry('/x', 'hello body');
      assert.equal(await store.set('http://a/x', entry), true);
      const got = await store.get('http://a/x');
      assert.ok(got && got.kind === 'response');
      assert.equal(got.body.toString(), 'hello body');
      assert.equal(got.path, '/x');
      assert.deepEqual(got.policy, entry.policy);
      assert.equal(store.stats().entries, 1);
      assert.ok(store.stats().bytes >= 'hello body'.length);
    });

    test('a vary marker round-trips', async (t) => {
      const store = await open(t);
      const marker: VaryMarker = { kind: 'vary', path: '/v', storedAt: Date.now(), vary: ['accept-language'] };
      await store.set('http://a/v', marker);
      assert.deepEqual(await store.get('http://a/v'), marker);
    });

    test('set on an existing key replaces the entry and keeps one index row', async (t) => {
      const store = await open(t);
      await store.set('http://a/x', responseEntry('/x', 'one'));
      await store.set('http://a/x', responseEntry('/x', 'two'));
      const got = await store.get('http://a/x');
      assert.equal(got?.kind === 'response' && got.body.toString(), 'two');
      assert.deepEqual(await store.keysForPath('/x'), ['http://a/x']);
      assert.equal(store.stats().entries, 1);
    });

    test('delete removes; deleting a missing key is false', async (t) => {
      const store = await open(t);
      await store.set('http://a/x', responseEntry('/x', 'one'));
      assert.equal(await store.delete('http://a/x'), true);
      assert.equal(await store.get('http://a/x'), undefined);
      assert.deepEqual(await store.keysForPath('/x'), []);
      assert.equal(await store.delete('http://a/x'), false);
      assert.equal(store.stats().entries, 0);
    });

    test('keysForPath finds every host and variant of one path and query, nothing else', async (t) => {
      const store = await open(t);
      const keys = ['http://a/p?q=1', 'http://b/p?q=1', 'http://a/p?q=1\u0000[["accept","x"]]'];
      for (const key of keys) await store.set(key, responseEntry('/p?q=1', key));
      await store.set('http://a/p?q=2', responseEntry('/p?q=2', 'other'));
      assert.deepEqual((await store.keysForPath('/p?q=1')).sort(), [...keys].sort());
      assert.deepEqual(await store.keysForPath('/p'), []);
    });

    test('clear removes everything and says how many', async (t) => {
      const store = await open(t);
      for (let i = 0; i < 5; i++) await store.set(`http://a/${i}`, responseEntry(`/${i}`, 'x'));
      assert.equal(await store.clear(), 5);
      assert.equal(await store.get('http://a/1'), undefined);
      assert.deepEqual(await store.keysForPath('/1'), []);
      assert.equal(store.stats().entries, 0);
      assert.equal(store.stats().bytes, 0);
    });

    test('bounded by bytes: the least recently used entries go first, and evictions are counted', async (t) => {
      const store = await open(t, 12_000);
      const body = 'b'.repeat(2_000);
      for (let i = 0; i < 4; i++) await store.set(`http://a/${i}`, responseEntry(`/${i}`, body));
      // Touch /0 so that /1 is now the least recently used.
      assert.ok(await store.get('http://a/0'));
      for (let i = 4; i < 7; i++) await store.set(`http://a/${i}`, responseEntry(`/${i}`, body));
      const { entries, bytes, evictions } = store.stats();
      assert.ok(bytes <= 12_000, `bytes ${bytes} over the bound`);
      assert.ok(evictions >= 1);
      assert.equal(entries + evictions, 7);
      assert.ok(await store.get('http://a/0'), 'recently used entry kept');
      assert.equal(await store.get('http://a/1'), undefined, 'least recently used entry evicted');
      assert.deepEqual(await store.keysForPath('/1'), [], 'evicted entries leave the path index');
      assert.ok(await store.get('http://a/6'));
    });

    test('an entry larger than the whole bound is refused and evicts nothing', async (t) => {
      const store = await open(t, 4_000);
      await store.set('http://a/small', responseEntry('/small', 'x'));
      assert.equal(await store.set('http://a/big', responseEntry('/big', 'y'.repeat(10_000))), false);
      assert.equal(await store.get('http://a/big'), undefined);
      assert.ok(await store.get('http://a/small'));
      assert.equal(store.stats().evictions, 0);
    });

    test('a zero bound keeps nothing', async (t) => {
      const store = await open(t, 0);
      assert.equal(await store.set('http://a/x', responseEntry('/x', 'x')), false);
      assert.equal(await store.get('http://a/x'), undefined);
    });

    test('keys are opaque: any text, including path tricks, round-trips', async (t) => {
      const store = await open(t);
      const key = 'http://a/../../../etc/passwd?x=%2e%2e/\u0000[["a","..\\\\"]]';
      await store.set(key, responseEntry('/../../../etc/passwd?x=%2e%2e/', 'safe'));
      const got = await store.get(key);
      assert.equal(got?.kind === 'response' && got.body.toString(), 'safe');
    });

    test('concurrent sets and deletes of one key end consistent with the last call', async (t) => {
      const store = await open(t);
      const writes = [store.set('http://a/r', responseEntry('/r', 'one')), store.set('http://a/r', responseEntry('/r', 'two'))];
      const removed = store.delete('http://a/r');
      await Promise.all([...writes, removed]);
      assert.equal(await store.get('http://a/r'), undefined);
      assert.deepEqual(await store.keysForPath('/r'), []);
      await store.set('http://a/r', responseEntry('/r', 'three'));
      const got = await store.get('http://a/r');
      assert.equal(got?.kind === 'response' && got.body.toString(), 'three');
    });
  });
}

export function responseEntry(path: string, body: string, storedAt = Date.now()): ResponseEntry {
  const policy = new CachePolicy(
    { url: path, method: 'GET', headers: { host: 'a' } },
    { status: 200, headers: { 'cache-control': 'max-age=60', 'content-type': 'text/plain' } },
  );
  return { kind: 'response', path, storedAt, policy: policy.toObject(), body: Buffer.from(body) };
}
