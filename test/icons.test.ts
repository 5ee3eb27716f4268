import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../src/core/config.js';
import { patternToText } from '../src/core/pattern/text.js';
import { readConfigFile } from '../src/node/config-file.js';
import { resolvePattern } from '../src/node/pattern-source.js';
import { ICON_COLUMNS, iconRow, iconRows, iconsCsv, versusCsv, type IconRow } from '../scripts/icons-figure.js';

// The icons recipes (docs/icons.md) and their committed evidence: the targets in docs/icons/targets/,
// each run's summary, config and grids in results/icons/<set>/, the table in <docs>/icons.{csv,json}.
const DOCS = 'docs/icons';

/** What the MLP recipe changes from the mpo fit defaults, and what it pins (docs/icons.md, "Recipe"). */
const MLP_RECIPE: Record<string, unknown> = {
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

/** A committed set of icon runs: its config file, its settings, its runs, its table, and the set it is compared with. */
interface IconSet {
  readonly config: string;
  readonly recipe: Record<string, unknown>;
  readonly runs: string;
  readonly docs: string;
  readonly versus?: string;
}

const SETS: IconSet[] = [
  { config: 'configs/icons.yaml', recipe: MLP_RECIPE, runs: 'results/icons/mlp', docs: DOCS },
  { config: 'configs/icons-deep.yaml', recipe: { ...MLP_RECIPE, model: 'mlp-deep', steps: 600 }, runs: 'results/icons/mlp-deep', docs: `${DOCS}/mlp-deep`,
    versus: 'results/icons/mlp' },
];

for (const set of SETS) {
  test(`${set.config} is an icons recipe: mpo fit --config ${set.config} --pattern ICON.png resolves to its settings`, () => {
    const file = readConfigFile(set.config);
    const c = resolveConfig(file, { pattern: 'icon.png' });
    assert.equal(c.pattern, 'icon.png', 'the flag names the icon');
    for (const [k, v] of Object.entries(set.recipe)) assert.equal(c[k as keyof typeof c], v, k);
    // Flags still override the file.
    assert.equal(resolveConfig(file, { pattern: 'icon.png', steps: 5 }).steps, 5);
  });

  test(`the committed runs in ${set.runs} were made with ${set.config}, on the committed targets`, () => {
    const names = readdirSync(set.runs).filter((n) => existsSync(join(set.runs, n, 'summary.json')));
    assert.ok(names.length >= 11, `8 tuned + 3 held-out icons, got ${names.length}`);
    const recipe = resolveConfig(readConfigFile(set.config));
    for (const n of names) {
      const config = JSON.parse(readFileSync(join(set.runs, n, 'config.json'), 'utf8')) as Record<string, unknown>;
      for (const k of Object.keys(set.recipe)) assert.deepEqual(config[k], recipe[k as keyof typeof recipe], `${n}: ${k}`);
      // The target PNG, read as mpo fit reads it, is the pattern the run fitted.
      const target = join(DOCS, 'targets', `${n}.png`);
      assert.ok(existsSync(target), target);
      const p = resolvePattern(target, { size: 50 });
      assert.equal(patternToText(p), readFileSync(join(set.runs, n, 'pattern.txt'), 'utf8'), `${n}: target and fitted pattern`);
    }
  });

  test(`${set.docs}/icons.{json,csv} are the numbers of ${set.runs} (scripts/icons-figure.ts)`, () => {
    const rows = JSON.parse(readFileSync(join(set.docs, 'icons.json'), 'utf8')) as IconRow[];
    const held = new Set(readFileSync(join(set.runs, 'held-out.txt'), 'utf8').split('\n').map((s) => s.trim()).filter(Boolean));
    assert.ok(held.size >= 2, 'icons nobody tuned to');
    assert.equal(rows.filter((r) => r.held_out).length, held.size);
    for (const r of rows) {
      assert.deepEqual(r, iconRow(join(set.runs, r.icon), r.icon, held.has(r.icon)), r.icon);
      assert.equal(r.radial_auc, Math.max(r.bowl_auc, 1 - r.bowl_auc));
      assert.ok(r.radial_auc < 0.8 && r.radial_boundary_auc < 0.56, `${r.icon}: an icon is not radial`);
    }
    assert.equal(readFileSync(join(set.docs, 'icons.csv'), 'utf8'), iconsCsv(rows));
    assert.equal(readFileSync(join(set.docs, 'icons.csv'), 'utf8').split('\n')[0], ICON_COLUMNS.join(','));
    assert.ok(existsSync(join(set.docs, 'icons.png')) && existsSync(join(set.docs, 'icons.svg')));
    if (set.versus) {
      // The paired comparison with the other set, recomputed from both sets' runs.
      const versus = readFileSync(join(set.docs, 'versus.csv'), 'utf8');
      assert.equal(versus, versusCsv(rows, iconRows(set.versus)));
      assert.match(versus, /^measure,icons,mean,se,t,df,p_two_sided,ci95_low,ci95_high,positive\nauc_test,11,/);
    }
  });
}

test('versus.csv pairs two sets by icon: mean, t, df and interval of the differences', () => {
  const row = (icon: string, auc: number, boundary: number): IconRow => ({ icon, held_out: false, cells: '50x50', auc_test: auc, boundary_auc_test: boundary,
    radial_auc: 0.6, radial_boundary_auc: 0.5, bowl_auc: 0.6, acc_black_test: 0.8, acc_white_test: 0.4, auc_train: auc, steps: 1, seconds: 1,
    eval_seconds: 1 });
  const a = [row('x', 0.9, 0.7), row('y', 0.8, 0.6), row('z', 0.7, 0.65), row('only-here', 0.1, 0.1)];
  const b = [row('x', 0.8, 0.5), row('y', 0.8, 0.5), row('z', 0.6, 0.6)];
  const [header, auc, boundary] = versusCsv(a, b).trim().split('\n');
  assert.equal(header, 'measure,icons,mean,se,t,df,p_two_sided,ci95_low,ci95_high,positive');
  // auc differences 0.1, 0, 0.1: mean 0.0667, sd 0.0577, se 0.0333, t 2, df 2, t_0.975(2) = 4.303
  const f = auc!.split(',');
  assert.equal(f[0], 'auc_test');
  assert.equal(f[1], '3');
  assert.ok(Math.abs(Number(f[2]) - 0.2 / 3) < 1e-6 && Math.abs(Number(f[4]) - 2) < 1e-4 && f[5] === '2', auc);
  assert.ok(Math.abs(Number(f[7]) - (0.2 / 3 - 4.302653 * 0.1 / 3)) < 1e-4, `interval low: ${f[7]}`);
  assert.equal(f[9], '2', 'two icons improved');
  assert.match(boundary!, /^boundary_auc_test,3,0\.116667,/);
});
