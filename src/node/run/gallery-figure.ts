import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check } from '../../core/errors.js';
import { parsePatternText } from '../../core/pattern/text.js';
import { renderHeatmap, renderMask } from '../../core/render/heatmap.js';
import { compose, type Figure } from '../../core/render/svg.js';
import { writeFileAtomic, writeJsonAtomic } from '../output/atomic.js';
import { writeFigure } from '../output/png.js';
import { writeReport } from '../output/report.js';
import { GALLERY_COLUMNS, galleryCsv, type GalleryEntry, type GalleryRow } from './gallery-rows.js';

/** The gallery's pictures: one row per finished pattern, and the files that show them. */

/** One gallery row's picture: a caption above target | test loss | test accuracy, read from the run's folder. */
export function rowFigure(entry: Pick<GalleryEntry, 'name' | 'dir'>, row: GalleryRow): Figure {
  const land = JSON.parse(readFileSync(join(entry.dir, 'landscape', 'landscape.json'), 'utf8')) as {
    rows: number;
    cols: number;
    grid: { padding: number; resolution: number; };
    test: { loss: number[]; acc: number[]; };
  };
  const pattern = parsePatternText(readFileSync(join(entry.dir, 'pattern.txt'), 'utf8'), entry.name);
  const cs = Math.max(2, Math.round(220 / Math.max(land.rows, land.cols)));
  const pad = land.grid.padding * land.grid.resolution;
  const target = renderMask(pattern.cells, pattern.height, pattern.width, { cellSize: cs * land.grid.resolution, title: 'target' });
  const loss = renderHeatmap(land.test.loss, land.rows, land.cols, { scale: 'log', title: 'test loss (log scale)', padding: pad,
    resolution: land.grid.resolution, cellSize: cs });
  const acc = renderHeatmap(land.test.acc, land.rows, land.cols, { scale: 'linear', domain: [0, 1], title: 'test accuracy', padding: pad,
    resolution: land.grid.resolution, cellSize: cs });
  const bowl = typeof row.radial_auc === 'number' ? ` (radial baseline ${row.radial_auc.toFixed(3)})` : '';
  const title = `${row.pattern}: test AUC ${row.auc_test.toFixed(3)}${bowl}, accuracy black ${row.acc_black_test.toFixed(2)} / white ${
    row.acc_white_test.toFixed(2)
  }`;
  return compose([[target, loss, acc]], { align: 'center', title });
}

/** The gallery picture: one row per finished pattern (see {@link rowFigure}), rows separated by a rule. */
export function renderGallery(entries: readonly Pick<GalleryEntry, 'name' | 'dir'>[], rows: readonly GalleryRow[]): Figure {
  check(rows.length > 0, 'no finished patterns to draw: run the gallery first');
  const figs = rows.map((r) => rowFigure(entries.find((e) => e.name === r.pattern)!, r));
  const width = Math.max(...figs.map((f) => f.width));
  const rule: Figure = { width, height: 2, body: `<rect width="${width}" height="2" fill="#c8c8c8"/>` };
  return compose(figs.flatMap((f, i) => (i ? [[rule], [f]] : [[f]])), { gap: 10 });
}

/** Writes `gallery.png` (and `.svg`), `gallery.csv`, `gallery.json` and `report.html` of the finished rows. */
export function writeGalleryFiles(out: string, entries: readonly GalleryEntry[], rows: readonly GalleryRow[]): void {
  const figure = renderGallery(entries, rows);
  writeFigure(join(out, 'gallery.png'), figure);
  writeFileAtomic(join(out, 'gallery.csv'), galleryCsv(rows));
  writeJsonAtomic(join(out, 'gallery.json'), rows);
  const f = (v: number | undefined, d = 3) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(d) : String(v ?? 'n/a'));
  const common = { ...entries[0].config, pattern: entries.map((e) => e.name).join(',') };
  writeReport(join(out, 'report.html'), {
    title: `mpo gallery: ${rows.length} patterns on ${common.dataset} (${common.model})`,
    subtitle: `${common.steps} steps per pattern, seed ${common.seed}; each run's own report is in its folder`,
    summary: rows.map((r) => ({
      label: r.pattern,
      value: `${f(r.auc_test, 4)} (radial ${f(r.radial_auc, 4)})`,
      hint: `test AUC (radial baseline: the better of a bowl, ${f(r.bowl_auc)}, and an inverted bowl around w_O); ` +
        `boundary AUC ${f(r.boundary_auc_test)} (radial ${f(r.radial_boundary_auc)}, bowl ${f(r.bowl_boundary_auc)}); ` +
        `accuracy black ${f(r.acc_black_test)}, white ${f(r.acc_white_test)}, difference ${f(r.acc_diff_test)}; ` +
        `train vs test: mean |log L gap| ${f(r.log_loss_gap_train_test)}, black accuracy gap ${f(r.acc_black_gap_train_test)}, ` +
        `log-loss correlation ${f(r.corr_train_test_loss)}; ${r.steps} steps in ${f(r.seconds, 0)} s`,
    })),
    figures: [{ caption: 'Each row: target | test loss (log colour scale) | test accuracy', figure }],
    notes: [`Columns of gallery.csv: ${GALLERY_COLUMNS.join(', ')}.`],
    config: common,
  });
}
