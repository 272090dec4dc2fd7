import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OfflinePlaces } from '../../src/herd/places/offline.js';
import { distance } from 'geokdbush';

// UCLA, the CS131 spec's example location: +34.068930-118.445127.
const UCLA = { lat: 34.06893, lng: -118.445127 };

test('offline WHATSAT near UCLA: 5 real places within 10 km, nearest first', async () => {
  const answer = await new OfflinePlaces().nearby(UCLA.lat, UCLA.lng, 10, 5);
  assert.equal(answer.status, 'OK');
  assert.equal(answer.results.length, 5);
  const distances = answer.results.map((r) => distance(UCLA.lng, UCLA.lat, r.geometry.location.lng, r.geometry.location.lat));
  for (const d of distances) assert.ok(d <= 10, `${d} km`);
  for (let i = 1; i < distances.length; i++) assert.ok(distances[i - 1]! <= distances[i]!, 'sorted by distance');
  const names = answer.results.map((r) => r.name);
  assert.ok(names.includes('Westwood') && names.includes('Beverly Hills'), names.join(', '));
});

test('each result is shaped like a Google Nearby Search result', async () => {
  const answer = await new OfflinePlaces().nearby(UCLA.lat, UCLA.lng, 10, 1);
  const [place] = answer.results;
  assert.ok(place);
  assert.equal(typeof place.name, 'string');
  assert.equal(typeof place.geometry.location.lat, 'number');
  assert.equal(typeof place.geometry.location.lng, 'number');
  assert.match(place.place_id, /^geonames:\d+$/);
  assert.ok(Array.isArray(place.types) && place.types.includes('political'));
  assert.match(place.vicinity, /, US$/);
  assert.ok(Array.isArray(answer.html_attributions));
});

test('a small radius gives fewer results than the bound; none gives ZERO_RESULTS', async () => {
  const places = new OfflinePlaces();
  const few = await places.nearby(UCLA.lat, UCLA.lng, 2.5, 20);
  assert.ok(few.results.length >= 1 && few.results.length < 20);
  const none = await places.nearby(0, -140, 50, 20);
  assert.deepEqual(none, { html_attributions: none.html_attributions, results: [], status: 'ZERO_RESULTS' });
});

test('the gazetteer is built in a worker thread, so a server that has just started never stalls on it', async () => {
  const { loadGazetteer } = await import('../../src/herd/places/gazetteer.js');
  const gazetteer = await loadGazetteer();
  // On the main thread the build stops every request for some 400 ms (it did under tsx, where the worker failed to load).
  assert.equal(gazetteer.builtIn, 'worker');
  assert.ok(gazetteer.size > 100_000);
});
