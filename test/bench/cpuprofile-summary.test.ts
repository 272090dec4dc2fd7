import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summariseProfile, type CpuProfile } from '../../bench/cpuprofile.js';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

// root -> handle (dist/gateway) -> parse (undici) ; root -> (garbage collector)
const PROFILE: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 4] },
    { id: 2, callFrame: frame('handle', 'file:///x/pibl/dist/gateway/forward.js', 9), children: [3] },
    { id: 3, callFrame: frame('parse', 'file:///x/pibl/node_modules/undici/lib/core/util.js', 99) },
    { id: 4, callFrame: frame('(garbage collector)') },
  ],
  samples: [2, 3, 3, 3, 4, 3, 2, 4, 3, 3],
};

test('self and inclusive time per function, and self time by origin', () => {
  const s = summariseProfile(PROFILE);
  assert.equal(s.samples, 10);
  assert.deepEqual(s.functions[0], { name: 'parse', where: 'undici/lib/core/util.js:100', selfPercent: 60, totalPercent: 60 });
  assert.deepEqual(
    s.functions.find((f) => f.name === 'handle'),
    { name: 'handle', where: 'dist/gateway/forward.js:10', selfPercent: 20, totalPercent: 80 },
  );
  assert.deepEqual(s.byOrigin, [
    { origin: 'undici', selfPercent: 60 },
    { origin: 'pibl dist/gateway/', selfPercent: 20 },
    { origin: '(garbage collector)', selfPercent: 20 },
  ]);
});
