import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { ask, posixNow, startHerd, uniqueClient, type Herd } from './helpers.js';
import { splitWhatsatAnswer } from '../../src/herd/messages.js';

let herd: Herd;
before(async () => {
  herd = await startHerd({ names: ['Riley'] });
});
after(() => herd.close());

test('WHATSAT: the stored AT line, a newline, squeezed JSON, two newlines', async () => {
  const client = uniqueClient();
  const port = herd.get('Riley').port;
  const at = (await ask(port, `IAMAT ${client} +34.068930-118.445127 ${posixNow()}\n`)).trimEnd();
  const answer = await ask(port, `WHATSAT ${client} 10 3\n`);
  assert.ok(answer.startsWith(`${at}\n{`), answer.slice(0, 200));
  assert.ok(answer.endsWith('}\n\n'));
  const body = answer.slice(at.length + 1, -2);
  assert.ok(!body.includes('\n\n'), 'runs of newlines are squeezed');
  const places = JSON.parse(body);
  assert.deepEqual(Object.keys(places).sort(), ['html_attributions', 'results', 'status']);
  assert.equal(places.status, 'OK');
  assert.equal(places.results.length, 3);
});

test('the stored AT line keeps the server that first received it and its original diff', async () => {
  const client = uniqueClient();
  const port = herd.get('Riley').port;
  await ask(port, `AT Bernard -0.123456789 ${client} +34.068930-118.445127 1621464827.5 Bernard Juzang\n`);
  const answer = await ask(port, `WHATSAT ${client} 5 1\n`);
  assert.ok(answer.startsWith(`AT Bernard -0.123456789 ${client} +34.068930-118.445127 1621464827.5\n`), answer.slice(0, 120));
});

test('results are cut to the bound, and the same query gives the same answer', async () => {
  const client = uniqueClient();
  const port = herd.get('Riley').port;
  await ask(port, `IAMAT ${client} +48.8566+2.3522 ${posixNow()}\n`);
  for (const bound of [1, 7, 20]) {
    const split = splitWhatsatAnswer(await ask(port, `WHATSAT ${client} 50 ${bound}\n`));
    assert.ok(split);
    assert.equal(split.places.results.length, bound);
  }
  assert.equal(await ask(port, `WHATSAT ${client} 50 4\n`), await ask(port, `WHATSAT ${client} 50 4\n`));
});

test('a place far from everything gives ZERO_RESULTS in the same shape', async () => {
  const client = uniqueClient();
  const port = herd.get('Riley').port;
  await ask(port, `IAMAT ${client} -48.876667-123.393333 ${posixNow()}\n`); // Point Nemo
  const split = splitWhatsatAnswer(await ask(port, `WHATSAT ${client} 50 5\n`));
  assert.ok(split);
  assert.equal(split.places.status, 'ZERO_RESULTS');
  assert.deepEqual(split.places.results, []);
});

test('UTF-8 place names arrive as UTF-8', async () => {
  const client = uniqueClient();
  const port = herd.get('Riley').port;
  await ask(port, `IAMAT ${client} -23.5505-46.6333 ${posixNow()}\n`);
  const split = splitWhatsatAnswer(await ask(port, `WHATSAT ${client} 20 20\n`));
  assert.ok(split);
  assert.ok(split.places.results.some((r) => r.name === 'São Paulo'), split.places.results.map((r) => r.name).join(', '));
});
