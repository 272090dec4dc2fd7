import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseMessage } from '../../src/herd/index.js';
import { exchange, startHerd } from '../herd/helpers.js';

/**
 * Arbitrary lines, several per connection, to a real herd server (one, so
 * that WHATSAT targets only clients this run reported): each IAMAT gets its
 * AT line, each AT from a "peer" gets nothing, anything else one `?` line
 * quoting it byte for byte, in order; the server closes after EOF.
 */
const FIELD = 'abcXYZ019.+-é\u0000\u00a0';
const field = fc.string({ unit: fc.constantFrom(...FIELD), minLength: 1, maxLength: 12 });
const coord = fc.tuple(fc.constantFrom('+', '-', ''), fc.integer({ min: 0, max: 200 }), fc.constantFrom('', '.5', '.123456'), fc.constantFrom('+', '-', ''), fc.integer({ min: 0, max: 400 }), fc.constantFrom('', '.25')).map((p) => p.join(''));
const time = fc.oneof(fc.integer({ min: 0, max: 2_000_000_000 }).map((n) => `${n}.5`), fc.constantFrom('1', '-1', 'abc', '1e9', '1.', '.5'));
const sep = fc.constantFrom(' ', ' ', '  ', '\t', ' \u000b ');
const line = fc.oneof(
  fc.tuple(fc.constantFrom('IAMAT', 'iamat', 'IAMAT'), sep, field, sep, coord, sep, time).map((p) => p.join('')),
  fc.tuple(fc.constantFrom('AT'), sep, field, sep, fc.constantFrom('+0.1', '-2.5', 'x'), sep, field, sep, coord, sep, time).map((p) => p.join('')),
  fc.tuple(fc.constantFrom('WHATSAT'), sep, field, sep, fc.constantFrom('10', '0', '51', 'x'), sep, fc.constantFrom('5', '0', '21')).map((p) => p.join('')),
  fc.string({ unit: fc.constantFrom(...'IAMTWHS \t+-.019xé\u0000'), maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }).map((s) => s.replace(/\n/g, ' ')),
);

test('herd server: any lines, IAMAT answered AT, peer AT unanswered, the rest "? <line>", in order, then closed', async (t) => {
  const herd = await startHerd({ names: ['Riley'] });
  t.after(() => herd.close());
  const port = herd.get('Riley').port;
  await fc.assert(
    fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 5 }), async (lines) => {
      // WHATSAT for a client never reported is a "?", whatever its fields; here every client is fresh per run.
      const wire = lines.map((l) => Buffer.from(l, 'utf8').toString('latin1'));
      const expected: string[] = [];
      for (const l of wire) {
        const received = l.endsWith('\r') ? l.slice(0, -1) : l;
        const message = parseMessage(received);
        if (message?.kind === 'AT') continue;
        if (message?.kind === 'IAMAT') expected.push(`AT Riley`);
        else if (message?.kind === 'WHATSAT' && herd.get('Riley').lookup(Buffer.from(message.client, 'latin1').toString('utf8'))) return; // answered from an earlier run's report: not this property's concern
        else expected.push(`? ${received}`);
      }
      const answer = (await exchange(port, Buffer.from(wire.map((l) => `${l}\n`).join(''), 'latin1'))).toString('latin1');
      const got = answer.split('\n').filter((l, i, all) => l.length || i < all.length - 1);
      assert.equal(got.length, expected.length, `${JSON.stringify(wire)} -> ${JSON.stringify(answer)}`);
      got.forEach((g, i) => {
        const e = expected[i]!;
        if (e === 'AT Riley') assert.match(g, /^AT Riley [+-]\d+\.\d{9} /, g);
        else assert.equal(g, e);
      });
    }),
    { numRuns: 150 },
  );
});
