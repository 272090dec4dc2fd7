import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Service } from '../../src/common/service.js';
import { startOrigin } from '../../src/kv/origin.js';
import { answerLines, ask, HOST, makeDataDir, rawExchange } from './helpers.js';

// secret.json and datasecret.json sit next to the data folder: no input may reach them.
const scratch = makeDataDir();
let origin: Service;
before(async () => {
  writeFileSync(join(scratch.data, 'broken.json'), '{not json');
  origin = await startOrigin({ host: HOST, port: 0, dataDir: scratch.data });
});
after(async () => {
  await origin.close();
  scratch.cleanup();
});

const CRASHERS = ['GET article1', 'GET', 'GET  article/1', ''];
const TRAVERSALS = [
  'GET ../secret',
  'GET ../secret/',
  'GET a/..%2F..',
  'GET a/..%2Fsecret',
  'GET ..%2F/secret',
  `GET ${join(scratch.dir, 'secret')}/`,
  'GET /etc/passwd',
  `GET /${scratch.dir}/secret`,
  'GET data/../../secret',
  'GET ../data/secret',
  'GET secret\u0000/x',
  'GET article/1\u0000../../secret',
  'GET ./../secret',
  'GET ../../../../../../etc/passwd',
];

test('inputs that crashed the original origin are BAD_REQUEST, and it keeps serving', async () => {
  for (const line of CRASHERS) {
    const answer = await ask(origin.port, line);
    assert.equal(answer.status, 'BAD_REQUEST', JSON.stringify(line));
    assert.equal(answer.data, null);
  }
  assert.equal((await ask(origin.port, 'GET article/1')).status, 'OK');
});

test('traversal attempts answer BAD_REQUEST or NOT_FOUND and never the secret', async () => {
  for (const line of TRAVERSALS) {
    const { text } = await rawExchange(origin.port, `${line}\n`);
    assert.doesNotMatch(text, /never be served/, JSON.stringify(line));
    const [answer] = answerLines(text);
    assert.ok(answer && ['BAD_REQUEST', 'NOT_FOUND'].includes(answer.status), `${JSON.stringify(line)} -> ${text}`);
    assert.equal(answer.data, null);
  }
  assert.equal((await ask(origin.port, 'GET article/4')).data.author, 'Ernest Shackleton');
});

test('a data file that is not JSON is NOT_FOUND, not a crash', async () => {
  // broken.json is resource "bro" + key "ken".
  const answer = await ask(origin.port, 'GET bro/ken');
  assert.equal(answer.status, 'NOT_FOUND');
  assert.equal(answer.data, null);
  assert.equal((await ask(origin.port, 'GET article/2')).status, 'OK');
});
