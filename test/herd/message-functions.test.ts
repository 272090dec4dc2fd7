import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatAt,
  parseAt,
  parseIamat,
  parseMessage,
  parseWhatsat,
  splitWhatsatAnswer,
  squeezeJson,
  formatWhatsatAnswer,
} from '../../src/herd/messages.js';
import { parseLocation, formatLocation } from '../../src/herd/location.js';
import { compareTimes, diffSince, formatDiff, toNanos } from '../../src/herd/clock.js';

test('parseIamat keeps client, location and time as received', () => {
  const m = parseIamat('  IAMAT \t kiwi.cs.ucla.edu +34.068930-118.445127   1621464827.959498503 ');
  assert.ok(m);
  assert.equal(m.client, 'kiwi.cs.ucla.edu');
  assert.equal(m.location.text, '+34.068930-118.445127');
  assert.equal(m.location.lat, 34.06893);
  assert.equal(m.location.lng, -118.445127);
  assert.equal(m.time, '1621464827.959498503');
});

test('parseIamat refuses wrong field counts, bad locations and bad times', () => {
  for (const line of [
    'IAMAT kiwi +34-118',
    'IAMAT kiwi +34-118 1 extra',
    'IAMAT kiwi 34.0-118.0 1621464827.9',
    'IAMAT kiwi +34.0118.0 1621464827.9',
    'IAMAT kiwi +91.0-118.0 1621464827.9',
    'IAMAT kiwi +34.0-181.0 1621464827.9',
    'IAMAT kiwi +34.0-118.0 16214x64827.9',
    'IAMAT kiwi +34.0-118.0 1e9',
    'IAMAT kiwi +34.-118.0 1621464827.9',
    'iamat kiwi +34.0-118.0 1621464827.9',
  ]) {
    assert.equal(parseIamat(line), undefined, line);
  }
});

test('parseLocation: both signs required, lat within ±90, lon within ±180, any decimals', () => {
  assert.deepEqual(parseLocation('-90+180'), { text: '-90+180', lat: -90, lng: 180 });
  assert.ok(parseLocation('+1.123456789012-0.5'));
  for (const bad of ['34.1-118.2', '+34.1118.2', '+34.1-', '+90.0001+0', '+0-180.5', '++1+1', '+1+1+1', '']) {
    assert.equal(parseLocation(bad), undefined, bad);
  }
  assert.equal(formatLocation(34.06893, -118.445127), '+34.068930-118.445127');
});

test('parseWhatsat: 0 < radius <= 50, 1 <= bound <= 20 (an integer)', () => {
  assert.deepEqual(parseWhatsat('WHATSAT kiwi 10 5'), { kind: 'WHATSAT', client: 'kiwi', radiusKm: 10, bound: 5 });
  assert.ok(parseWhatsat('WHATSAT kiwi 50 20'));
  assert.ok(parseWhatsat('WHATSAT kiwi 0.5 1'));
  for (const line of ['WHATSAT kiwi 0 5', 'WHATSAT kiwi 50.1 5', 'WHATSAT kiwi -1 5', 'WHATSAT kiwi 10 0', 'WHATSAT kiwi 10 21', 'WHATSAT kiwi 10 2.5', 'WHATSAT kiwi ten 5', 'WHATSAT kiwi 10', 'WHATSAT kiwi 10 5 5']) {
    assert.equal(parseWhatsat(line), undefined, line);
  }
});

test('parseAt accepts trailing tokens and refuses malformed lines', () => {
  const m = parseAt('AT Riley +0.263873386 kiwi +34.068930-118.445127 1621464827.959498503 Jaquez Bernard');
  assert.ok(m);
  assert.deepEqual(m.extra, ['Jaquez', 'Bernard']);
  assert.equal(formatAt(m), 'AT Riley +0.263873386 kiwi +34.068930-118.445127 1621464827.959498503');
  for (const line of ['AT Riley +0.2 kiwi +34-118', 'AT Riley zero kiwi +34-118 1', 'AT Riley +0.2 kiwi 34-118 1', 'AT Riley +0.2 kiwi +34-118 x']) {
    assert.equal(parseAt(line), undefined, line);
  }
  assert.equal(parseMessage('HELLO there'), undefined);
  assert.equal(parseMessage(''), undefined);
});

test('the diff has an explicit sign and nine decimals, computed exactly', () => {
  assert.equal(formatDiff(263_873_386n), '+0.263873386');
  assert.equal(formatDiff(-99_978_398_085n), '-99.978398085');
  assert.equal(formatDiff(0n), '+0.000000000');
  assert.equal(toNanos('1621464827.959498503'), 1_621_464_827_959_498_503n);
  assert.equal(toNanos('-1.5'), -1_500_000_000n);
  assert.equal(diffSince('1621464827.959498503', 1_621_464_828_223_371_889n), '+0.263873386');
  assert.equal(diffSince('1621464928.201770', 1_621_464_828_223_371_915n), '-99.978398085');
});

test('compareTimes is exact past double precision', () => {
  assert.equal(compareTimes('1621464827.959498503', '1621464827.959498504'), -1);
  assert.equal(compareTimes('1621464827.9', '1621464827.900'), 0);
  assert.equal(compareTimes('10', '9.99999999999'), 1);
  assert.equal(compareTimes('-1', '0'), -1);
});

test('WHATSAT answer: squeezed JSON, no trailing newlines, two newlines at the end', () => {
  assert.equal(squeezeJson('{\n\n\n"a": 1\n\n}\n\n\n'), '{\n"a": 1\n}');
  const answer = formatWhatsatAnswer('AT Riley +1.000000000 kiwi +1+1 1', '{"results":[],"status":"ZERO_RESULTS","html_attributions":[]}');
  assert.ok(answer.endsWith('}\n\n'));
  assert.deepEqual(splitWhatsatAnswer(answer)?.places.status, 'ZERO_RESULTS');
  assert.equal(splitWhatsatAnswer('? WHATSAT kiwi 10 5\n'), undefined);
});
