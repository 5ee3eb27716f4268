/**
 * One benchmark workload in our engine, in its own process (so that its peak RSS is its own).
 * Usage: node --import tsx bench/workload.ts <paper|reduced|mlp|landscape|bn> [--quick] [--workers N]
 *   [--backend wasm|webgpu|cpu] [--iters N] [--grid N]
 * (or `node bench/workload.js ...` in the GPU bundle, see bench/gpu/build-bundle.ts).
 * - `--backend`: the TF.js backend (default wasm); webgpu runs in this thread only (workers 1:
 *   the worker pool is wasm/cpu only).
 * - `--workers N`: worker threads sharing the cells (default: one per core, at most 8).
 * - `--iters N`: timed steps (the first, untimed step warms up); default the workload's own.
 * - `--grid N`: the landscape's side in cells (default 20, 8 with --quick).
 * Prints one JSON line: {name, backend, workers, seconds (median), samples, unit, max_rss_mb, ...};
 * the landscape adds `images_per_cell` and `images_per_s`.
 */
import * as tf from '../src/node/tf-node.js';
import { createModel } from '../src/core/models/registry.js';
import { computeFrame } from '../src/core/plane/manifold.js';
import { evaluatePoints } from '../src/core/landscape/evaluate.js';
import { createRng, sampleWithoutReplacement } from '../src/core/random.js';
import { createPlaneState, thetaOf } from '../src/core/training/plane-state.js';
import { trainLoop } from '../src/core/training/loop.js';
import { gridPoints } from '../src/core/plane/grid.js';
import { initBackend, type BackendName } from '../src/node/backend.js';
import { createWorkerPool, defaultWorkers, type PoolStepTiming } from '../src/node/parallel/pool.js';
import { chunkSizeFor } from '../src/node/run/setup.js';
import { resolveConfig } from '../src/core/config.js';
import { stepOptionsOf } from '../src/core/session/options.js';

/** The standard workloads (the same work as ../shared/bench/torch_reference.py's). */
export const WORKLOADS = {
  paper: { model: 'cnn', cells: 50, batch: 512, iters: 3, quickIters: 1, ref: ['--model', 'conv', '--cells', '50', '--batch', '512', '--iters', '5'],
    quickRef: ['--iters', '2'] },
  reduced: { model: 'cnn', cells: 10, batch: 128, iters: 10, quickIters: 3,
    ref: ['--model', 'conv', '--cells', '10', '--batch', '128', '--iters', '20', '--warmup', '3'], quickRef: ['--iters', '5', '--warmup', '1'] },
  mlp: { model: 'mlp', cells: 50, batch: 512, iters: 10, quickIters: 3,
    ref: ['--model', 'mlp', '--cells', '50', '--batch', '512', '--iters', '20', '--warmup', '3'], quickRef: ['--iters', '5', '--warmup', '1'] },
  landscape: { model: 'cnn', cells: 0, batch: 1000, iters: 1, quickIters: 1, ref: ['--model', 'conv', '--eval-grid', '20', '--eval-images', '1000'],
    quickRef: ['--eval-grid', '8'] },
  bn: { model: 'bn-cnn', cells: 2, batch: 128, iters: 2, quickIters: 1, ref: ['--model', 'bn', '--cells', '2', '--batch', '128', '--iters', '2'],
    quickRef: ['--iters', '1'] },
} as const;
export type WorkloadName = keyof typeof WORKLOADS;

/** Backends a workload can run on (`webgpu` is started by `initBackend` where a GPU adapter exists). */
export const WORKLOAD_BACKENDS = ['wasm', 'webgpu', 'cpu'] as const;

/** Options of one workload run, as parsed from its command line by {@link parseWorkloadArgs}. */
export interface WorkloadArgs {
  name: WorkloadName;
  quick: boolean;
  backend: (typeof WORKLOAD_BACKENDS)[number];
  /** Worker threads (1: everything in this thread; always 1 for webgpu). */
  workers: number;
  /** Timed steps, or null for the workload's default. */
  iters: number | null;
  /** Landscape side in cells, or null for the default (20; 8 with --quick). */
  grid: number | null;
}

