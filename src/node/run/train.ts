import { join, resolve } from 'node:path';
import type { FitConfig } from '../../core/config.js';
import { MpoError } from '../../core/errors.js';
import { checkpointOf } from '../../core/io/checkpoint.js';
import { computeFrame } from '../../core/plane/manifold.js';
import { evaluatePoints } from '../../core/landscape/evaluate.js';
import { createPlaneState, disposePlaneState, thetaOf } from '../../core/training/plane-state.js';
import { saveCheckpoint } from '../checkpoint.js';
import { writeJsonAtomic } from '../output/atomic.js';
import { writeReport } from '../output/report.js';
import { defaultChunkSize, headOf } from './setup.js';
import { openNetworkSession, trainNetwork } from './network.js';
import { inEmptyFolder, RUN_FILES, STOPPED_RUNS } from './folder.js';

/** The settings `mpo train` uses (the rest of the table is about patterns and planes). */
export const TRAIN_KEYS = ['model', 'bnScale', 'init', 'dataset', 'dataDir', 'trainImages', 'steps', 'batchSize', 'lr', 'lrSchedule', 'gradClip', 'seed',
  'evalImages', 'logEvery', 'backend'] as const;

/** The numbers of a trained network, written as `summary.json`. */
export interface TrainSummary {
  test_loss: number;
  test_acc: number;
  train_loss: number;
  train_acc: number;
  /** Baseline that needs no training: the loss of a uniform prediction, ln(classes). */
  uniform_loss: number;
  /** Baseline: accuracy of guessing, 1 / classes. */
  chance_acc: number;
  steps: number;
  seconds: number;
  model: string;
  dataset: string;
  seed: number;
}

/** A folder of `mpo train` stopped before its checkpoint (config and metrics only) starts afresh. */

/**
 * Trains one ordinary network with Adam (`mpo train`): a 0-dimensional manifold (only w_O, no
 * directions) trained by the one `trainLoop` on a one-cell black pattern, so each step is plain
 * mini-batch cross-entropy. Holds the lock of `out` (src/node/run/lock.ts); a folder stopped
 * before its checkpoint starts afresh ({@link inEmptyFolder}). Writes `config.json`,
 * `checkpoint.mpo` (what `mpo view` and `mpo connect` read), `metrics.jsonl`, `report.html` and,
 * last, `summary.json`.
 */
export async function runTrain(config: FitConfig,
  opts: { out: string; quiet?: boolean; log?: (l: string) => void; signal?: AbortSignal; }): Promise<TrainSummary> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const out = resolve(opts.out);
  return inEmptyFolder(out, { command: 'mpo train', log, stopped: STOPPED_RUNS.train }, () => trainIn(out, config, opts, log));
}

async function trainIn(out: string, config: FitConfig, opts: { quiet?: boolean; signal?: AbortSignal; }, log: (l: string) => void): Promise<TrainSummary> {
  const s = await openNetworkSession(config, log);
  const { model, train, test } = s;
  const state = createPlaneState(model, { seed: config.seed, scaleInit: 1, dims: 0, init: config.init });
  try {
    writeJsonAtomic(join(out, RUN_FILES.config), {
      ...Object.fromEntries(TRAIN_KEYS.map((k) => [k, config[k]])),
      provenance: { tool: 'mpo 0.1.0', command: 'train', backend: s.backend, node: process.version, created: new Date().toISOString(),
        trainSource: train.source, testSource: test.source },
    });
    const batchSize = Math.min(config.batchSize, train.n);
    const { seconds, curve } = await trainNetwork({
      model,
      state,
      train,
      config,
      metricsPath: join(out, RUN_FILES.metrics),
      label: 'train',
      quiet: opts.quiet,
      signal: opts.signal,
      chunkSize: defaultChunkSize(model, batchSize),
    });
    saveCheckpoint(join(out, RUN_FILES.checkpoint), await checkpointOf(model, state, { seconds, command: 'train' }));
    if (opts.signal?.aborted) {
      throw new MpoError(`interrupted at step ${state.step}: the network so far is saved in ${out}; train again with more --steps`, 130);
    }
    const { frame, dispose } = computeFrame(thetaOf(model, state));
    const trainSub = headOf(train, config.evalImages);
    let te, tr;
    try {
      const bs = model.usesBatchStats ? batchSize : 1000;
      te = await evaluatePoints(model, frame, [[]], test, { batchSize: bs });
      tr = await evaluatePoints(model, frame, [[]], trainSub, { batchSize: bs });
    } finally {
      trainSub.x.dispose();
      dispose();
    }
    const summary: TrainSummary = {
      test_loss: te.loss[0],
      test_acc: te.acc[0],
      train_loss: tr.loss[0],
      train_acc: tr.acc[0],
      uniform_loss: Math.log(train.numClasses),
      chance_acc: 1 / train.numClasses,
      steps: state.step,
      seconds: Number(seconds.toFixed(2)),
      model: model.name,
      dataset: config.dataset,
      seed: config.seed,
    };
    writeReport(join(out, RUN_FILES.report), {
      title: `mpo train: ${model.name} on ${config.dataset}`,
      subtitle: `${state.step} steps, seed ${config.seed}, ${test.n} test images`,
      summary: [
        { label: 'test loss', value: summary.test_loss, hint: `uniform prediction: ${summary.uniform_loss.toFixed(3)}` },
        { label: 'test accuracy', value: summary.test_acc, hint: `chance: ${summary.chance_acc}` },
        { label: 'train loss', value: summary.train_loss },
        { label: 'train accuracy', value: summary.train_acc },
        { label: 'training seconds', value: summary.seconds.toFixed(1) },
      ],
      figures: [],
      curves: [{ title: 'training loss (mini-batch cross-entropy)', xLabel: 'step', series: [{ name: 'loss', points: curve }] }],
      config,
    });
    writeJsonAtomic(join(out, RUN_FILES.summary), summary);
    return summary;
  } finally {
    disposePlaneState(state);
    s.close();
  }
}
