import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiskStore } from '../../../src/gateway/cache/disk-store.js';
import { tempDir } from '../../helpers/config.js';
import { responseEntry, storeContract } from './store-contract.js';

function diskStore(options: { maxBytes: number; memoryBytes?: number }): DiskStore {
  const { dir, remove } = tempDir('pibl-disk-store-');
  const store = new DiskStore({ dir, ...options });
  const close = store.close.bind(store);
  store.close = async () => {
    await close();
    remove();
  };
  return store;
}

storeContract('disk', async ({ maxBytes }) => diskStore({ maxBytes }));
// Every read from the files: the path past the memory copies' bound.
storeContract('disk without memory copies', async ({ maxBytes }) => diskStore({ maxBytes, memoryBytes: 0 }));

test('disk store: hits come from the memory copies, not the files; past their bound, from the files', async (t) => {
  const folders = [tempDir('pibl-disk-store-'), tempDir('pibl-disk-store-')];
  const withCopies = new DiskStore({ dir: folders[0]!.dir, maxBytes: 1_000_000 });
  const filesOnly = new DiskStore({ dir: folders[1]!.dir, maxBytes: 1_000_000, memoryBytes: 0 });
  t.after(async () => {
    await Promise.all([withCopies.close(), filesOnly.close()]);
    for (const folder of folders) folder.remove();
  });
  for (const [i, store] of [withCopies, filesOnly].entries()) {
    await store.set('http://a/hot', responseEntry('/hot', 'body', 1_000));
    // The file goes behind the store's back: only a read from memory can still answer.
    for (const name of readdirSync(folders[i]!.dir)) rmSync(join(folders[i]!.dir, name));
  }
  const fromMemory = await withCopies.get('http://a/hot');
  assert.equal(fromMemory?.kind === 'response' && fromMemory.body.toString(), 'body');
  assert.equal(await filesOnly.get('http://a/hot'), undefined, 'without memory copies the hit reads the file');
});

test('disk store: a new store on the same folder starts warm, with recency and the path index rebuilt', async (t) => {
  const { dir, remove } = tempDir('pibl-disk-store-');
  t.after(remove);
  const first = new DiskStore({ dir, maxBytes: 1_000_000 });
  await first.set('http://a/x?y=1', responseEntry('/x?y=1', 'kept across restarts', 1_000));
  await first.set('http://b/x?y=1', responseEntry('/x?y=1', 'other host', 2_000));
  await first.close();

  const second = new DiskStore({ dir, maxBytes: 1_000_000 });
  t.after(() => second.close());
  const got = await second.get('http://a/x?y=1');
  assert.equal(got?.kind === 'response' && got.body.toString(), 'kept across restarts');
  assert.deepEqual((await second.keysForPath('/x?y=1')).sort(), ['http://a/x?y=1', 'http://b/x?y=1']);
  assert.equal(second.stats().entries, 2);
});

test('disk store: file names are hashes inside the folder, never request text', async (t) => {
  const { dir, remove } = tempDir('pibl-disk-store-');
  t.after(remove);
  const store = new DiskStore({ dir, maxBytes: 1_000_000 });
  t.after(() => store.close());
  await store.set('http://a/../../escape', responseEntry('/../../escape', 'x'));
  const names = readdirSync(dir);
  assert.equal(names.length, 1);
  assert.match(names[0]!, /^[0-9a-f]{64}\.entry$/);
});

test('disk store: a restart over a smaller bound keeps the newest entries', async (t) => {
  const { dir, remove } = tempDir('pibl-disk-store-');
  t.after(remove);
  const first = new DiskStore({ dir, maxBytes: 1_000_000 });
  for (let i = 0; i < 5; i++) await first.set(`http://a/${i}`, responseEntry(`/${i}`, 'z'.repeat(2_000), 1_000 + i));
  await first.close();
  const second = new DiskStore({ dir, maxBytes: 6_000 });
  t.after(() => second.close());
  assert.equal(await second.get('http://a/0'), undefined);
  assert.ok(await second.get('http://a/4'));
  assert.ok(second.stats().bytes <= 6_000);
});

test('disk store: leftover temporary files and unreadable entries are dropped at start', async (t) => {
  const { dir, remove } = tempDir('pibl-disk-store-');
  t.after(remove);
  writeFileSync(join(dir, 'abc.entry.1.2.tmp'), 'half written');
  writeFileSync(join(dir, `${'0'.repeat(64)}.entry`), 'not an entry');
  const store = new DiskStore({ dir, maxBytes: 1_000_000 });
  t.after(() => store.close());
  assert.deepEqual(await store.keysForPath('/'), []);
  assert.equal(store.stats().entries, 0);
  assert.deepEqual(readdirSync(join(dir)), []);
});

test('disk store: a folder that cannot be made leaves an empty store that keeps nothing, never a failed request', async (t) => {
  const { dir, remove } = tempDir('pibl-disk-store-');
  t.after(remove);
  const blocker = join(dir, 'a-file');
  writeFileSync(blocker, 'not a folder');
  const store = new DiskStore({ dir: join(blocker, 'cache'), maxBytes: 1_000_000 });
  t.after(() => store.close());
  assert.equal(await store.set('http://a/x', responseEntry('/x', 'x')), false);
  assert.equal(await store.get('http://a/x'), undefined);
  assert.ok(store.unusable);
});
