import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MpoError } from '../../core/errors.js';
import { resolveConfig } from '../../core/config.js';
import { stateFromValues, disposePlaneState } from '../../core/training/plane-state.js';
import { initBackend } from '../backend.js';
import { loadCheckpoint } from '../checkpoint.js';
import { readConfigFile } from '../config-file.js';
import { loadDataset } from '../data/dataset.js';
import { landscapeOf, writeRunResults, type RunSummary } from './outputs.js';
import { RUN_FILES } from './fit.js';
import { modelContextOf, modelOf, runPatternOf, toDevice } from './setup.js';
import { createWorkerPool, defaultWorkers } from '../parallel/pool.js';

/** Options of `mpo eval`. */
export interface EvalRunOptions {
  /** Folder of a finished or checkpointed fit. */
  readonly dir: string;
  /** Where to write (default `<dir>/eval-p<padding>-r<resolution>`). */
  readonly out?: string;
  /** Extra cells around the pattern (default: the run's). */
  readonly padding?: number;
  /** Points per cell spacing (default: the run's). */
  readonly resolution?: number;
  /** Images of each split (default: the run's `evalImages`). */
  readonly images?: number;
  /** Backend (default: the run's). */
  readonly backend?: 'wasm' | 'cpu' | 'tensorflow';
  readonly quiet?: boolean;
  readonly log?: (line: string) => void;
}

/** Re-draws the train and test landscapes of a saved plane, at any padding and resolution. */
export async function runEval(opts: EvalRunOptions): Promise<RunSummary> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const dir = resolve(opts.dir);
  if (!existsSync(join(dir, RUN_FILES.config))) throw new MpoError(`"${opts.dir}" is not an mpo run folder (no ${RUN_FILES.config}): pass the --out folder of mpo fit`);
  const saved = resolveConfig(readConfigFile(join(dir, RUN_FILES.config)));
  const config = resolveConfig(saved, {
    ...(opts.padding !== undefined ? { evalPadding: opts.padding } : {}),
    ...(opts.resolution !== undefined ? { evalResolution: opts.resolution } : {}),
    ...(opts.images !== undefined ? { evalImages: opts.images } : {}),
    ...(opts.backend !== undefined ? { backend: opts.backend } : {}),
  });
  const ckpt = loadCheckpoint(join(dir, RUN_FILES.checkpoint));
  const backend = await initBackend(config.backend);
  const rp = runPatternOf(config);
  const dataOpts = { dataDir: config.dataDir ?? undefined, log };
  const test = toDevice(await loadDataset(config.dataset, 'test', { ...dataOpts, limit: config.evalImages }));
  const train = toDevice(await loadDataset(config.dataset, 'train', { ...dataOpts, limit: config.evalImages }));
  const shape = { height: test.x.shape[1], width: test.x.shape[2], channels: test.x.shape[3], numClasses: test.numClasses };
  const model = modelOf(config, shape);
  const workers = config.workers ?? defaultWorkers();
  const state = stateFromValues(model.params, ckpt.theta, ckpt.dims, ckpt.rng, ckpt.step, ckpt.adam);
  const out = resolve(opts.out ?? join(dir, `eval-p${config.evalPadding}-r${config.evalResolution}`));
  mkdirSync(out, { recursive: true });
  const pool = workers > 1
    ? await createWorkerPool({ workers, model: config.model, ctx: modelContextOf(config, shape), backend: config.backend, dims: ckpt.dims })
    : null;
  try {
    const t0 = performance.now();
    const testLand = await landscapeOf(model, state, rp, test, config, 'test map', opts.quiet, pool);
    const trainLand = await landscapeOf(model, state, rp, train, config, 'train map', opts.quiet, pool);
    const evalSeconds = (performance.now() - t0) / 1000;
    return writeRunResults({
      out, config, model, state, rp, train, test, seconds: Number(ckpt.extra?.seconds ?? 0), backend, log,
      testLand, trainLand, evalSeconds,
    });
  } finally {
    await pool?.close();
    test.x.dispose();
    train.x.dispose();
    disposePlaneState(state);
  }
}
