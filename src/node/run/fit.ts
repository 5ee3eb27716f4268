import * as tf from '../tf-node.js';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MpoError } from '../../core/errors.js';
import type { FitConfig } from '../../core/config.js';
import { computeFrame } from '../../core/plane/manifold.js';
import { evaluateLandscape, type EvalData } from '../../core/landscape/evaluate.js';
import { patternMetrics } from '../../core/landscape/metrics.js';
import type { Model } from '../../core/models/model.js';
import { createPlaneState, disposePlaneState, stateFromValues, stateValues, thetaOf, type PlaneState } from '../../core/training/plane-state.js';
import { applyStep, localGradients, sampleStep } from '../../core/training/step.js';
import { initBackend } from '../backend.js';
import { loadCheckpoint, saveCheckpoint } from '../checkpoint.js';
import { writeJsonAtomic } from '../output/atomic.js';
import { createProgress } from '../progress.js';
import { defaultChunkSize, headOf, loadRunData, modelContextOf, modelOf, runPatternOf, toDevice, type RunPattern } from './setup.js';
import { createWorkerPool, defaultWorkers, type WorkerPool } from '../parallel/pool.js';
import { writeFinalOutputs, writePatternOutputs, type RunSummary } from './outputs.js';

/** Options of {@link runFit} beyond the config. */
export interface FitRunOptions {
  /** Output folder. */
  readonly out: string;
  /** Continue the run in `out` from its checkpoint (the config is read from `out/config.json`). */
  readonly resume?: boolean;
  /** Stop after this many steps of this invocation (for tests of resume); the run stays resumable. */
  readonly stopAfter?: number;
  /** Ends the run early (checkpoint saved, no final outputs, returns null) when it returns true for a metrics line. */
  readonly stopWhen?: (line: Record<string, number>) => boolean;
  /** No progress output. */
  readonly quiet?: boolean;
  /** Receives log lines (default: stderr). */
  readonly log?: (line: string) => void;
}

/** File names inside a run folder. */
export const RUN_FILES = {
  config: 'config.json',
  checkpoint: 'checkpoint.mpo',
  metrics: 'metrics.jsonl',
  summary: 'summary.json',
  report: 'report.html',
} as const;

/** Learning rate at `step` (0-based) of `steps` under the config's schedule. */
export function learningRate(config: FitConfig, step: number): number {
  if (config.lrSchedule === 'cosine') return config.lr * (0.1 + 0.9 * 0.5 * (1 + Math.cos((Math.PI * step) / Math.max(1, config.steps))));
  return config.lr;
}

/** Quick test-set AUC and accuracy difference on the pattern's cells (no padding). */
async function quickEval(model: Model, state: PlaneState, rp: RunPattern, data: EvalData, batchSize: number, pool: WorkerPool | null) {
  const { frame, dispose } = computeFrame(thetaOf(model, state));
  const pointsPerPass = model.forwardPoints ? 32 : 1;
  try {
    const land = await evaluateLandscape(model, frame, data, { height: rp.pattern.height, width: rp.pattern.width, batchSize, pointsPerPass },
      pool?.evaluator(state, 'quick', { batchSize, pointsPerPass }));
    return patternMetrics(land, rp.pattern);
  } finally {
    dispose();
  }
}

function prepareOutDir(out: string, resume: boolean): void {
  if (resume) {
    if (!existsSync(join(out, RUN_FILES.config))) throw new MpoError(`"${out}" has no ${RUN_FILES.config}: --resume takes the output folder of an earlier mpo fit`);
    if (!existsSync(join(out, RUN_FILES.checkpoint))) throw new MpoError(`"${out}" has no checkpoint yet: start the run again without --resume`);
    return;
  }
  if (existsSync(out) && readdirSync(out).length > 0) {
    const done = existsSync(join(out, RUN_FILES.summary));
    throw new MpoError(`output folder "${out}" is not empty${done ? ' (it holds a finished run)' : ''}: choose another --out` +
      `${done ? '' : `, or continue that run with mpo fit --resume ${out}`}`);
  }
  mkdirSync(out, { recursive: true });
}

/** Keeps the metrics lines of steps <= `step` (the rest came after the checkpoint). */
function truncateMetrics(path: string, step: number): void {
  if (!existsSync(path)) return;
  const keep = readFileSync(path, 'utf8').split('\n').filter((l) => {
    if (!l.trim()) return false;
    try { return (JSON.parse(l) as { step: number }).step <= step; } catch { return false; }
  });
  writeJsonAtomicText(path, keep.map((l) => `${l}\n`).join(''));
}

function writeJsonAtomicText(path: string, text: string): void {
  rmSync(path, { force: true });
  if (text) appendFileSync(path, text);
}

/**
 * Fits a plane to a pattern: trains, checkpoints atomically every `checkpointEvery` steps and on
 * Ctrl-C, then evaluates the train and test landscapes and writes pictures, grids, metrics,
 * `report.html` and, last, `summary.json` (so a folder without it is not a finished run).
 */
