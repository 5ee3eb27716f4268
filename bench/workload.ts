/**
 * One benchmark workload in our engine, in its own process (so that its peak RSS is its own).
 * Usage: node --import tsx bench/workload.ts <paper|reduced|mlp|landscape|bn> [--quick] [--workers N]
 * Prints one JSON line: {name, seconds (median), samples, max_rss_mb, ...}.
 */
import * as tf from '../src/node/tf-node.js';
import { createModel } from '../src/core/models/registry.js';
import { computeFrame } from '../src/core/plane/manifold.js';
import { evaluatePoints } from '../src/core/landscape/evaluate.js';
import { createRng, sampleWithoutReplacement } from '../src/core/random.js';
import { createPlaneState, thetaOf } from '../src/core/training/plane-state.js';
import { trainLoop } from '../src/core/training/loop.js';
import { gridPoints } from '../src/core/plane/grid.js';
import { initBackend } from '../src/node/backend.js';
import { createWorkerPool, defaultWorkers } from '../src/node/parallel/pool.js';
import { defaultChunkSize } from '../src/node/run/setup.js';

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

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main(): Promise<void> {
  const name = process.argv[2] as WorkloadName;
  const quick = process.argv.includes('--quick');
  const wi = process.argv.indexOf('--workers');
  const workers = wi > 0 ? Number(process.argv[wi + 1]) : defaultWorkers();
  const w = WORKLOADS[name];
  if (!w) throw new Error(`unknown workload ${name}: use ${Object.keys(WORKLOADS).join(', ')}`);
  await initBackend('wasm');
  const ctx = { inputShape: [28, 28, 1] as [number, number, number], numClasses: 10 };
  const model = createModel(w.model, ctx);
  const rng = createRng(0);
  const n = w.batch;
  const images = Float32Array.from({ length: n * 784 }, () => rng.next());
  const labels = Int32Array.from({ length: n }, () => rng.int(10));
  const state = createPlaneState(model, { seed: 0, scaleInit: 0.1 });
  const pool = workers > 1 ? await createWorkerPool({ workers, model: w.model, ctx, backend: 'wasm', train: { images, labels, shape: [n, 28, 28, 1] } }) : null;
  const x = tf.tensor4d(images, [n, 28, 28, 1]);
  const out: Record<string, unknown> = { name, workers };
  try {
    if (name === 'landscape') {
      const grid = quick ? 8 : 20;
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
      Object.assign(out, { seconds: s / coords.length, total_seconds: s, cells: coords.length, unit: 's per cell' });
    } else {
      const chunkSize = defaultChunkSize(model, w.batch);
      const iters = quick ? w.quickIters : w.iters;
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
        step: { batchSize: n, blackPerStep: w.cells, whitePerStep: w.cells, lr: 3e-4, gradClip: 100, whiteClip: 2.5, chunkSize },
        gradients: pool ? (s, sample, o) => pool.gradients(s, sample, o) : undefined,
      });
      for await (const r of steps) if (r.step > 1) times.push(r.stepSeconds); // the first step warms up
      Object.assign(out, { seconds: median(times), samples: times, unit: 's per step', chunk_size: chunkSize });
    }
  } finally {
    await pool?.close();
  }
  out.max_rss_mb = Math.round(process.resourceUsage().maxRSS / 1024);
  out.tensors = tf.memory().numTensors;
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

if (process.argv[1]?.endsWith('workload.ts')) await main();
