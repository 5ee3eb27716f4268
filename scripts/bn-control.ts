/**
 * The batch-norm control of issue 10 (item 3, first step): both models of the CPU-scale study
 * (plain-cnn6-small and bn-cnn-small) fit an easy 8x8 picture (docs/bn-control/square-8.txt, a
 * centred 4x4 square) with the study's settings (docs/bn-control/control.yaml); both must learn
 * (black-cell test accuracy) before a study comparing their landscapes means anything.
 * Collects the runs in runs/bn-control/ (or the folder given) into docs/bn-control/control.csv
 * (one row per run) and curves.csv (the quick evaluations during training).
 *
 *   node --import tsx src/cli/main.ts fit --config docs/bn-control/control.yaml --model plain-cnn6-small --out runs/bn-control/plain-cnn6-small-400
 *   node --import tsx src/cli/main.ts fit --config docs/bn-control/control.yaml --model bn-cnn-small --out runs/bn-control/bn-cnn-small-400
 *   node --import tsx scripts/bn-control.ts [runs/bn-control]
 *
 * With a second argument, e.g. `scripts/bn-control.ts runs/bn-curves-1200/runs random-p0.5`, the
 * files are `<name>-control.csv` and `<name>-curves.csv` (learning curves on random masks; the
 * bowl baseline then comes from each run's summary.json).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bowlBaseline } from '../src/core/landscape/metrics.js';
import { parsePatternText } from '../src/core/pattern/text.js';

const docs = fileURLToPath(new URL('../docs/bn-control/', import.meta.url));
const dir = process.argv[2] ?? 'runs/bn-control';
const prefix = process.argv[3] ? `${process.argv[3]}-` : '';
const pattern = parsePatternText(readFileSync(join(docs, 'square-8.txt'), 'utf8'), 'square-8');
const bowl = bowlBaseline(pattern);
const f = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(6)) : '');

const rows: string[] = [
  'run,model,steps,seed,acc_black_test,acc_white_test,acc_diff_test,auc_test,bowl_auc,bowl_boundary_auc,acc_black_train,training_seconds,cpu_seconds',
];
const curves: string[] = ['run,model,step,auc_test_quick,acc_diff_test_quick,acc_black_test_quick'];
for (const run of readdirSync(dir).sort()) {
  const summaryPath = join(dir, run, 'summary.json');
  if (!existsSync(summaryPath)) continue;
  const s = JSON.parse(readFileSync(summaryPath, 'utf8')) as Record<string, unknown>;
  // CPU seconds (user + system) from `/usr/bin/time -v` output next to the run, when there is one.
  let cpu: number | undefined;
  const log = join(dir, `${run}.log`);
  if (existsSync(log)) {
    const t = readFileSync(log, 'utf8');
    const user = /User time \(seconds\): ([\d.]+)/.exec(t), sys = /System time \(seconds\): ([\d.]+)/.exec(t);
    if (user && sys) cpu = Number(user[1]) + Number(sys[1]);
  }
  rows.push(
    [run, s.model, s.steps, s.seed, f(s.acc_black_test), f(s.acc_white_test), f(s.acc_diff_test), f(s.auc_test), f(prefix ? s.bowl_auc : bowl.auc),
      f(prefix ? s.bowl_boundary_auc : bowl.boundaryAuc), f(s.acc_black_train), f(s.seconds), f(cpu)].join(','),
  );
  const metrics = join(dir, run, 'metrics.jsonl');
  if (existsSync(metrics)) {
    for (const line of readFileSync(metrics, 'utf8').split('\n').filter(Boolean)) {
      const m = JSON.parse(line) as Record<string, number>;
      if (typeof m.auc_test_quick === 'number') {
        curves.push([run, s.model, m.step, f(m.auc_test_quick), f(m.acc_diff_test_quick), f(m.acc_black_test_quick)].join(','));
      }
    }
  }
}
writeFileSync(join(docs, `${prefix}control.csv`), rows.join('\n') + '\n');
writeFileSync(join(docs, `${prefix}curves.csv`), curves.join('\n') + '\n');
console.log(rows.join('\n'));
