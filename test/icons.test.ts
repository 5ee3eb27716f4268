import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../src/core/config.js';
import { patternToText } from '../src/core/pattern/text.js';
import { readConfigFile } from '../src/node/config-file.js';
import { resolvePattern } from '../src/node/pattern-source.js';
import { ICON_COLUMNS, iconRow, iconsCsv, type IconRow } from '../scripts/icons-figure.js';

// The icons recipe (docs/icons.md) and its committed evidence: the targets in docs/icons/targets/,
// each run's summary, config and grids in results/icons/mlp/, the table in docs/icons/icons.{csv,json}.
const RUNS = 'results/icons/mlp';
const DOCS = 'docs/icons';

/** The recipe's settings (docs/icons.md, "Recipe"): what it changes from the mpo fit defaults, and what it pins. */
const RECIPE: Record<string, unknown> = {
  patternSize: 50,
  model: 'mlp',
  ignoreInterior: false,
  steps: 4000,
  batchSize: 64,
  cellsPerStep: 50,
  lr: 0.001,
  lrSchedule: 'cosine',
  scaleInit: 0.1,
  whiteClip: 2.5,
  seed: 1,
  evalImages: 1000,
  evalPadding: 2,
};

test('configs/icons.yaml is the icons recipe: mpo fit --config configs/icons.yaml --pattern ICON.png resolves to its settings', () => {
  const file = readConfigFile('configs/icons.yaml');
  const c = resolveConfig(file, { pattern: 'icon.png' });
  assert.equal(c.pattern, 'icon.png', 'the flag names the icon');
  for (const [k, v] of Object.entries(RECIPE)) assert.equal(c[k as keyof typeof c], v, k);
  // Flags still override the file.
  assert.equal(resolveConfig(file, { pattern: 'icon.png', steps: 5 }).steps, 5);
});

test('the committed runs were made with the recipe, on the committed targets', () => {
  const names = readdirSync(RUNS).filter((n) => existsSync(join(RUNS, n, 'summary.json')));
  assert.ok(names.length >= 11, `8 tuned + 3 held-out icons, got ${names.length}`);
  const recipe = resolveConfig(readConfigFile('configs/icons.yaml'));
  for (const n of names) {
    const config = JSON.parse(readFileSync(join(RUNS, n, 'config.json'), 'utf8')) as Record<string, unknown>;
    for (const k of Object.keys(RECIPE)) assert.deepEqual(config[k], recipe[k as keyof typeof recipe], `${n}: ${k}`);
    // The target PNG, read as mpo fit reads it, is the pattern the run fitted.
    const target = join(DOCS, 'targets', `${n}.png`);
    assert.ok(existsSync(target), target);
    const p = resolvePattern(target, { size: 50 });
    assert.equal(patternToText(p), readFileSync(join(RUNS, n, 'pattern.txt'), 'utf8'), `${n}: target and fitted pattern`);
  }
});

test("docs/icons/icons.{json,csv} are the committed runs' numbers (scripts/icons-figure.ts)", () => {
  const rows = JSON.parse(readFileSync(join(DOCS, 'icons.json'), 'utf8')) as IconRow[];
  const held = new Set(readFileSync(join(RUNS, 'held-out.txt'), 'utf8').split('\n').map((s) => s.trim()).filter(Boolean));
  assert.ok(held.size >= 2, 'icons nobody tuned to');
  assert.equal(rows.filter((r) => r.held_out).length, held.size);
  for (const r of rows) {
    assert.deepEqual(r, iconRow(join(RUNS, r.icon), r.icon, held.has(r.icon)), r.icon);
    assert.equal(r.radial_auc, Math.max(r.bowl_auc, 1 - r.bowl_auc));
    assert.ok(r.radial_auc < 0.8 && r.radial_boundary_auc < 0.56, `${r.icon}: an icon is not radial`);
  }
  assert.equal(readFileSync(join(DOCS, 'icons.csv'), 'utf8'), iconsCsv(rows));
  assert.equal(readFileSync(join(DOCS, 'icons.csv'), 'utf8').split('\n')[0], ICON_COLUMNS.join(','));
  assert.ok(existsSync(join(DOCS, 'icons.png')) && existsSync(join(DOCS, 'icons.svg')));
});
