import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_FIT_CONFIG, parseConfig, resolveConfig } from '../src/core/config.js';
import { readConfigFile } from '../src/node/config-file.js';

test('flags and files in kebab-case or camelCase, later layers win', () => {
  const a = parseConfig({ 'batch-size': '64', steps: 10, invert: 'true', 'random-mask': '0.5' }, 'flags');
  assert.deepEqual(a, { batchSize: 64, steps: 10, invert: true, randomMask: 0.5 });
  const c = resolveConfig({ steps: 5, lr: 0.1 }, { steps: 7 });
  assert.equal(c.steps, 7);
  assert.equal(c.lr, 0.1);
  assert.equal(c.pattern, DEFAULT_FIT_CONFIG.pattern);
});

test('a model brings its own defaults, under what the user sets', () => {
  assert.equal(resolveConfig({ model: 'cnn' }).cellsPerStep, 10);
  assert.equal(resolveConfig({ model: 'cnn' }, { cellsPerStep: 7 }).cellsPerStep, 7);
  assert.equal(resolveConfig({ model: 'mlp' }).cellsPerStep, DEFAULT_FIT_CONFIG.cellsPerStep);
  assert.equal(resolveConfig({ model: 'cnn', batchSize: 16 }, { model: 'mlp' }).batchSize, 16, 'explicit values survive a model change');
});

test('the paper CNN defaults to the pattern race\'s best configuration (docs/speed.md)', () => {
  const c = resolveConfig({ model: 'cnn' });
  assert.deepEqual([c.cellsPerStep, c.batchSize, c.lr, c.scaleInit, c.ignoreInterior], [10, 128, 1e-3, 0.2, false]);
  assert.equal(resolveConfig({ model: 'cnn' }, { scaleInit: 0.1 }).scaleInit, 0.1);
  assert.equal(resolveConfig({ model: 'mlp' }).scaleInit, 0.1);
});

test('unknown keys and bad values give one-line errors naming the key', () => {
  assert.throws(() => parseConfig({ stpes: 3 }, 'config file "c.json"'), /^MpoError: unknown setting "stpes" in config file "c.json": did you mean "steps"\?$/);
  assert.throws(() => parseConfig({ steps: 'many' }, 'flags'), /"steps" in flags is "many": give a number/);
  assert.throws(() => parseConfig({ 'random-mask': 1.5 }, 'flags'), /between 0 and 1/);
  assert.throws(() => parseConfig({ backend: 'gpu' }, 'flags'), /choose one of wasm, cpu, tensorflow/);
  assert.throws(() => parseConfig({ 'batch-size': 0 }, 'flags'), />= 1/);
  assert.throws(() => parseConfig({ lr: 0 }, 'flags'), /learning rate > 0/);
});

test('config files: JSON and YAML, provenance skipped, syntax errors named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mpo-config-'));
  writeFileSync(join(dir, 'a.json'), JSON.stringify({ steps: 3, provenance: { tool: 'x' } }));
  assert.deepEqual(readConfigFile(join(dir, 'a.json')), { steps: 3 });
  writeFileSync(join(dir, 'b.yaml'), 'steps: 4\nmodel: cnn\n');
  assert.deepEqual(readConfigFile(join(dir, 'b.yaml')), { steps: 4, model: 'cnn' });
  writeFileSync(join(dir, 'c.json'), '{"steps": ');
  assert.throws(() => readConfigFile(join(dir, 'c.json')), /is not valid JSON .*fix its syntax/);
  assert.throws(() => readConfigFile(join(dir, 'missing.yaml')), /does not exist/);
  writeFileSync(join(dir, 'd.yaml'), 'colour: red\n');
  assert.throws(() => readConfigFile(join(dir, 'd.yaml')), /unknown setting "colour"/);
});
