import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { GooglePlaces, nearbySearchUrl } from '../../src/herd/places/google.js';
import { splitWhatsatAnswer } from '../../src/herd/messages.js';
import { ask, posixNow, startHerd, uniqueClient } from './helpers.js';

// A real local HTTP server standing in for Google: nothing leaves the machine.
let fake: Server;
let base: string;
const seen: URL[] = [];
let behaviour: (req: IncomingMessage, res: ServerResponse) => void;
const pending = new Set<ServerResponse>();

const twentyResults = () => ({
  html_attributions: [],
  results: Array.from({ length: 20 }, (_, i) => ({
    name: `Place ${i}`,
    geometry: { location: { lat: 34 + i / 1000, lng: -118 } },
    place_id: `fake-${i}`,
    types: ['cafe'],
    vicinity: 'Westwood',
  })),
  status: 'OK',
});

before(async () => {
  fake = createServer((req, res) => {
    seen.push(new URL(req.url ?? '/', 'http://fake'));
    pending.add(res);
    res.on('close', () => pending.delete(res));
    behaviour(req, res);
  });
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(fake.address() as { port: number }).port}/maps/api/place/nearbysearch/json`;
});
after(async () => {
  for (const res of pending) res.destroy();
  fake.closeAllConnections();
  await new Promise((resolve) => fake.close(resolve));
});

const json = (body: unknown, status = 200) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body, null, 4) + '\n\n\n');
};

test('google provider sends location=lat,lng, radius in metres and the key', async () => {
  behaviour = json(twentyResults());
  seen.length = 0;
  const places = new GooglePlaces({ url: base, apiKey: 'test-key/+', timeoutMs: 2_000 });
  await places.nearby(34.06893, -118.445127, 10, 5);
  const [url] = seen;
  assert.ok(url);
  assert.equal(url.pathname, '/maps/api/place/nearbysearch/json');
  assert.equal(url.searchParams.get('location'), '34.06893,-118.445127');
  assert.equal(url.searchParams.get('radius'), '10000');
  assert.equal(url.searchParams.get('key'), 'test-key/+');
});

test("google provider cuts Google's results to the bound and keeps the rest of the answer", async () => {
  behaviour = json(twentyResults());
  const answer = await new GooglePlaces({ url: base, apiKey: 'k', timeoutMs: 2_000 }).nearby(34, -118, 1.5, 3);
  assert.equal(answer.status, 'OK');
  assert.deepEqual(answer.results.map((r) => r.place_id), ['fake-0', 'fake-1', 'fake-2']);
});

for (const [name, make] of [
  ['a 500 answer', () => json({ error: 'boom' }, 500)],
  ['a body that is not JSON', () => (_req: IncomingMessage, res: ServerResponse) => res.end('<html>')],
  ['a JSON body without a status', () => json({ results: [] })],
  ['a connection dropped mid-answer', () => (_req: IncomingMessage, res: ServerResponse) => res.socket?.destroy()],
  ['a fake that never answers', () => () => undefined],
] as const) {
  test(`google provider answers UNKNOWN_ERROR for ${name}, within its timeout`, async () => {
    behaviour = make();
    const answer = await new GooglePlaces({ url: base, apiKey: 'k', timeoutMs: 300 }).nearby(34, -118, 10, 5);
    assert.deepEqual(answer, { html_attributions: [], results: [], status: 'UNKNOWN_ERROR' });
  });
}

test('an unreachable Google gives UNKNOWN_ERROR', async () => {
  const answer = await new GooglePlaces({ url: 'http://127.0.0.1:9/nearby', apiKey: 'k', timeoutMs: 500 }).nearby(1, 1, 1, 1);
  assert.equal(answer.status, 'UNKNOWN_ERROR');
});

test('a herd server configured with places = google answers WHATSAT from the fake', async () => {
  behaviour = json(twentyResults());
  seen.length = 0;
  const herd = await startHerd({ names: ['Riley'], extra: { places: 'google', placesUrl: base, placesApiKey: 'cfg-key', placesTimeoutMs: 1_000 } });
  try {
    const client = uniqueClient();
    const port = herd.get('Riley').port;
    await ask(port, `IAMAT ${client} +34.068930-118.445127 ${posixNow()}\n`);
    const answer = await ask(port, `WHATSAT ${client} 2 4\n`);
    const split = splitWhatsatAnswer(answer);
    assert.ok(split, answer);
    assert.equal(split.places.results.length, 4);
    assert.ok(!answer.slice(0, -2).includes('\n\n'));
    assert.equal(seen.at(-1)?.searchParams.get('key'), 'cfg-key');
    assert.equal(seen.at(-1)?.searchParams.get('radius'), '2000');
  } finally {
    await herd.close();
  }
});

test('the request URL has plain decimals and keeps a query string already in the base URL', () => {
  assert.equal(nearbySearchUrl('http://h/p?x=1', 'k', 1e-7, -118.5, 0.0004), 'http://h/p?x=1&location=0.000000100,-118.5&radius=1&key=k');
});
