/** The browser app's URL state (web/src/url-state.ts): pure functions, no browser needed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_NAMES } from '../src/core/pattern/builtins.js';
import { decodeHash, DEFAULT_SETTINGS, encodeHash, packCells, unpackCells, type AppState } from '../web/src/url-state.js';

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
