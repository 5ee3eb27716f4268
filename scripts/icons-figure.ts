/**
 * The icons figure (issue 22, docs/icons.md), like the paper's Figure 1: a grid of target icon |
 * test-loss landscape pairs, each captioned with its test AUC and boundary AUC beside the radial
 * baseline's, from committed run files only (no training, no /work/shared):
 *
 *   node --import tsx scripts/icons-figure.ts [RUNS_DIR] [OUT_DIR] [--collect GALLERY_DIR] [--versus OTHER_RUNS_DIR]
 *
 * `--versus OTHER_RUNS_DIR` also writes OUT_DIR/versus.csv: this set minus the other, paired by
 * icon, for the test AUC and the boundary AUC (mean, standard error, t, degrees of freedom,
 * two-sided p and 95% interval over the icons both sets ran; {@link versusCsv}).
 *
 * `--collect GALLERY_DIR` first copies the small files of each finished run of an `mpo gallery`
 * folder into RUNS_DIR (summary.json, config.json, pattern.txt, metrics.jsonl, landscape/*.npy;
 * not the checkpoints, several MB each).
 *
 * RUNS_DIR (default results/icons/mlp) holds one folder per icon, each with the `summary.json`,
 * `config.json`, `pattern.txt` and `landscape/test-loss.npy` of its `mpo fit`; the icons listed in
 * `RUNS_DIR/held-out.txt` (one name a line) are the ones nobody tuned to and are drawn last, marked.
 * Writes OUT_DIR (default docs/icons)/icons.{png,svg}, icons.csv and icons.json.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parsePatternText } from '../src/core/pattern/text.js';
import { renderHeatmap, renderMask } from '../src/core/render/heatmap.js';
import { compose, type Figure } from '../src/core/render/svg.js';
import { writeFileAtomic, writeJsonAtomic } from '../src/node/output/atomic.js';
import { decodeNpy } from '../src/node/output/npy.js';
import { writeFigure } from '../src/node/output/png.js';
import { pairedT } from '../src/node/study/stats.js';

/** One icon's row of icons.csv / icons.json. */
export interface IconRow {
  icon: string;
  held_out: boolean;
  cells: string;
  auc_test: number;
  boundary_auc_test: number;
  radial_auc: number;
  radial_boundary_auc: number;
  bowl_auc: number;
  acc_black_test: number;
  acc_white_test: number;
  auc_train: number;
  steps: number;
  seconds: number;
  eval_seconds: number;
}

/** The columns of icons.csv, in order. */
export const ICON_COLUMNS: readonly (keyof IconRow)[] = ['icon', 'held_out', 'cells', 'auc_test', 'boundary_auc_test', 'radial_auc', 'radial_boundary_auc',
  'bowl_auc', 'acc_black_test', 'acc_white_test', 'auc_train', 'steps', 'seconds', 'eval_seconds'];

/** Reads one run folder's row (the radial baselines of an older summary derived from its bowl AUCs). */
export function iconRow(dir: string, icon: string, heldOut: boolean): IconRow {
  const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Record<string, number>;
  const radial = (b: number) => Math.max(b, 1 - b);
  const p = parsePatternText(readFileSync(join(dir, 'pattern.txt'), 'utf8'), icon);
  return {
    icon,
    held_out: heldOut,
    cells: `${p.height}x${p.width}`,
    auc_test: s.auc_test,
    boundary_auc_test: s.boundary_auc_test,
    radial_auc: s.radial_auc ?? radial(s.bowl_auc),
    radial_boundary_auc: s.radial_boundary_auc ?? radial(s.bowl_boundary_auc),
    bowl_auc: s.bowl_auc,
    acc_black_test: s.acc_black_test,
    acc_white_test: s.acc_white_test,
    auc_train: s.auc_train,
    steps: s.steps,
    seconds: s.seconds,
    eval_seconds: s.eval_seconds,
  };
}

/** One icon's panel: the target beside its test-loss landscape (padding included), captioned. */
export function iconPanel(dir: string, row: IconRow): Figure {
  const p = parsePatternText(readFileSync(join(dir, 'pattern.txt'), 'utf8'), row.icon);
  const npy = decodeNpy(readFileSync(join(dir, 'landscape', 'test-loss.npy')), `${dir}/landscape/test-loss.npy`);
  const [rows, cols] = npy.shape;
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { evalPadding?: number; evalResolution?: number; };
  const pad = (config.evalPadding ?? 0) * (config.evalResolution ?? 1);
  const cs = 3;
  const target = renderMask(p.cells, p.height, p.width, { cellSize: cs * ((rows - 2 * pad) / p.height), axes: false, title: 'target' });
  const loss = renderHeatmap(npy.data as ArrayLike<number>, rows, cols, { scale: 'log', padding: pad, cellSize: cs, axes: false, colorbar: false,
    title: 'test loss' });
  const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : 'n/a');
  const title = `${row.icon}${row.held_out ? ' (not tuned to)' : ''}`;
  const sub: Figure = {
    width: 10,
    height: 34,
    body: `<text x="0" y="13" font-size="12">AUC ${f3(row.auc_test)} (radial ${f3(row.radial_auc)})</text>` +
      `<text x="0" y="29" font-size="12">boundary ${f3(row.boundary_auc_test)} (radial ${f3(row.radial_boundary_auc)})</text>`,
  };
  return compose([[target, loss], [sub]], { gap: 6, title });
}

