import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, string | Record<string, string>>; };

test('every entry of the exports map is built from a source file (dist/X.js <- src/X.ts)', () => {
  assert.deepEqual(Object.keys(pkg.exports).sort(), ['.', './gradients', './node', './package.json']);
  for (const [entry, target] of Object.entries(pkg.exports)) {
    if (entry === './package.json') continue;
    const t = target as Record<string, string>;
    for (const [cond, file] of Object.entries(t)) {
      const src = file.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$|\.js$/, '.ts');
      assert.ok(existsSync(join(root, src)), `${entry} (${cond}) -> ${file}: ${src} does not exist`);
    }
  }
});

test('the public modules export by name (no export *), so the surface is what they list', () => {
  for (const file of ['src/core/index.ts', 'src/node/index.ts']) {
    const text = readFileSync(join(root, file), 'utf8');
    assert.doesNotMatch(text, /^export \* from/m, `${file} re-exports a whole module`);
  }
});

test('mpo/node registers the gradients and the named exports resolve', async () => {
  const node = await import('../src/node/index.js');
  const core = await import('../src/core/index.js');
  for (const name of ['runFit', 'runEval', 'openRun', 'initBackend', 'loadDataset', 'svgToPng']) {
    assert.equal(typeof (node as Record<string, unknown>)[name], 'function', name);
  }
  for (const name of ['trainLoop', 'createPlaneState', 'createModel', 'evaluateLandscape', 'renderHeatmap', 'encodeCheckpoint']) {
    assert.equal(typeof (core as Record<string, unknown>)[name], 'function', name);
  }
  assert.doesNotThrow(() => core.checkGradients());
});
