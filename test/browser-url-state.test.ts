/** The browser app's URL state (web/src/url-state.ts): pure functions, no browser needed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_NAMES } from '../src/core/pattern/builtins.js';
import { decodeHash, decodePatternSpec, DEFAULT_SETTINGS, encodeHash, manifoldOfSpec, MAX_STRIP, MIN_STRIP, packCells, unpackCells,
  type AppState } from '../web/src/url-state.js';

test('cells pack 6 per character and unpack to the same cells', () => {
  for (const n of [64, 65, 2500]) {
    const cells = Uint8Array.from({ length: n }, (_, i) => ((i * 7919) % 3 === 0 ? 1 : 0));
    const text = packCells(cells);
    assert.equal(text.length, Math.ceil(n / 6));
    assert.match(text, /^[A-Za-z0-9_-]+$/);
    assert.deepEqual(unpackCells(text, n), cells);
  }
  assert.equal(unpackCells('AAA', 64), null, 'wrong length');
  assert.equal(unpackCells('!'.repeat(11), 64), null, 'bad character');
});

test('a state survives the hash; defaults are left out of it', () => {
  const drawn: AppState = {
    settings: { ...DEFAULT_SETTINGS, lr: 0.003, seed: 7, backend: 'webgl' },
    pattern: { kind: 'cells',
      pattern: { height: 8, width: 10, cells: Uint8Array.from({ length: 80 }, (_, i) => i % 2), name: 'drawn', origin: { kind: 'cells' } } },
  };
  const hash = encodeHash(drawn);
  assert.match(hash, /^#lr=0\.003&seed=7&backend=webgl&p=8x10\.[A-Za-z0-9_-]{14}$/);
  assert.deepEqual(decodeHash(hash, BUILTIN_NAMES), drawn);
  assert.equal(encodeHash({ settings: { ...DEFAULT_SETTINGS }, pattern: { kind: 'builtin', name: 'heart', side: 24 } }), '#p=heart.24');
  assert.deepEqual(decodeHash('#p=random.0.3.30', BUILTIN_NAMES).pattern, { kind: 'random', p: 0.3, side: 30 });
});

test('malformed hashes fall back to the defaults field by field', () => {
  const s = decodeHash('#model=resnet&cells=-3&batch=abc&lr=0&scale=1e9&seed=1.5&backend=cuda&p=nonsense.24', BUILTIN_NAMES);
  assert.deepEqual(s.settings, DEFAULT_SETTINGS);
  assert.deepEqual(s.pattern, { kind: 'builtin', name: 'heart', side: 24 });
  assert.deepEqual(decodeHash('#p=heart.99', BUILTIN_NAMES).pattern, { kind: 'builtin', name: 'heart', side: 24 }, 'side outside 8..50');
  assert.deepEqual(decodeHash('#p=8x8.AAA', BUILTIN_NAMES).pattern, { kind: 'builtin', name: 'heart', side: 24 }, 'cells of the wrong length');
  assert.equal(decodeHash('#cells=40&model=cnn', BUILTIN_NAMES).settings.cellsPerStep, 40);
  assert.equal(decodeHash('', BUILTIN_NAMES).settings.model, 'mlp');
});

test('a line carries its strip, a volume its solid or its packed slices; the manifold is in the hash', () => {
  const strip: AppState = {
    settings: { ...DEFAULT_SETTINGS, manifold: 'line' },
    pattern: { kind: 'cells',
      pattern: { height: 1, width: 10, cells: Uint8Array.from([1, 1, 0, 0, 1, 1, 0, 0, 1, 1]), name: 'strip', origin: { kind: 'cells' } } },
  };
  assert.equal(encodeHash(strip), '#manifold=line&p=1d:XX..XX..XX');
  assert.deepEqual(decodeHash(encodeHash(strip), BUILTIN_NAMES), strip);
  const solid: AppState = { settings: { ...DEFAULT_SETTINGS, manifold: 'volume' }, pattern: { kind: 'builtin', name: 'sphere-shell', side: 8 } };
  assert.equal(encodeHash(solid), '#manifold=volume&p=sphere-shell.8');
  assert.deepEqual(decodeHash(encodeHash(solid), BUILTIN_NAMES), solid);
  const cells = Uint8Array.from({ length: 4 * 5 * 6 }, (_, i) => ((i * 7) % 5 === 0 ? 1 : 0));
  const slices: AppState = {
    settings: { ...DEFAULT_SETTINGS, manifold: 'volume', seed: 3 },
    pattern: { kind: 'cells', pattern: { depth: 4, height: 5, width: 6, cells, name: 'drawn', origin: { kind: 'cells' } } },
  };
  const hash = encodeHash(slices);
  assert.match(hash, /^#manifold=volume&seed=3&p=4x5x6\.[A-Za-z0-9_-]{20}$/);
  assert.deepEqual(decodeHash(hash, BUILTIN_NAMES), slices);
  assert.equal(manifoldOfSpec(decodeHash(hash, BUILTIN_NAMES).pattern), 'volume');
});

test("each manifold's default target, and a target of another manifold falls back to it", () => {
  assert.deepEqual(decodeHash('#manifold=volume', BUILTIN_NAMES).pattern, { kind: 'builtin', name: 'cube-frame', side: 6 });
  const line = decodeHash('#manifold=line', BUILTIN_NAMES).pattern;
  assert.equal(line.kind === 'cells' && Array.from(line.pattern.cells).join(''), '1100110011', "the CLI's 1d:##..##..##");
  assert.deepEqual(decodeHash('#manifold=line&p=heart.24', BUILTIN_NAMES).pattern, line, 'a picture is no strip');
  assert.deepEqual(decodeHash('#manifold=volume&p=1d:XX..XX..XX', BUILTIN_NAMES).pattern, { kind: 'builtin', name: 'cube-frame', side: 6 });
  assert.deepEqual(decodeHash('#p=cube-frame.6', BUILTIN_NAMES).pattern, { kind: 'builtin', name: 'heart', side: 24 }, 'a solid is no picture');
  assert.equal(decodeHash('#manifold=torus', BUILTIN_NAMES).settings.manifold, 'plane');
  for (const bad of ['1d:XX..', `1d:${'X.'.repeat(33)}`, '1d:XXab....XX']) {
    assert.equal(decodePatternSpec(bad, BUILTIN_NAMES), null, `strip ${bad}: length ${MIN_STRIP}..${MAX_STRIP}, X and . only`);
  }
  assert.equal(decodePatternSpec(`1d:${'X.'.repeat(32)}`, BUILTIN_NAMES)?.kind, 'cells', '64 cells');
  assert.equal(decodePatternSpec('cube-frame.11', BUILTIN_NAMES), null, 'volume side 4..10');
  assert.equal(decodePatternSpec('3x4x4.AAAAAAAAA', BUILTIN_NAMES), null, 'volume side 4..10');
  assert.equal(decodePatternSpec('4x4x4.AAA', BUILTIN_NAMES), null, 'cells of the wrong length');
});