/** A CSV of rows under {@link ICON_COLUMNS}. */
export function iconsCsv(rows: readonly IconRow[]): string {
  return [ICON_COLUMNS.join(','), ...rows.map((r) => ICON_COLUMNS.map((k) => String(r[k])).join(','))].join('\n') + '\n';
}

/** The header of versus.csv ({@link versusCsv}). */
export const VERSUS_COLUMNS = 'measure,icons,mean,se,t,df,p_two_sided,ci95_low,ci95_high,positive';

/**
 * This set's rows minus `other`'s, paired by icon (icons in both), for `auc_test` and
 * `boundary_auc_test`: one CSV row per measure under {@link VERSUS_COLUMNS} (6 decimals).
 */
export function versusCsv(rows: readonly IconRow[], other: readonly IconRow[]): string {
  const lines = (['auc_test', 'boundary_auc_test'] as const).map((m) => {
    const diffs = rows.flatMap((r) => {
      const o = other.find((x) => x.icon === r.icon);
      return o ? [r[m] - o[m]] : [];
    });
    const t = pairedT(diffs);
    const f6 = (v: number) => (Number.isFinite(v) ? v.toFixed(6) : '');
    return [m, t.n, f6(t.mean), f6(t.se), f6(t.t), t.df, f6(t.p), f6(t.lo), f6(t.hi), diffs.filter((d) => d > 0).length].join(',');
  });
  return [VERSUS_COLUMNS, ...lines].join('\n') + '\n';
}

/** The rows of every finished run in `runs`, held-out icons last (`runs/held-out.txt`). */
export function iconRows(runs: string): IconRow[] {
  const heldPath = join(runs, 'held-out.txt');
  const held = new Set(existsSync(heldPath) ? readFileSync(heldPath, 'utf8').split('\n').map((s) => s.trim()).filter(Boolean) : []);
  const names = readdirSync(runs).filter((d) => statSync(join(runs, d)).isDirectory() && existsSync(join(runs, d, 'summary.json')))
    .sort((a, b) => Number(held.has(a)) - Number(held.has(b)) || a.localeCompare(b));
  return names.map((n) => iconRow(join(runs, n), n, held.has(n)));
}

/** The files of a run that are committed (small): everything the figure and the tables need. */
export const KEPT_FILES = ['summary.json', 'config.json', 'pattern.txt', 'metrics.jsonl', 'landscape/test-loss.npy', 'landscape/test-acc.npy',
  'landscape/train-loss.npy', 'landscape/train-acc.npy'];

/** Copies {@link KEPT_FILES} of every finished run in `gallery` to `runs/<name>/`; returns the names. */
export function collectRuns(gallery: string, runs: string): string[] {
  const names = readdirSync(gallery).filter((d) => existsSync(join(gallery, d, 'summary.json')));
  for (const n of names) {
    mkdirSync(join(runs, n, 'landscape'), { recursive: true });
    for (const f of KEPT_FILES) copyFileSync(join(gallery, n, f), join(runs, n, f));
  }
  return names;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const c = args.indexOf('--collect');
  const gallery = c >= 0 ? args.splice(c, 2)[1] : undefined;
  const v = args.indexOf('--versus');
  const versus = v >= 0 ? args.splice(v, 2)[1] : undefined;
  const runs = args[0] ?? 'results/icons/mlp';
  const out = args[1] ?? 'docs/icons';
  if (gallery) console.log(`collected ${collectRuns(gallery, runs).join(', ')} into ${runs}`);
  const rows = iconRows(runs);
  if (!rows.length) throw new Error(`no finished runs (folders with summary.json) in ${runs}`);
  const panels = rows.map((r) => iconPanel(join(runs, r.icon), r));
  const perRow = 4;
  const grid: Figure[][] = [];
  for (let i = 0; i < panels.length; i += perRow) grid.push(panels.slice(i, i + perRow));
  mkdirSync(out, { recursive: true });
  writeFigure(join(out, 'icons.png'), compose(grid, { gap: 14 }));
  writeFileAtomic(join(out, 'icons.csv'), iconsCsv(rows));
  writeJsonAtomic(join(out, 'icons.json'), rows);
  if (versus) {
    writeFileAtomic(join(out, 'versus.csv'), versusCsv(rows, iconRows(versus)));
    console.log(`${out}/versus.csv: ${runs} minus ${versus}, paired by icon`);
  }
  for (const r of rows) {
    console.log(
      `${r.icon.padEnd(22)} auc ${r.auc_test.toFixed(3)} (radial ${r.radial_auc.toFixed(3)})  boundary ${r.boundary_auc_test.toFixed(3)} (radial ${
        r.radial_boundary_auc.toFixed(3)
      })  ${r.steps} steps ${r.seconds.toFixed(0)} s${r.held_out ? '  held out' : ''}`,
    );
  }
  console.log(`wrote ${out}/icons.{png,svg,csv,json}`);
}