export async function runFit(configIn: FitConfig, opts: FitRunOptions): Promise<RunSummary | null> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const out = resolve(opts.out);
  prepareOutDir(out, !!opts.resume);
  const config = configIn;
  const backend = await initBackend(config.backend);
  const rp = runPatternOf(config);
  const { train, test } = await loadRunData(config, (l) => log(l));
  const model = modelOf(config, train);
  const workers = config.workers ?? defaultWorkers();
  if (!opts.resume) {
    writeJsonAtomic(join(out, RUN_FILES.config), {
      ...config,
      workers,
      provenance: {
        tool: 'mpo 0.1.0', backend, node: process.version, created: new Date().toISOString(),
        trainSource: train.source, testSource: test.source, trainImages: train.n, testImages: test.n,
        trainedCells: { black: rp.black.length, white: rp.white.length }, patternName: rp.pattern.name,
      },
    });
    writePatternOutputs(out, rp);
  }
  const trainDev = toDevice(train);
  const testDev = toDevice(test);
  let state: PlaneState;
  let elapsed = 0;
  if (opts.resume) {
    const c = loadCheckpoint(join(out, RUN_FILES.checkpoint));
    if (c.model !== model.name) throw new MpoError(`checkpoint in "${out}" is for model ${c.model}, config says ${model.name}: do not edit config.json of a run`);
    state = stateFromValues(model.params, c.theta, c.dims, c.rng, c.step, c.adam);
    elapsed = Number(c.extra?.seconds ?? 0);
    truncateMetrics(join(out, RUN_FILES.metrics), c.step);
    log(`resuming "${out}" at step ${c.step} of ${config.steps}`);
  } else {
    state = createPlaneState(model, { seed: config.seed, scaleInit: config.scaleInit });
  }
  const save = () => saveCheckpoint(join(out, RUN_FILES.checkpoint), {
    model: model.name, dims: state.dims, step: state.step, rng: state.rng.state(),
    theta: stateValues(state).theta, adam: { step: state.adam.step, m: stateValues(state).adamM, v: stateValues(state).adamV },
    extra: { seconds: elapsed },
  });
  let interrupted = false;
  const onSigint = () => { interrupted = true; };
  process.on('SIGINT', onSigint);
  const quick = headOf(testDev, config.quickEvalImages);
  const pool = workers > 1 ? await createWorkerPool({
    workers, model: config.model, ctx: modelContextOf(config, train), backend: config.backend, dims: state.dims, train: trainDev.plain,
  }) : null;
  if (pool) await pool.addData('quick', quick.plain);
  const chunkSize = config.chunkSize ?? defaultChunkSize(model, config.batchSize);
  const progress = createProgress({ label: 'fit', total: config.steps, quiet: opts.quiet });
  const startStep = state.step;
  try {
    progress.update(state.step);
    let t0 = performance.now();
    while (state.step < config.steps) {
      await new Promise((r) => setImmediate(r)); // let Ctrl-C (SIGINT) be seen between steps
      if (interrupted) {
        save();
        progress.stop();
        throw new MpoError(`interrupted at step ${state.step}; the checkpoint is saved: continue with mpo fit --resume ${out}`, 130);
      }
      if (opts.stopAfter !== undefined && state.step - startStep >= opts.stopAfter) {
        save();
        progress.stop();
        return null;
      }
      const stepOpts = {
        batchSize: config.batchSize, blackPerStep: config.cellsPerStep, whitePerStep: config.cellsPerStep,
        lr: learningRate(config, state.step), gradClip: config.gradClip, whiteClip: config.whiteClip, chunkSize,
      };
      const data = { x: trainDev.x, labels: trainDev.labels, numClasses: trainDev.numClasses };
      const sample = sampleStep(state, trainDev.n, { height: rp.pattern.height, width: rp.pattern.width, black: rp.black, white: rp.white }, stepOpts);
      const grads = pool ? await pool.gradients(state, sample, stepOpts) : localGradients(model, state, data, sample, stepOpts);
      const st = applyStep(state, sample, grads, stepOpts);
      const now = performance.now();
      elapsed += (now - t0) / 1000;
      t0 = now;
      const line: Record<string, number> = {
        step: st.step, loss: st.loss, ce_black: st.ceBlack, ce_white: st.ceWhite, grad_norm: st.gradNorm, scale: st.scale,
        lr: learningRate(config, st.step - 1), seconds: Number(elapsed.toFixed(3)),
      };
      let status = `loss ${st.loss.toFixed(3)}`;
      if (config.evalEvery > 0 && (st.step % config.evalEvery === 0 || st.step === config.steps)) {
        const m = await quickEval(model, state, rp, quick, config.batchSize, pool);
        Object.assign(line, { auc_test_quick: m.auc, acc_diff_test_quick: m.accDiff });
        status += ` auc ${m.auc.toFixed(3)}`;
        t0 = performance.now();
      }
      if (st.step % config.logEvery === 0 || line.auc_test_quick !== undefined || st.step === config.steps) {
        appendFileSync(join(out, RUN_FILES.metrics), `${JSON.stringify(line)}\n`);
      }
      if (st.step % config.checkpointEvery === 0 || st.step === config.steps) save();
      progress.update(st.step, status);
      if (opts.stopWhen?.(line)) {
        save();
        progress.stop();
        return null;
      }
    }
    progress.stop();
    process.off('SIGINT', onSigint);
    return await writeFinalOutputs({ out, config, model, state, rp, train: trainDev, test: testDev, seconds: elapsed, backend, quiet: opts.quiet, log, pool });
  } catch (e) {
    progress.stop();
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
    quick.x.dispose();
    await pool?.close();
    trainDev.x.dispose();
    testDev.x.dispose();
    disposePlaneState(state);
  }
}
