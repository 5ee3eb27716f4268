import * as tf from '@tensorflow/tfjs-core';
import { type EvalData, type Session } from '../../src/core/index.js';
import type { LandscapeInfo, PatternData, Settings } from './protocol.js';
import type { TestData } from './worker-setup.js';

/** Test images of each landscape: a few hundred keep an MLP evaluation well under a second. */
const EVAL_IMAGES: Record<Settings['model'], number> = { mlp: 300, cnn: 100 };
/** The landscape is re-evaluated when this long has passed since the last one, and at least 3x its duration (training keeps >= 3/4 of the time). */
const MIN_EVAL_INTERVAL_MS = 700;

const macrotask = () => new Promise<void>((r) => setTimeout(r, 0));

/** Runs `fn` on the first test images of the model's landscape (their own tensor, freed afterwards). */
export async function withEvalData<T>(test: TestData, model: Settings['model'], fn: (d: EvalData) => Promise<T>): Promise<T> {
  const n = Math.min(EVAL_IMAGES[model], test.labels.length);
  const x = tf.slice(test.x, 0, n) as tf.Tensor4D;
  try {
    return await fn({ x, labels: test.labels.subarray(0, n) });
  } finally {
    x.dispose();
  }
}

/** Evaluates landscapes and says when the next one is due. */
export interface LandscapeWatch {
  /** The test landscape of the session over the target's cells, with the untrained plane's AUC. */
  evaluate(session: Session, test: TestData, settings: Settings, pattern: PatternData): Promise<LandscapeInfo>;
  /** Whether a landscape is due at time `now` (ms). */
  due(now: number): boolean;
}

/** A {@link LandscapeWatch} that yields to the worker's messages every 40 ms of evaluation. */
export function createLandscapeWatch(): LandscapeWatch {
  const timing = { end: 0, ms: 0 };
  let untrained: { key: string; auc: number; } | null = null;
  return {
    async evaluate(session, test, settings, pattern) {
      const t0 = performance.now();
      let lastYield = t0;
      const onProgress = async () => {
        if (performance.now() - lastYield > 40) {
          await macrotask();
          lastYield = performance.now();
        }
      };
      const run = (untrainedPlane: boolean) => withEvalData(test, settings.model, (d) => session.evaluate(d, { untrained: untrainedPlane, onProgress }));
      const { landscape: land, metrics: m } = await run(false);
      const { depth = 1, height, width, cells } = pattern;
      const key = `${settings.model}|${settings.seed}|${settings.scaleInit}|${settings.manifold}|${depth}x${height}x${width}:${cells.join('')}`;
      if (untrained?.key !== key) untrained = { key, auc: session.state.step === 0 ? m.auc : (await run(true)).metrics.auc };
      timing.ms = performance.now() - t0;
      timing.end = performance.now();
      const images = Math.min(EVAL_IMAGES[settings.model], test.labels.length);
      return { step: session.state.step, dims: session.state.dims, slices: land.slices ?? 1, rows: land.rows, cols: land.cols, loss: land.loss, acc: land.acc,
        auc: m.auc, untrainedAuc: untrained.auc, accBlack: m.accBlack, accWhite: m.accWhite, images, seconds: timing.ms / 1000 };
    },
    due: (now) => now - timing.end >= Math.max(MIN_EVAL_INTERVAL_MS, 3 * timing.ms),
  };
}
