import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { PiblError } from '../../src/common/errors.js';
import { loadConfig } from '../../src/config/load.js';
import { HERD_SERVER_KEYS, KEYS } from '../../src/config/schema.js';

const sections = ['', ...new Set(KEYS.map((k) => k.section).filter(Boolean)), 'herd.Riley', 'herd.Nobody', 'DEFAULT', 'grpc', 'unknown', 'herd.'];
const keysOf = (section: string) =>
  section.startsWith('herd.') ? HERD_SERVER_KEYS.map((k) => k.key) : [...KEYS.filter((k) => k.section === section).map((k) => k.key), 'ip_server1', 'ip_server99', 'nonsense'];
const value = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('0', '-1', '1e9', '65536', '0.5', 'true', 'false', 'NaN', '', ' ', '127.0.0.1:0', '[::1]:80', 'a:b:c', 'Riley, Jaquez', 'round_robin', 'memory', 'disk', '/-', '/', 'x', '300'),
  fc.integer({ min: -10, max: 100_000 }).map(String),
);
const sectionText = fc
  .constantFrom(...sections)
  .chain((section) =>
    fc
      .array(
        fc.oneof(
          { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...keysOf(section)), value).map(([k, v]) => `${k} = ${v}`) },
          { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
          { weight: 1, arbitrary: fc.constantFrom('; comment', '# comment', '=', '[', ']', 'key', '[[x]]', 'a[] = 1', '__proto__ = 1', 'constructor.prototype = 1') },
        ),
        { maxLength: 6 },
      )
      .map((lines) => (section ? `[${section}]\n` : '') + lines.join('\n')),
  );
const iniText = fc.oneof({ weight: 4, arbitrary: fc.array(sectionText, { maxLength: 4 }).map((s) => s.join('\n')) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) });

test('loadConfig: any ini text gives a Config or a PiblError PIBL_ERR_BAD_CONFIG, nothing else', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pibl-fuzz-config-'));
  const file = join(dir, 'parser.ini');
  let configs = 0;
  let refusals = 0;
  try {
    fc.assert(
      fc.property(iniText, (text) => {
        writeFileSync(file, text);
        try {
          const config = loadConfig({ file, env: {}, cwd: dir });
          assert.equal(typeof config.gateway.port, 'number');
          configs++;
        } catch (err) {
          assert.ok(err instanceof PiblError, `not a PiblError: ${(err as Error)?.stack ?? String(err)}\n--- ini ---\n${text}`);
          assert.equal(err.code, 'PIBL_ERR_BAD_CONFIG', `${err.code}: ${err.message}`);
          assert.match(err.message, /\S/);
          refusals++;
        }
      }),
      { numRuns: 1_500 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.ok(configs > 0 && refusals > 0, `both outcomes exercised (${configs} configs, ${refusals} refusals)`);
});
