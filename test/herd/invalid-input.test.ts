import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { ask, posixNow, startHerd, uniqueClient, type Herd } from './helpers.js';

let herd: Herd;
let known: string;
before(async () => {
  herd = await startHerd({ names: ['Riley'] });
  known = uniqueClient();
  await ask(herd.get('Riley').port, `IAMAT ${known} +34.068930-118.445127 ${posixNow()}\n`);
});
after(() => herd.close());

// SPEC §4: every one of these is answered `? <the command as received>`.
const cases: Record<string, () => string> = {
  'unknown verb': () => 'HELLO kiwi +34-118 1621464827.9',
  'lower-case verb': () => 'iamat kiwi +34-118 1621464827.9',
  'IAMAT with three fields': () => 'IAMAT kiwi +34-118',
  'IAMAT with five fields': () => 'IAMAT kiwi +34-118 1621464827.9 extra',
  'IAMAT location without signs': () => 'IAMAT kiwi 34.068930-118.445127 1621464827.9',
  'IAMAT location with one coordinate': () => 'IAMAT kiwi +34.068930 1621464827.9',
  'IAMAT latitude out of range': () => 'IAMAT kiwi +95.0-118.4 1621464827.9',
  'IAMAT longitude out of range': () => 'IAMAT kiwi +34.0-218.4 1621464827.9',
  'IAMAT time not a number': () => 'IAMAT kiwi +34.0-118.4 yesterday',
  'WHATSAT with two fields': () => `WHATSAT ${known} 10`,
  'WHATSAT with four arguments': () => `WHATSAT ${known} 10 5 1`,
  'WHATSAT radius zero': () => `WHATSAT ${known} 0 5`,
  'WHATSAT radius over 50': () => `WHATSAT ${known} 51 5`,
  'WHATSAT radius not a number': () => `WHATSAT ${known} ten 5`,
  'WHATSAT bound zero': () => `WHATSAT ${known} 10 0`,
  'WHATSAT bound over 20': () => `WHATSAT ${known} 10 21`,
  'WHATSAT bound not an integer': () => `WHATSAT ${known} 10 2.5`,
  'WHATSAT for an unknown client': () => `WHATSAT ${uniqueClient('nobody')} 10 5`,
  'AT with five fields': () => 'AT Jaquez +0.1 kiwi +34-118',
  'AT with a bad diff': () => 'AT Jaquez soon kiwi +34-118 1621464827.9',
  'AT with a bad location': () => 'AT Jaquez +0.1 kiwi 34-118 1621464827.9',
  'AT with a bad time': () => 'AT Jaquez +0.1 kiwi +34-118 now',
  'white space only': () => ' \t ',
};

for (const [name, make] of Object.entries(cases)) {
  test(`${name} is answered "? <command as received>"`, async () => {
    const line = make();
    assert.equal(await ask(herd.get('Riley').port, `${line}\n`), `? ${line}\n`);
  });
}

test('an invalid line does not end the connection: the next line is answered', async () => {
  const client = uniqueClient();
  const answer = await ask(herd.get('Riley').port, `nonsense\nIAMAT ${client} +1+1 ${posixNow()}\n`);
  const [first, second] = answer.split('\n');
  assert.equal(first, '? nonsense');
  assert.match(second!, new RegExp(`^AT Riley \\S+ ${client} `));
});

test('invalid inputs are counted', () => {
  assert.ok(herd.get('Riley').counters().received.invalid >= Object.keys(cases).length);
});
