import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatAt, parseAt, parseIamat, parseLocation, parseMessage, parseWhatsat, splitWhatsatAnswer } from '../../src/herd/index.js';

const FIELD_CHARS = 'IAMTWHS +-.0123456789eE\t\u000b\u00a0xyz\u0000\n\r';
const herdish = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom(...FIELD_CHARS), maxLength: 60 }),
  fc
    .tuple(fc.constantFrom('IAMAT', 'WHATSAT', 'AT', 'iamat', ''), fc.array(fc.string({ unit: fc.constantFrom(...FIELD_CHARS), maxLength: 20 }), { maxLength: 7 }))
    .map(([verb, fields]) => [verb, ...fields].join(' ')),
);

test('parseIamat, parseWhatsat, parseAt, parseMessage: a message or undefined for any line, never an exception', () => {
  fc.assert(
    fc.property(herdish, (line) => {
      const iamat = parseIamat(line);
      if (iamat) {
        assert.ok(Math.abs(iamat.location.lat) <= 90 && Math.abs(iamat.location.lng) <= 180);
        assert.doesNotMatch(iamat.client, /[ \t\n\v\f\r]/);
      }
      const whatsat = parseWhatsat(line);
      if (whatsat) {
        assert.ok(whatsat.radiusKm > 0 && whatsat.radiusKm <= 50, String(whatsat.radiusKm));
        assert.ok(Number.isInteger(whatsat.bound) && whatsat.bound >= 1 && whatsat.bound <= 20);
      }
      const at = parseAt(line);
      if (at) assert.ok(Math.abs(at.location.lat) <= 90);
      const any = parseMessage(line);
      assert.deepEqual(any, iamat ?? whatsat ?? at);
    }),
    { numRuns: 3_000 },
  );
});

test('parseLocation: within range or undefined, for any text', () => {
  const loc = fc.oneof(
    fc.string(),
    fc.tuple(fc.constantFrom('+', '-', '', '++'), fc.double(), fc.constantFrom('+', '-', ''), fc.double()).map(([a, x, b, y]) => `${a}${x}${b}${y}`),
    fc.tuple(fc.constantFrom('+', '-'), fc.nat(200), fc.nat(999999), fc.constantFrom('+', '-'), fc.nat(400), fc.nat(999999)).map(([a, x, xf, b, y, yf]) => `${a}${x}.${xf}${b}${y}.${yf}`),
  );
  fc.assert(
    fc.property(loc, (text) => {
      const l = parseLocation(text);
      if (l) {
        assert.ok(Math.abs(l.lat) <= 90 && Math.abs(l.lng) <= 180, text);
        assert.equal(l.text, text);
      }
    }),
    { numRuns: 3_000 },
  );
});

test('formatAt then parseAt: the fields come back as written', () => {
  const token = fc.string({ unit: fc.constantFrom(...'abcXYZ019.-_@\u00e9'), minLength: 1, maxLength: 20 });
  const coord = (max: number) => fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: max - 1 }), fc.nat(999999)).map(([s, i, f]) => `${s}${i}.${f}`);
  fc.assert(
    fc.property(token, coord(90), coord(180), fc.nat(2_000_000_000), fc.nat(999_999_999), fc.integer({ min: -1e6, max: 1e6 }), (client, lat, lng, secs, nanos, diff) => {
      const time = `${secs}.${nanos}`;
      const d = `${diff < 0 ? '-' : '+'}${Math.abs(diff)}.000000001`;
      const line = formatAt({ server: 'Riley', diff: d, client, location: `${lat}${lng}`, time });
      const at = parseAt(line);
      assert.ok(at, line);
      assert.equal(at.client, client);
      assert.equal(at.location.text, `${lat}${lng}`);
      assert.equal(at.time, time);
      assert.equal(at.diff, d);
    }),
    { numRuns: 1_000 },
  );
});

test('splitWhatsatAnswer: { at, places } or undefined for any text', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.json().map((j) => `AT Riley +0.1 c +1+1 1\n${j}\n\n`)), (text) => {
      const r = splitWhatsatAnswer(text);
      if (r) assert.ok(r.at.startsWith('AT '));
    }),
    { numRuns: 1_000 },
  );
});
