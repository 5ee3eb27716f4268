/** The browser app speaks the core's settings (web/src/app-settings.ts, app-config.ts): pure functions, no browser needed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CONFIG_KEYS, parseConfig, resolveConfig, SETTINGS } from '../src/core/config.js';
import { APP_SETTING_NAMES, appRange, fieldProblem, NUMERIC_APP_SETTINGS } from '../web/src/app-settings.js';
import { appConfig, appRunFiles } from '../web/src/app-config.js';
import { DEFAULT_SETTINGS, decodeHash, encodeHash, sanitizeSettings } from '../web/src/url-state.js';
import { BUILTIN_NAMES } from '../src/core/pattern/builtins.js';
import type { PatternData } from '../web/src/protocol.js';

test("the app's defaults and ranges are the table's (its app entry, else the CLI's): one value off is refused, the bound kept", () => {
  for (const name of APP_SETTING_NAMES) {
    const s = SETTINGS[name];
    assert.ok(s.app, `${name} has an app entry`);
    assert.equal(DEFAULT_SETTINGS[name], s.app.default ?? s.default, `the default of ${name}`);
  }
  for (const name of NUMERIC_APP_SETTINGS) {
    const r = appRange(name);
    assert.deepEqual(r, SETTINGS[name].app?.range ?? SETTINGS[name].range, `the range of ${name}`);
    const step = SETTINGS[name].kind === 'int' ? 1 : 1e-9;
    if (r.max !== undefined) {
      assert.equal(sanitizeSettings({ [name]: r.max })[name], r.max, `${name} at its maximum`);
      assert.equal(sanitizeSettings({ [name]: r.max + step })[name], DEFAULT_SETTINGS[name], `${name} above its maximum`);
      assert.match(fieldProblem(name, String(r.max + step))!, /this value is not applied$/);
    }
    const below = r.minOpen ? r.min! : r.min! - step;
    assert.equal(sanitizeSettings({ [name]: below })[name], DEFAULT_SETTINGS[name], `${name} below its minimum`);
    assert.equal(fieldProblem(name, String(DEFAULT_SETTINGS[name])), null);
  }
  assert.equal(fieldProblem('cellsPerStep', '0'), 'cells / step must be a whole number in 1..500 (not 0): this value is not applied');
  assert.equal(fieldProblem('lr', ''), 'learning rate must be a number > 0 and <= 1: this value is not applied');
  // The page retypes no bound: the fields get theirs from the table.
  const html = readFileSync(new URL('../web/index.html', import.meta.url), 'utf8');
  for (const id of ['cells', 'batch', 'lr', 'scale', 'seed']) assert.doesNotMatch(html, new RegExp(`id="${id}"[^>]*\\b(min|max)=`), `#${id} carries no bound`);
});

test("URL keys are the table's (app.urlKey, else the flag name); an old checkpoint's scale is read as scaleInit", () => {
  const state = { settings: { ...DEFAULT_SETTINGS, cellsPerStep: 12, scaleInit: 0.5, model: 'cnn' as const },
    pattern: { kind: 'builtin', name: 'ring', side: 16 } as const };
  assert.equal(encodeHash(state), '#model=cnn&cells=12&scale=0.5&p=ring.16');
  assert.deepEqual(decodeHash(encodeHash(state), BUILTIN_NAMES), state);
  assert.equal(sanitizeSettings({ scale: 0.7 }).scaleInit, 0.7);
});

test("the app's config.json is the core's: every setting in the table's order, read back by the CLI's parser to the session's config", () => {
  const pattern: PatternData = { height: 8, width: 8, cells: new Uint8Array(64).fill(1), name: 'drawn', origin: { kind: 'cells' } };
  pattern.cells[0] = 0;
  const s = { ...DEFAULT_SETTINGS, manifold: 'plane' as const, seed: 4 };
  const files = appRunFiles(s, pattern, 12, { tool: 'mpo 1.2.3', backend: 'wasm' });
  const saved = JSON.parse(files.config) as Record<string, unknown>;
  assert.deepEqual(Object.keys(saved), [...CONFIG_KEYS, 'provenance']);
  assert.deepEqual((saved.provenance as Record<string, unknown>).tool, 'mpo 1.2.3');
  const { provenance: _, ...settings } = saved;
  assert.deepEqual(resolveConfig(parseConfig(settings, 'config.json')), appConfig(s, pattern, 12));
  assert.equal(saved.scaleInit, DEFAULT_SETTINGS.scaleInit);
  assert.equal(saved.pattern, 'pattern.txt');
  assert.match(files.patternText!, /^\.#######\n/);
  const strip = appRunFiles({ ...s, manifold: 'line' }, { height: 1, width: 4, cells: Uint8Array.from([1, 1, 0, 0]), name: 'strip', origin: { kind: 'cells' } },
    0, { tool: 't', backend: 'wasm' });
  assert.equal(JSON.parse(strip.config).pattern, '1d:##..');
  assert.equal(strip.patternText, null);
});
