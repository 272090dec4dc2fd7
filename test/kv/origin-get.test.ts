import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Service } from '../../src/common/service.js';
import { startOrigin } from '../../src/kv/origin.js';
import { answerLines, ask, HOST, makeDataDir, rawExchange } from './helpers.js';

const scratch = makeDataDir();
let origin: Service;
before(async () => {
  origin = await startOrigin({ host: HOST, port: 0, dataDir: scratch.data });
});
after(async () => {
  await origin.close();
  scratch.cleanup();
});

test('GET article/1 reads article1.json', async () => {
  assert.deepEqual(await ask(origin.port, 'GET article/1'), { status: 'OK', data: { title: 'Article1', author: 'John Doe' } });
  const authors = [];
  for (const k of [2, 3, 4]) authors.push((await ask(origin.port, `GET article/${k}`)).data.author);
  assert.deepEqual(authors, ['Stan Lee', 'Henry Kissinger', 'Ernest Shackleton']);
});

test('a missing key is NOT_FOUND with data null', async () => {
  assert.deepEqual(await ask(origin.port, 'GET article/99'), { status: 'NOT_FOUND', data: null });
});

test('another verb is WRONG_METHOD, METRICS included', async () => {
  assert.equal((await ask(origin.port, 'PUT article/1')).status, 'WRONG_METHOD');
  assert.equal((await ask(origin.port, 'METRICS')).status, 'WRONG_METHOD');
});

test('several requests on one connection are answered in order', async () => {
  const { text, closedByServer } = await rawExchange(origin.port, 'GET article/2\nGET article/9\nGET article/1\r\nPUT a/b\n');
  assert.equal(closedByServer, true);
  assert.deepEqual(
    answerLines(text).map((a) => [a.status, a.data?.title ?? null]),
    [
      ['OK', 'Article2'],
      ['NOT_FOUND', null],
      ['OK', 'Article1'],
      ['WRONG_METHOD', null],
    ],
  );
});

test('a missing final newline before EOF is accepted', async () => {
  const { text } = await rawExchange(origin.port, 'GET article/3');
  assert.equal(answerLines(text)[0]!.data.title, 'Article3');
});
