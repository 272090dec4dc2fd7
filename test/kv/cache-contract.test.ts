import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createKvCache, type KvCacheOptions } from '../../src/kv/cache.js';

// One suite every cache kind must pass, then what tells them apart.
const KINDS: KvCacheOptions[] = [
  { kind: 'ttl', ttlSeconds: 30, lruCapacity: 1 },
  { kind: 'lru', ttlSeconds: 0, lruCapacity: 10 },
];

for (const options of KINDS) {
  describe(`${options.kind} cache contract`, () => {
    test('absent keys are undefined; stored data comes back as stored', () => {
      const cache = createKvCache(options);
      assert.equal(cache.kind, options.kind);
      assert.equal(cache.get('article/1'), undefined);
      cache.set('article/1', { title: 'Article1' });
      assert.deepEqual(cache.get('article/1'), { title: 'Article1' });
      assert.equal(cache.size, 1);
    });

    test('null, false and 0 are data, not absence', () => {
      const cache = createKvCache(options);
      cache.set('a/null', null);
      cache.set('a/false', false);
      cache.set('a/zero', 0);
      assert.equal(cache.get('a/null'), null);
      assert.equal(cache.get('a/false'), false);
      assert.equal(cache.get('a/zero'), 0);
    });

    test('a second set replaces the first', () => {
      const cache = createKvCache(options);
      cache.set('k/1', 'one');
      cache.set('k/1', 'uno');
      assert.equal(cache.get('k/1'), 'uno');
      assert.equal(cache.size, 1);
    });
  });
}

test('lru keeps at most its capacity, evicting the least recently used', () => {
  const cache = createKvCache({ kind: 'lru', ttlSeconds: 0, lruCapacity: 2 });
  cache.set('a/1', 1);
  cache.set('a/2', 2);
  cache.get('a/1');
  cache.set('a/3', 3);
  assert.equal(cache.get('a/2'), undefined);
  assert.equal(cache.get('a/1'), 1);
  assert.equal(cache.size, 2);
});

test('ttl stays bounded by ttlMaxEntries', () => {
  const cache = createKvCache({ kind: 'ttl', ttlSeconds: 30, lruCapacity: 1, ttlMaxEntries: 3 });
  for (let i = 0; i < 10; i++) cache.set(`k/${i}`, i);
  assert.equal(cache.size, 3);
});
