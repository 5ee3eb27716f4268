/** The rows of a gallery: which numbers of each run it lists, read from its summary, as CSV. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FitConfig } from '../../core/config.js';
import { radialAuc } from '../../core/landscape/metrics.js';
import { RUN_FILES } from './folder.js';
import type { RunSummary } from './outputs.js';

/**
 * The columns of `gallery.csv` (and keys of each `gallery.json` row), in order: each AUC with the
 * bowl baseline's beside it, the train-vs-test measures, the correlation as a secondary figure,
 * then the radial baselines (the better of a bowl and an inverted bowl; last, so that the older
 * columns keep their places). A summary written before these fields existed leaves their cells
 * empty, except the radial ones, which are derived from its bowl AUCs.
 */
export const GALLERY_COLUMNS = ['pattern', 'auc_test', 'bowl_auc', 'boundary_auc_test', 'bowl_boundary_auc', 'auc_train', 'acc_diff_test', 'acc_black_test',
  'acc_white_test', 'log_loss_gap_train_test', 'acc_black_gap_train_test', 'corr_train_test_loss', 'measured_cells', 'steps', 'seconds', 'radial_auc',
  'radial_boundary_auc'] as const;

/** One finished pattern of a gallery: its name and headline numbers (from its `summary.json`). */
export type GalleryRow = { pattern: string; } & Pick<RunSummary, Exclude<(typeof GALLERY_COLUMNS)[number], 'pattern'>>;

/** One pattern of a gallery: its name, the resolved config of its fit and its run folder. */
export interface GalleryEntry {
  readonly name: string;
  readonly config: FitConfig;
  readonly dir: string;
}

/** The radial baseline from a bowl AUC read from a file: undefined when the file has no bowl AUC. */
function radialOf(bowl: unknown): number | undefined {
  return typeof bowl === 'number' && bowl >= 0 && bowl <= 1 ? radialAuc(bowl) : undefined;
}

/** Reads a finished run's headline numbers (the radial baselines of an older summary from its bowl AUCs). */
export function readRow(entry: Pick<GalleryEntry, 'name' | 'dir'>): GalleryRow {
  const s = JSON.parse(readFileSync(join(entry.dir, RUN_FILES.summary), 'utf8')) as RunSummary;
  const row = { pattern: entry.name } as Record<string, unknown>;
  for (const k of GALLERY_COLUMNS) if (k !== 'pattern') row[k] = s[k];
  row.radial_auc ??= radialOf(s.bowl_auc);
  row.radial_boundary_auc ??= radialOf(s.bowl_boundary_auc);
  return row as GalleryRow;
}

/** `gallery.csv`: a header line, then one line per row; numbers as JSON writes them. */
export function galleryCsv(rows: readonly GalleryRow[]): string {
  const cell = (v: unknown) => (typeof v === 'string' && /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : String(v ?? ''));
  return [GALLERY_COLUMNS.join(','), ...rows.map((r) => GALLERY_COLUMNS.map((k) => cell(r[k])).join(','))].join('\n') + '\n';
}
