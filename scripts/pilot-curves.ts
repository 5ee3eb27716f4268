/**
 * Learning curves of pilot runs, finished or stopped (issue 10): for every run folder under the
 * given folders, one row per logged step with the training cross-entropies of the step's black and
 * white cells, the scale s, and the quick test evaluation when that step has one. The settings
 * that tell the pilots apart (model, init, pattern, mask, batch, cells, lr, clip, scale) come from
 * each run's config.json, so the CSV stands on its own.
 *
 *   node --import tsx scripts/pilot-curves.ts OUT.csv DIR [DIR ...]
 *
 * A row every `--every` steps (default 50) plus every step with a quick evaluation.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const everyAt = args.indexOf('--every');
const every = everyAt >= 0 ? Number(args.splice(everyAt, 2)[1]) : 50;
const [out, ...dirs] = args;
if (!out || dirs.length === 0) {
  console.error('usage: node --import tsx scripts/pilot-curves.ts OUT.csv DIR [DIR ...] [--every N]');
  process.exit(2);
}

const settingKeys = ['model', 'init', 'pattern', 'patternSize', 'randomMask', 'randomMaskFrame', 'ignoreInterior', 'batchSize', 'cellsPerStep', 'lr',
  'lrSchedule', 'whiteClip', 'scaleInit', 'seed'] as const;
const metricKeys = ['ce_black', 'ce_white', 'scale', 'seconds', 'auc_test_quick', 'acc_black_test_quick', 'acc_diff_test_quick'] as const;
const cell = (
  v: unknown,
): string => (v === null || v === undefined ? '' : typeof v === 'number' && !Number.isInteger(v) ? String(Number(v.toPrecision(6))) : String(v));

const rows = [['run', ...settingKeys, 'step', ...metricKeys].join(',')];
const runDirs = dirs.flatMap((
  d,
) => (existsSync(join(d, 'config.json')) ? [d] : readdirSync(d).map((r) => join(d, r)).filter((r) => statSync(r).isDirectory())));
for (const dir of runDirs.sort()) {
  const configPath = join(dir, 'config.json');
  const metricsPath = join(dir, 'metrics.jsonl');
  if (!existsSync(configPath) || !existsSync(metricsPath)) continue;
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
  const settings = settingKeys.map((k) => cell(config[k] ?? (k === 'init' ? 'xavier' : undefined)));
  for (const line of readFileSync(metricsPath, 'utf8').split('\n').filter(Boolean)) {
    const m = JSON.parse(line) as Record<string, number>;
    if (m.step % every !== 0 && m.auc_test_quick === undefined) continue;
    rows.push([dir.split('/').pop(), ...settings, m.step, ...metricKeys.map((k) => cell(m[k]))].join(','));
  }
}
writeFileSync(out, rows.join('\n') + '\n');
console.log(`${rows.length - 1} rows from ${runDirs.length} runs -> ${out}`);
