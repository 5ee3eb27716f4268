import type { FitConfig } from '../../core/config.js';
import type { Model } from '../../core/models/model.js';
import { initBackend } from '../backend.js';
import { createWorkerPool, defaultWorkers, type WorkerPool } from '../parallel/pool.js';
import { loadRunData, modelContextOf, modelOf, runPatternOf, toDevice, type DeviceData, type RunPattern } from './setup.js';

/** What `mpo fit` and `mpo eval` both set up: backend, pattern, data on the device, model, workers. */
export interface OpenRun {
  readonly config: FitConfig;
  /** Name of the active TF.js backend. */
  readonly backend: string;
  readonly rp: RunPattern;
  /** Training images (all of them for a fit; `evalImages` for an evaluation). */
  readonly train: DeviceData;
  /** Test images (`evalImages`). */
  readonly test: DeviceData;
  readonly model: Model;
  /** Worker threads in use (1: none). */
  readonly workers: number;
  /** The worker pool when `workers > 1`. */
  readonly pool: WorkerPool | null;
  /** Stops the workers and frees the data tensors. */
  close(): Promise<void>;
}

/** Options of {@link openRun}. */
export interface OpenRunOptions {
  /** Receives log lines (data sources, warnings). */
  readonly log: (line: string) => void;
  /** Load only `evalImages` training images (an evaluation), not the whole training set. */
  readonly evalOnly?: boolean;
  /** Manifold dimension of the plane the workers will see (default 2). */
  readonly dims?: number;
}

/** Starts the backend, resolves the pattern, loads the data, builds the model and the worker pool of a run. */
export async function openRun(config: FitConfig, opts: OpenRunOptions): Promise<OpenRun> {
  const backend = await initBackend(config.backend);
  const rp = runPatternOf(config);
  const { train: trainSet, test: testSet } = await loadRunData(config, opts.log, { trainLimit: opts.evalOnly ? config.evalImages : undefined });
  const model = modelOf(config, trainSet);
  // One GPU runs all of a step's cells at once in this thread: no worker pool beside it.
  const workers = backend === 'webgpu' ? 1 : config.workers ?? defaultWorkers();
  if (backend === 'webgpu' && (config.workers ?? 1) > 1) {
    opts.log(`note: --workers ${config.workers} does not apply to --backend webgpu (one thread drives the GPU)`);
  }
  const train = toDevice(trainSet);
  const test = toDevice(testSet);
  let pool: WorkerPool | null = null;
  try {
    if (workers > 1 && config.backend !== 'webgpu') {
      pool = await createWorkerPool({
        workers,
        model: config.model,
        ctx: modelContextOf(config, trainSet),
        backend: config.backend,
        dims: opts.dims ?? 2,
        train: opts.evalOnly ? undefined : train.plain,
      });
    }
  } catch (e) {
    train.x.dispose();
    test.x.dispose();
    throw e;
  }
  return {
    config,
    backend,
    rp,
    train,
    test,
    model,
    workers,
    pool,
    async close() {
      await pool?.close();
      train.x.dispose();
      test.x.dispose();
    },
  };
}