/** The value after flag `flag` in `argv` as a positive integer, or null when the flag is absent; throws on a bad value. */
function positiveInt(argv: string[], flag: string): number | null {
  const at = argv.indexOf(flag);
  if (at < 0) return null;
  const v = Number(argv[at + 1]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${flag} needs a positive integer, got ${String(argv[at + 1])}: pass e.g. ${flag} 4`);
  return v;
}

/**
 * Parses a workload command line (`argv` without node and the script): the workload name first,
 * then `--quick`, `--backend B`, `--workers N`, `--iters N`, `--grid N`. `defaultWorkers` is used
 * when `--workers` is absent; webgpu always gets 1 worker. Throws a one-line Error on bad input.
 */
export function parseWorkloadArgs(argv: string[], defaultWorkers: number): WorkloadArgs {
  const name = argv[0] as WorkloadName;
  if (!WORKLOADS[name]) throw new Error(`unknown workload ${String(name)}: use ${Object.keys(WORKLOADS).join(', ')}`);
  const bi = argv.indexOf('--backend');
  const backend = (bi >= 0 ? argv[bi + 1] : 'wasm') as WorkloadArgs['backend'];
  if (!WORKLOAD_BACKENDS.includes(backend)) throw new Error(`unknown backend ${String(backend)}: use ${WORKLOAD_BACKENDS.join(', ')}`);
  const workers = backend === 'webgpu' ? 1 : positiveInt(argv, '--workers') ?? defaultWorkers;
  return { name, quick: argv.includes('--quick'), backend, workers, iters: positiveInt(argv, '--iters'), grid: positiveInt(argv, '--grid') };
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main(): Promise<void> {
  const { name, quick, backend, workers, iters: itersArg, grid: gridArg } = parseWorkloadArgs(process.argv.slice(2), defaultWorkers());
  const w = WORKLOADS[name];
  await initBackend(backend as BackendName);
  const ctx = { inputShape: [28, 28, 1] as [number, number, number], numClasses: 10 };
  const model = createModel(w.model, ctx);
  const rng = createRng(0);
  const n = w.batch;
  const images = Float32Array.from({ length: n * 784 }, () => rng.next());
  const labels = Int32Array.from({ length: n }, () => rng.int(10));
  const state = createPlaneState(model, { seed: 0, scaleInit: 0.1 });
  const poolBackend = backend === 'cpu' ? 'cpu' : 'wasm';
  const pool = workers > 1
    ? await createWorkerPool({ workers, model: w.model, ctx, backend: poolBackend, train: { images, labels, shape: [n, 28, 28, 1] } })
    : null;
  const x = tf.tensor4d(images, [n, 28, 28, 1]);
  const out: Record<string, unknown> = { name, backend, workers };
  try {
    if (name === 'landscape') {
      const grid = gridArg ?? (quick ? 8 : 20);
      const { coords } = gridPoints({ height: grid, width: grid });
      const t0 = performance.now();
      if (pool) {
        await pool.addData('eval', { images, labels, shape: [n, 28, 28, 1] });
        await pool.evaluator(state, 'eval', { batchSize: 500, pointsPerPass: 1 })(coords);
      } else {
        const { frame, dispose } = computeFrame(thetaOf(model, state));
        await evaluatePoints(model, frame, coords, { x, labels }, { batchSize: 500, pointsPerPass: 1 });
        dispose();
      }
      const s = (performance.now() - t0) / 1000;
      Object.assign(out, { seconds: s / coords.length, total_seconds: s, cells: coords.length, unit: 's per cell', images_per_cell: n,
        images_per_s: (n * coords.length) / s });
    } else {
      // as `mpo fit` sizes it: memory-bounded on wasm and cpu, as large as the device allows on webgpu
      const chunkSize = await chunkSizeFor(model, w.batch, backend);
      const iters = itersArg ?? (quick ? w.quickIters : w.iters);
      // a 50x50 picture, half black and half white: each step samples w.cells of each, as the reference does
      const order = sampleWithoutReplacement(rng, 2500, 2500);
      const cells = { height: 50, width: 50, black: order.slice(0, 1250), white: order.slice(1250) };
      const times: number[] = [];
      const steps = trainLoop({
        model,
        state,
        cells,
        steps: iters + 1,
        data: { x, labels, numClasses: 10 },
        // the paper's protocol (lr 3e-4, clips 100 and 2.5) as a config, mapped to a step as mpo fit maps it
        step: stepOptionsOf(resolveConfig({ batchSize: n, cellsPerStep: w.cells, lr: 3e-4, gradClip: 100, whiteClip: 2.5 }), chunkSize),
        gradients: pool ? (s, sample, o) => pool.gradients(s, sample, o) : undefined,
      });
      const parts: PoolStepTiming[] = [];
      for await (const r of steps) {
        if (r.step === 1) continue; // the first step warms up
        times.push(r.stepSeconds);
        if (pool?.lastStep) parts.push(pool.lastStep);
      }
      Object.assign(out, { seconds: median(times), samples: times, unit: 's per step', chunk_size: chunkSize });
      // Where a pooled step's time went (medians, ms): the CPU-scaling measurement of issue 19.
      if (parts.length) {
        out.pool_ms = {
          share: median(parts.map((p) => p.shareMs)),
          wait: median(parts.map((p) => p.waitMs)),
          slowest_worker: median(parts.map((p) => Math.max(...p.workerMs))),
          mean_worker: median(parts.map((p) => p.workerMs.reduce((a, b) => a + b, 0) / p.workerMs.length)),
          reduce: median(parts.map((p) => p.reduceMs)),
          most_cells: Math.max(...parts[0]!.cells),
          least_cells: Math.min(...parts[0]!.cells),
        };
      }
    }
  } finally {
    await pool?.close();
  }
  out.max_rss_mb = Math.round(process.resourceUsage().maxRSS / 1024);
  out.tensors = tf.memory().numTensors;
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

// Run as a script (bench/workload.ts under tsx, workload.js in the GPU bundle), not when imported.
// A failure prints one line (what bench/gpu/table.ts records as the step's error) and exits 1.
if (/workload\.(ts|js)$/.test(process.argv[1] ?? '')) {
  try {
    await main();
  } catch (err) {
    const e = err as Error;
    process.stderr.write(`workload ${process.argv[2] ?? ''}: error: ${String(e?.message ?? e).split('\n')[0]}\n`);
    if (process.env.MPO_BENCH_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
    process.exit(1);
  }
}
