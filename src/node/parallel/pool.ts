import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import * as tf from '../tf-node.js';
import { MpoError } from '../../core/errors.js';
import type { PointEvaluator } from '../../core/landscape/evaluate.js';
import type { ModelContext } from '../../core/models/registry.js';
import { flatten } from '../../core/training/adam.js';
import type { PlaneState } from '../../core/training/plane-state.js';
import type { StepGradients, StepSample } from '../../core/training/step.js';
import type { PlainData, SharedTheta, WorkerInit, WorkerReply, WorkerRequest } from './protocol.js';

/** Options of {@link createWorkerPool}. */
export interface PoolOptions {
  /** Number of worker threads (each runs its own single-threaded backend). */
  readonly workers: number;
  /** Model registry name and its context. */
  readonly model: string;
  readonly ctx: ModelContext;
  readonly backend: 'wasm' | 'cpu' | 'tensorflow';
  /** Manifold dimension (2 for a plane). */
  readonly dims?: number;
  /** Training data, copied once into each worker (needed for {@link WorkerPool.gradients}). */
  readonly train?: PlainData;
}

/**
 * Worker threads that share the work of a step, or of a landscape, by cells: cells are
 * independent given theta, so each worker computes the gradient of its share (summed here) or
 * evaluates its share of the points. Keeps parallelism behind the same shapes the core's
 * in-thread functions have, so a browser can do without it.
 */
export interface WorkerPool {
  readonly size: number;
  /** Copies an evaluation set into every worker under `name`. */
  addData(name: string, data: PlainData): Promise<void>;
  /** The gradients of a step's sample, summed over workers (tensors, keys of state.vars). */
  gradients(state: PlaneState, sample: StepSample, opts: { whiteClip: number; chunkSize?: number; }): Promise<StepGradients>;
  /** A point evaluator over the data set `name` for the state's current theta. */
  evaluator(state: PlaneState, name: string, opts: { batchSize: number; pointsPerPass: number; }): PointEvaluator;
  /** Where the last step's time went (see {@link PoolStepTiming}); null before the first step. */
  readonly lastStep: PoolStepTiming | null;
  /** Stops the workers. */
  close(): Promise<void>;
}

/** Where one step of {@link WorkerPool.gradients} spent its time (milliseconds): what `npm run bench` reports per worker count. */
export interface PoolStepTiming {
  /** Reading theta and writing it once into the shared buffer. */
  readonly shareMs: number;
  /** From sending the requests to the last reply. */
  readonly waitMs: number;
  /** Each worker's own time on its share (theta in, gradients, read back). */
  readonly workerMs: readonly number[];
  /** Each worker's number of cells. */
  readonly cells: readonly number[];
  /** Summing the workers' gradients and making the tensors. */
  readonly reduceMs: number;
}

/**
 * Number of workers to use when the config does not say: one per core, at most 32. (It was at
 * most 8, which on the 16-core GPU machine left half the cores idle while torch used all 16
 * threads: one cause of mpo's reduced step going from 1.4x torch's on 2 cores to 3.1x on 16.)
 */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(availableParallelism(), 32));
}

/** Splits `n` items into `k` contiguous parts of near-equal size: [start, end) pairs. */
export function splitEven(n: number, k: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < k; i++) out.push([Math.floor((i * n) / k), Math.floor(((i + 1) * n) / k)]);
  return out;
}

/**
 * Starts `opts.workers` worker threads, each with its backend started and the training data
 * loaded. A factory: the pool's methods share the threads, the shared theta buffer and the data sets.
 */
