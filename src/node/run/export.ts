import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { check, MpoError } from '../../core/errors.js';
import type { FitConfig } from '../../core/config.js';
import { checkExportable, EXPORT_WEIGHTS_FILE } from '../../core/io/export-layers.js';
import type { Model } from '../../core/models/model.js';
import { readLayersNetwork } from '../model-file.js';
import { cellCoordsOf } from '../../core/plane/grid.js';
import { parsePatternText } from '../../core/pattern/text.js';
import { cellPosition, parseCellText } from '../../core/session/cell.js';
import { createSession } from '../../core/session/session.js';
import { toolVersion } from '../version.js';
import { initBackend } from '../backend.js';
import { loadCheckpoint } from '../checkpoint.js';
import { writeFileAtomic } from '../output/atomic.js';
import { checkFitFolder, readRunConfig, RUN_FILES } from './folder.js';
import { modelOf, runPatternOf } from './setup.js';

/** Options of {@link runExport} (`mpo export`). */
export interface ExportRunOptions {
  /** Output folder of `mpo fit` (with `config.json` and `checkpoint.mpo`): a plane, a line or a volume. */
  readonly dir: string;
  /** The cell as typed (`C` on a line, `ROW,COL` on a plane, `SLICE,ROW,COL` in a volume), or its position as numbers. */
  readonly cell: string | readonly number[];
  /** Folder for `model.json` and `weights.bin` (default `<dir>/export-r<row>-c<col>`, `export-c<col>` on a line, `export-s<slice>-r<row>-c<col>` in a volume). */
  readonly out?: string;
  /** `logits` (default, what mpo's models compute) or `softmax` probabilities. */
  readonly output?: 'logits' | 'softmax';
}

/** What {@link runExport} wrote. */
export interface ExportRunResult {
  /** The folder holding `model.json` and `weights.bin`. */
  readonly out: string;
  /** The cell's position as typed: [col], [row, col] or [slice, row, col]. */
  readonly cell: readonly number[];
  /** Its row and column (0 on a line). */
  readonly row: number;
  readonly col: number;
  /** Manifold coordinates of the cell (one per direction). */
  readonly coords: readonly number[];
  /** The run's manifold. */
  readonly manifold: string;
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
 * The model of a run, built without its data: a built-in model for the dataset's image shape, or a
 * `--model` file (its own input shape and classes, whatever the data were). Throws a one-line
 * MpoError for a run whose model cannot be exported (batch norm with batch statistics, a dataset
 * whose shape is not known without loading it).
 */
function exportModelOf(config: FitConfig): Model {
  if (/\.json$/i.test(config.model)) {
    const { inputShape: [height, width, channels], numClasses } = readLayersNetwork(config.model).config;
    return modelOf(config, { height, width, channels, numClasses });
  }
  const shape = DATASET_SHAPES[config.dataset];
  if (!shape) {
    throw new MpoError(`the run's dataset "${config.dataset}" is not one mpo export knows the images of (${Object.keys(DATASET_SHAPES).join(', ')}): `
      + 'export works for runs on those, and for runs of a --model file on any data');
  }
  const model = modelOf(config, shape);
  checkExportable(model);
  return model;
}

/** The default folder name of an exported cell at `position` ([col], [row, col] or [slice, row, col]). */
function exportFolderName(position: readonly number[]): string {
  const tags = position.length === 1 ? ['c'] : position.length === 2 ? ['r', 'c'] : ['s', 'r', 'c'];
  return `export-${position.map((v, i) => `${tags[i]}${v}`).join('-')}`;
}

/**
 * Exports one cell of the manifold saved in an `mpo fit` folder (a plane, a line or a volume) as
 * a standalone TF.js Layers model: `<out>/model.json` and `<out>/weights.bin` (written
 * atomically), loadable with `tf.loadLayersModel('file://.../model.json')` (tfjs-node) or over
 * HTTP in a browser. The network comes from the run's session ({@link createSession}: the same
 * code as the app's export). Throws a one-line MpoError for a folder that is not a run, a bad cell
 * (naming the form and the allowed ranges) or a model that cannot be exported (batch norm).
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
  const patternFile = join(dir, 'pattern.txt');
  const pattern = existsSync(patternFile) ? parsePatternText(readFileSync(patternFile, 'utf8'), patternFile) : runPatternOf(config).pattern;
  const model = exportModelOf(config);
  const ckpt = loadCheckpoint(join(dir, RUN_FILES.checkpoint));
  // A few additions per weight: the exact cpu backend is enough (and starts instantly). The session
  // refuses a checkpoint whose dimension is not the config's manifold's.
  await initBackend('cpu');
  const session = createSession({ config, model, pattern, checkpoint: ckpt });
  try {
    const cell = parseCellText(typeof opts.cell === 'string' ? opts.cell : opts.cell.join(','), session.shape);
    const position = cellPosition(cell, session.shape);
    const coords = cellCoordsOf(cell, session.shape);
    const ex = await session.exportCell(cell, { output: opts.output ?? 'logits', generatedBy: toolVersion(), metadata: { dataset: config.dataset } });
    const out = resolve(opts.out ?? join(dir, exportFolderName(position)));
    writeFileAtomic(join(out, EXPORT_WEIGHTS_FILE), ex.weights);
    writeFileAtomic(join(out, EXPORT_MODEL_FILE), `${JSON.stringify(ex.modelJson)}\n`);
    const [row, col] = position.length === 1 ? [0, position[0]!] : position.slice(-2) as [number, number];
    return { out, cell: position, row, col, coords, manifold: config.manifold, model: model.name, inputShape: [...model.inputShape] };
  } finally {
    session.dispose();
  }
}
