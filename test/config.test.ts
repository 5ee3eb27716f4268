import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIG_KEYS, DEFAULT_FIT_CONFIG, flagName, MODEL_DEFAULTS, modelDefaults, parseConfig, resolveConfig, settingHelp, SETTINGS, type FitConfig,
  type Setting } from '../src/core/config.js';
import { MODELS } from '../src/core/models/registry.js';
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

test("the paper CNN defaults to the pattern race's best configuration (docs/speed.md)", () => {
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

const table = SETTINGS as unknown as Record<keyof FitConfig, Setting<unknown>>;

test('the table is the only list of settings: FitConfig keys, defaults and flags come from it', () => {
  assert.deepEqual(CONFIG_KEYS, Object.keys(SETTINGS));
  assert.deepEqual(Object.keys(DEFAULT_FIT_CONFIG), CONFIG_KEYS);
  // Types follow the table (checked by tsc): choices become unions, nullable settings admit null.
  const bn: 'paper' | 'original' = DEFAULT_FIT_CONFIG.bnScale;
  const workers: number | null = DEFAULT_FIT_CONFIG.workers;
  assert.equal(bn, 'paper');
  assert.equal(workers, null);
  for (const key of CONFIG_KEYS) {
    const s = table[key];
    assert.equal(DEFAULT_FIT_CONFIG[key], s.default, key);
    assert.ok(s.help.length > 0 && !s.help.includes('\n'), `${key}: one-line help`);
    if (s.default === null) assert.ok(s.nullable, `${key}: a null default needs nullable`);
    else assert.equal(typeof s.default, { string: 'string', int: 'number', number: 'number', bool: 'boolean' }[s.kind], `${key}: default of its kind`);
    if (s.choices) assert.ok(s.kind === 'string' && s.choices.includes(String(s.default)), `${key}: default among its choices`);
    if (s.range) assert.ok(s.kind === 'int' || s.kind === 'number', `${key}: range on a number`);
  }
});

test('every default and per-model default passes its own validation, as a value and as flag text', () => {
  for (const key of CONFIG_KEYS) {
    const s = table[key];
    for (const [where, v] of [['default', s.default], ...Object.entries(s.perModel ?? {})] as [string, unknown][]) {
      assert.deepEqual(parseConfig({ [key]: v }, 'test'), { [key]: v }, `${key} ${where}`);
      assert.deepEqual(parseConfig({ [flagName(key)]: String(v) }, 'test'), { [key]: v }, `${key} ${where} as --${flagName(key)} ${String(v)}`);
    }
  }
});

test('per-model defaults come from the table, differ from the general ones and resolve', () => {
  assert.equal(SETTINGS.steps.perModel?.cnn, 300);
  assert.notEqual(DEFAULT_FIT_CONFIG.steps, 300);
  assert.equal(resolveConfig({ model: 'cnn' }).steps, 300);
  assert.equal(resolveConfig({ model: 'bn-cnn' }).cellsPerStep, 2);
  assert.equal(resolveConfig({ model: 'cnn' }, { steps: 9 }).steps, 9, 'the user wins');
  assert.deepEqual(modelDefaults('mlp'), {});
  assert.deepEqual(modelDefaults('no-such-model'), {});
  assert.equal(modelDefaults('cnn').scaleInit, 0.2);
  assert.equal(modelDefaults('cnn-color').scaleInit, undefined, 'only the paper CNN changes the scale');
  for (const [model, defaults] of Object.entries(MODEL_DEFAULTS)) {
    assert.ok(model in MODELS, `per-model defaults for "${model}", a registered model`);
    const c = resolveConfig({ model });
    for (const [k, v] of Object.entries(defaults)) assert.equal(c[k as keyof FitConfig], v, `${model} ${k}`);
  }
});

test('out-of-range values: one line naming the flag and saying what to give', () => {
  assert.throws(() => parseConfig({ 'pattern-size': 500 }, 'the command line'),
    /^MpoError: "pattern-size" in the command line is 500: give a whole number in 1\.\.200$/);
  assert.throws(() => parseConfig({ patternSize: '0' }, 'flags'), /"pattern-size" in flags is 0: give a whole number in 1\.\.200/);
  assert.throws(() => parseConfig({ threshold: 1 }, 'flags'), /"threshold" in flags is 1: give a number between 0 and 1 \(exclusive\)/);
  assert.throws(() => parseConfig({ 'scale-init': 0 }, 'flags'), /"scale-init" in flags is 0: give a number > 0$/);
  assert.throws(() => parseConfig({ lr: -1 }, 'flags'), /"lr" in flags is -1: give a learning rate > 0 \(e\.g\. 0\.001\)/);
  assert.throws(() => parseConfig({ 'eval-padding': -1 }, 'flags'), /"eval-padding" in flags is -1: give a whole number >= 0/);
  assert.throws(() => parseConfig({ 'bn-scale': 'both' }, 'flags'), /"bn-scale" in flags is "both": choose one of paper, original/);
  assert.throws(() => parseConfig({ invert: 'yes' }, 'flags'), /"invert" in flags is "yes": use true or false/);
  assert.throws(() => parseConfig({ steps: null }, 'flags'), /"steps" in flags cannot be empty/);
  assert.deepEqual(parseConfig({ workers: 'null', 'data-dir': null }, 'flags'), { workers: null, dataDir: null });
  // Every bound of every range refuses the value just outside it, naming the flag.
  for (const key of CONFIG_KEYS) {
    const { range, kind } = table[key];
    if (!range) continue;
    const step = kind === 'int' ? 1 : 1e-9;
    const outside = [
      ...(range.min !== undefined ? [range.minOpen ? range.min : range.min - step] : []),
      ...(range.max !== undefined ? [range.maxOpen ? range.max : range.max + step] : []),
    ];
    for (const v of outside) {
      assert.throws(() => parseConfig({ [key]: v }, 'flags'), new RegExp(`^MpoError: "${flagName(key)}" in flags is ${v}: give `), `${key} = ${v}`);
    }
  }
});

test('mpo fit --help lists every setting with its help, default and differing per-model defaults', async () => {
  const { buildProgram } = await import('../src/cli/main.js');
  const fit = buildProgram().commands.find((c) => c.name() === 'fit');
  assert.ok(fit);
  const help = fit.helpInformation().replace(/\s+/g, ' ');
  for (const key of CONFIG_KEYS) {
    const flag = flagName(key);
    assert.ok(help.includes(`--${flag}`), `--${flag} listed`);
    assert.ok(help.includes(settingHelp(key)), `help of --${flag}: ${settingHelp(key)}`);
    if (table[key].kind === 'bool') assert.ok(help.includes(`--no-${flag} `), `--no-${flag} listed`);
  }
  assert.ok(help.includes('training steps (whole number >= 0; default: 600; cnn, cnn-color, cnn-color-nopool: 300; bn-cnn, plain-cnn6: 200)'), help);
  assert.ok(help.includes('Adam learning rate (number > 0; default: 0.001)'), 'per-model values equal to the default are not shown');
  assert.ok(help.includes('default: one per core)'), 'a null default in words');
});

test('boolean flags: --flag and --no-flag both parse, neither leaves the setting to the lower layers', async () => {
  const { buildProgram } = await import('../src/cli/main.js');
  const fit = buildProgram().commands.find((c) => c.name() === 'fit')!;
  const flags = fit.options.map((o) => o.long);
  for (const key of CONFIG_KEYS.filter((k) => table[k].kind === 'bool')) {
    assert.ok(flags.includes(`--${flagName(key)}`) && flags.includes(`--no-${flagName(key)}`), key);
    assert.equal(fit.options.find((o) => o.long === `--${flagName(key)}`)?.defaultValue, undefined, `${key}: no commander default`);
  }
});
