import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { check, MpoError } from '../../core/errors.js';
import { stateOfCheckpoint } from '../../core/io/checkpoint.js';
import { cellParamValues, checkCell, checkExportable, EXPORT_WEIGHTS_FILE, exportLayersModel } from '../../core/io/export-layers.js';
import { cellCoords } from '../../core/plane/grid.js';
import { parsePatternText } from '../../core/pattern/text.js';
import { disposePlaneState } from '../../core/training/plane-state.js';
import { initBackend } from '../backend.js';
import { loadCheckpoint } from '../checkpoint.js';
import { writeFileAtomic } from '../output/atomic.js';
import { checkFitFolder, readRunConfig, RUN_FILES } from './folder.js';
import { modelOf, runPatternOf } from './setup.js';

/** Options of {@link runExport} (`mpo export`). */
export interface ExportRunOptions {
  /** Output folder of `mpo fit` (with `config.json` and `checkpoint.mpo`). */
  readonly dir: string;
  /** The cell: `"ROW,COL"` as typed on the command line, or [row, col]. */
  readonly cell: string | readonly [number, number];
  /** Folder for `model.json` and `weights.bin` (default `<dir>/export-r<row>-c<col>`). */
  readonly out?: string;
  /** `logits` (default, what mpo's models compute) or `softmax` probabilities. */
  readonly output?: 'logits' | 'softmax';
}

/** What {@link runExport} wrote. */
export interface ExportRunResult {
  /** The folder holding `model.json` and `weights.bin`. */
  readonly out: string;
  readonly row: number;
  readonly col: number;
  /** Plane coordinates (a, b) of the cell. */
  readonly coords: [number, number];
  /** Model registry name. */
  readonly model: string;
  /** Input shape [h, w, c] the exported model takes. */
  readonly inputShape: [number, number, number];
}

/** The file name of the exported model's topology and manifest. */
export const EXPORT_MODEL_FILE = 'model.json';

/** Image shape and classes of each dataset (the models are built for them without loading data). */
const DATASET_SHAPES: Readonly<Record<string, { height: number; width: number; channels: number; numClasses: number; }>> = {
  'fashion-mnist-subset': { height: 28, width: 28, channels: 1, numClasses: 10 },
  'fashion-mnist': { height: 28, width: 28, channels: 1, numClasses: 10 },
  mnist: { height: 28, width: 28, channels: 1, numClasses: 10 },
  cifar10: { height: 32, width: 32, channels: 3, numClasses: 10 },
};

/**
 * Parses `--cell ROW,COL` for a `height` x `width` pattern. Throws a one-line MpoError naming the
 * allowed ranges for text that is not two whole numbers separated by a comma, or a cell outside.
 */
export function parseCell(text: string, height: number, width: number): [number, number] {
  const m = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(String(text));
  if (!m) {
    throw new MpoError(`--cell "${String(text)}" is not ROW,COL: give the row (0..${height - 1}) and the column (0..${width - 1}) `
      + `of this run's ${height}x${width} pattern separated by a comma, e.g. --cell 0,0`);
  }
  const [row, col] = [Number(m[1]), Number(m[2])];
  checkCell(row, col, height, width);
  return [row, col];
}

/**
 * Exports cell (row, col) of the plane saved in an `mpo fit` folder as a standalone TF.js
 * Layers model: `<out>/model.json` and `<out>/weights.bin` (written atomically), loadable with
 * `tf.loadLayersModel('file://.../model.json')` (tfjs-node) or over HTTP in a browser. Throws a
 * one-line MpoError for a folder that is not a run, a bad cell (naming the allowed range) or a
 * model that cannot be exported (batch norm).
 */
export async function runExport(opts: ExportRunOptions): Promise<ExportRunResult> {
  check(opts && typeof opts.dir === 'string' && opts.dir.length > 0, 'export: dir must be the output folder of mpo fit');
  const dir = resolve(opts.dir);
  if (!existsSync(join(dir, RUN_FILES.config))) {
    throw new MpoError(`"${opts.dir}" is not an mpo run folder (no ${RUN_FILES.config}): pass the --out folder of mpo fit`);
  }
  checkFitFolder(dir, opts.dir, 'mpo export');
  if (opts.out !== undefined && existsSync(opts.out) && !statSync(opts.out).isDirectory()) {
    throw new MpoError(`--out "${opts.out}" is a file: mpo export writes a folder (model.json and weights.bin): pass a folder name`);
  }
  const config = readRunConfig(dir);
  if (config.manifold !== 'plane') {
    throw new MpoError(`mpo export: "${opts.dir}" holds a ${config.manifold} (--manifold ${config.manifold}), not a plane: mpo export takes a cell of a plane`);
  }
  const patternFile = join(dir, 'pattern.txt');
  const pattern = existsSync(patternFile) ? parsePatternText(readFileSync(patternFile, 'utf8'), patternFile) : runPatternOf(config).pattern;
  const [row, col] = typeof opts.cell === 'string' ? parseCell(opts.cell, pattern.height, pattern.width) : [opts.cell[0], opts.cell[1]];
  checkCell(row, col, pattern.height, pattern.width);
  const shape = DATASET_SHAPES[config.dataset];
  if (!shape) {
    throw new MpoError(`the run's dataset "${config.dataset}" is unknown to mpo export: it exports runs on ${Object.keys(DATASET_SHAPES).join(', ')}`);
  }
  const model = modelOf(config, shape);
  checkExportable(model);
  const ckpt = loadCheckpoint(join(dir, RUN_FILES.checkpoint));
  if (ckpt.dims !== 2) {
    throw new MpoError(`mpo export: the checkpoint of "${opts.dir}" holds ${ckpt.dims} directions, not a plane's 2: mpo export takes a cell of a plane`);
  }
  // A few additions per weight: the exact cpu backend is enough (and starts instantly).
  await initBackend('cpu');
  const state = stateOfCheckpoint(model, ckpt);
  let values;
  try {
    values = cellParamValues(model, state, row, col, pattern.height, pattern.width);
  } finally {
    disposePlaneState(state);
  }
  const coords = cellCoords(row, col, pattern.height, pattern.width);
  const ex = exportLayersModel(model, values, {
    output: opts.output ?? 'logits',
    metadata: { cell: { row, col }, coords, patternSize: [pattern.height, pattern.width], step: ckpt.step, dataset: config.dataset },
  });
  const out = resolve(opts.out ?? join(dir, `export-r${row}-c${col}`));
  writeFileAtomic(join(out, EXPORT_WEIGHTS_FILE), ex.weights);
  writeFileAtomic(join(out, EXPORT_MODEL_FILE), `${JSON.stringify(ex.modelJson)}\n`);
  return { out, row, col, coords, model: model.name, inputShape: [...model.inputShape] };
}