export async function createWorkerPool(opts: PoolOptions): Promise<WorkerPool> {
  const init: WorkerInit = { model: opts.model, ctx: opts.ctx, backend: opts.backend, dims: opts.dims ?? 2, numClasses: opts.ctx.numClasses };
  // Run from source (tests, tsx), a worker needs the TypeScript loader registered in it too.
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(fromSource ? './worker.ts' : './worker.js', import.meta.url);
  const tsxApi = fromSource ? import.meta.resolve('tsx/esm/api') : '';
  const spawn = () =>
    fromSource
      ? new Worker(`import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`, { eval: true,
        workerData: init })
      : new Worker(url, { workerData: init });
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: WorkerReply) => void; reject: (e: Error) => void; }>();
  const workers: Worker[] = [];
  const ready: Promise<void>[] = [];
  for (let i = 0; i < opts.workers; i++) {
    const w = spawn();
    workers.push(w);
    ready.push(new Promise((resolve, reject) => {
      const onFirst = (m: WorkerReply) => {
        if (m.id !== 0) return;
        w.off('message', onFirst);
        if (m.kind === 'ready') resolve();
        else reject(new MpoError(`a worker failed to start: ${(m as { message: string; }).message}`));
      };
      w.on('message', onFirst);
      w.once('error', (e) => reject(new MpoError(`a worker failed to start (${e.message}): run with --workers 1`)));
      w.once('exit', (code) => reject(new MpoError(`a worker exited with code ${code} while starting: run with --workers 1`)));
    }));
    w.on('message', (m: WorkerReply) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.kind === 'error') p.reject(m.mpo ? new MpoError(m.message, m.exitCode) : new Error(`worker: ${m.message}`));
      else p.resolve(m);
    });
    w.on('error', (e) => {
      for (const p of pending.values()) p.reject(new Error(`worker crashed: ${e.message}`));
      pending.clear();
    });
  }
  const call = (w: Worker, req: Omit<WorkerRequest, 'id'>, transfer: ArrayBuffer[] = []): Promise<WorkerReply> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      w.postMessage({ ...req, id }, transfer);
    });
  const closeAll = () => Promise.all(workers.map((w) => w.terminate())).then(() => undefined);
  try {
    await Promise.all(ready);
  } catch (e) {
    await closeAll();
    throw e;
  }
  const addData = async (name: string, data: PlainData) => {
    await Promise.all(workers.map((w) => call(w, { kind: 'data', name, data } as Omit<WorkerRequest, 'id'>)));
  };
  if (opts.train) await addData('train', opts.train);

  // Theta goes to the workers through one shared buffer, written once per request round.
  let shared: SharedTheta | null = null;
  const shareTheta = async (state: PlaneState): Promise<SharedTheta> => {
    const keys = Object.keys(state.vars);
    const sizes = keys.map((k) => state.vars[k].size);
    const total = sizes.reduce((a, b) => a + b, 0);
    if (!shared || shared.buffer.byteLength !== 4 * total || shared.keys.join() !== keys.join()) {
      shared = { buffer: new SharedArrayBuffer(4 * total), keys, sizes };
    }
    const flat = flatten(state.vars, keys);
    try {
      new Float32Array(shared.buffer).set(await flat.data());
    } finally {
      flat.dispose();
    }
    return shared;
  };
  let lastStep: PoolStepTiming | null = null;

  return {
    size: workers.length,
    addData,
    get lastStep() {
      return lastStep;
    },
    async gradients(state, sample, o) {
      const t0 = performance.now();
      const theta = await shareTheta(state);
      const t1 = performance.now();
      const parts = splitEven(sample.points.length, workers.length).filter(([a, b]) => b > a);
      const replies = await Promise.all(parts.map(([a, b], i) =>
        call(workers[i], {
          kind: 'gradients',
          theta,
          batchIdx: sample.batchIdx,
          points: sample.points.slice(a, b),
          nBlack: sample.nBlack,
          nWhite: sample.nWhite,
          whiteClip: o.whiteClip,
          chunkSize: o.chunkSize,
          augment: sample.augment,
        } as Omit<WorkerRequest, 'id'>)
      ));
      const t2 = performance.now();
      const ce = new Float32Array(sample.points.length);
      let loss = 0;
      let sum: Float32Array | null = null;
      replies.forEach((r, i) => {
        if (r.kind !== 'gradients') throw new Error(`unexpected worker reply ${r.kind}`);
        loss += r.loss;
        ce.set(r.ce, parts[i][0]);
        if (!sum) sum = r.grads;
        else for (let j = 0; j < sum.length; j++) sum[j] += r.grads[j];
      });
      const grads: Record<string, tf.Tensor> = {};
      let at = 0;
      theta.keys.forEach((k, i) => {
        grads[k] = tf.tensor(sum!.subarray(at, at + theta.sizes[i]), state.vars[k].shape, 'float32');
        at += theta.sizes[i];
      });
      lastStep = {
        shareMs: t1 - t0,
        waitMs: t2 - t1,
        workerMs: replies.map((r) => (r.kind === 'gradients' ? r.ms : NaN)),
        cells: parts.map(([a, b]) => b - a),
        reduceMs: performance.now() - t2,
      };
      return { grads, loss: tf.scalar(loss), ce: tf.tensor1d(ce) };
    },
    evaluator(state, name, o) {
      return async (coords, onProgress) => {
        const theta = await shareTheta(state);
        // Small slices, handed out as workers free up: balanced and with progress.
        const slice = Math.max(1, Math.min(o.pointsPerPass * 4, Math.ceil(coords.length / (workers.length * 4))));
        const loss = new Float32Array(coords.length);
        const acc = new Float32Array(coords.length);
        let next = 0;
        let done = 0;
        const total = Math.ceil(coords.length / slice);
        await Promise.all(workers.map(async (w) => {
          while (next < coords.length) {
            const start = next;
            next = Math.min(coords.length, next + slice);
            const r = await call(w, {
              kind: 'evaluate',
              theta,
              data: name,
              coords: coords.slice(start, next).map((c) => [...c]),
              batchSize: o.batchSize,
              pointsPerPass: o.pointsPerPass,
            } as Omit<WorkerRequest, 'id'>);
            if (r.kind !== 'evaluate') throw new Error(`unexpected worker reply ${r.kind}`);
            loss.set(r.loss, start);
            acc.set(r.acc, start);
            done += 1;
            if (onProgress) await onProgress(done, total);
          }
        }));
        return { loss, acc };
      };
    },
    close: closeAll,
  };
}
