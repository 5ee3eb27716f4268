import { check } from '../errors.js';
import type { PatternMetrics } from '../landscape/metrics.js';
import type { Model } from '../models/model.js';
import type { PlaneState } from './plane-state.js';
import { applyStep, localGradients, sampleStep, type StepGradients, type StepOptions, type StepSample, type StepStats, type TrainCells,
  type TrainData } from './step.js';

/** Learning-rate schedules: `constant`, or `cosine` decay from lr to 10% of lr over the run. */
export type LrSchedule = 'constant' | 'cosine';

/** Learning rate at `step` (0-based) of a `steps`-step run under `schedule`. */
export function learningRate(lr: number, schedule: LrSchedule, step: number, steps: number): number {
  if (schedule === 'cosine') return lr * (0.1 + 0.9 * 0.5 * (1 + Math.cos((Math.PI * step) / Math.max(1, steps))));
  return lr;
}

/** Computes a step's gradients: in this thread by default, or by a pool of workers. */
export type GradientSource = (state: PlaneState, sample: StepSample, opts: Pick<StepOptions, 'whiteClip' | 'chunkSize'>) => StepGradients | Promise<
  StepGradients
>;

/** The periodic quick evaluation of a training loop. */
export interface QuickEval {
  /** Evaluate after every `every` steps (and after the last step); 0 = never. */
  readonly every: number;
  /** Measures the current plane (the session's quick evaluation: its landscape over the target's cells). */
  readonly run: (state: PlaneState) => Promise<PatternMetrics>;
}

/** Options of {@link trainLoop}. Every field of `step` except `lr` is part of a run's config. */
export interface LoopOptions {
  readonly model: Model;
  /** The plane being trained; the loop advances `state.step` until it reaches `steps`. */
  readonly state: PlaneState;
  /** Training images on the device. */
  readonly data: TrainData;
  /** The pattern's trained cells. */
  readonly cells: TrainCells;
  /** Total steps of the run (the loop continues from `state.step`). */
  readonly steps: number;
  /** Step hyper-parameters; `lr` is the base rate of the schedule. */
  readonly step: StepOptions;
  /** Learning-rate schedule (default constant). */
  readonly lrSchedule?: LrSchedule;
  /** Stops the loop between steps: the generator then returns (the state is consistent, save it). */
  readonly signal?: AbortSignal;
  /** Where gradients are computed (default {@link localGradients} in this thread). */
  readonly gradients?: GradientSource;
  /** Periodic quick evaluation, whose time is not counted in `seconds`. */
  readonly quick?: QuickEval;
  /** Training seconds already spent (a resumed run). */
  readonly startSeconds?: number;
  /** Awaited between steps so that the host can see events (Ctrl-C in Node, messages in a worker). Default: a macrotask. */
  readonly pause?: () => Promise<void>;
}

/** What one step of {@link trainLoop} reports. */
export interface StepResult extends StepStats {
  /** Learning rate the step used. */
  readonly lr: number;
  /** Training seconds so far (quick evaluations excluded). */
  readonly seconds: number;
  /** Wall seconds of this step's gradient work and update. */
  readonly stepSeconds: number;
  /** The quick evaluation, on steps where it ran. */
  readonly quick?: PatternMetrics;
  /** True on the run's last step. */
  readonly last: boolean;
}

const macrotask = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/**
 * The MPO training loop, the one used by `mpo fit`, the study, the gallery, the bench and the
 * browser worker: samples each step's batch and cells, gets the gradient of eq. 3 (here or from
 * workers), clips it and applies Adam with the learning-rate schedule, and yields what the step
 * measured. Runs until `state.step === steps` or `signal` aborts (checked before every step).
 * Throws an MpoError when training diverges (theta is left as it was before that step).
 */
export async function* trainLoop(opts: LoopOptions): AsyncGenerator<StepResult, void, void> {
  const { model, state, data, cells, steps } = opts;
  check(Number.isInteger(steps) && steps >= 0, `steps must be a whole number >= 0, got ${steps}`);
  const gradients = opts.gradients ?? ((s, sample, o) => localGradients(model, s, data, sample, o));
  const pause = opts.pause ?? macrotask;
  let seconds = opts.startSeconds ?? 0;
  while (state.step < steps) {
    await pause();
    if (opts.signal?.aborted) return;
    const t0 = performance.now();
    const lr = learningRate(opts.step.lr, opts.lrSchedule ?? 'constant', state.step, steps);
    const stepOpts: StepOptions = { ...opts.step, lr };
    const sample = sampleStep(state, data.labels.length, cells, stepOpts);
    const stats = await applyStep(state, sample, await gradients(state, sample, stepOpts), stepOpts);
    const stepSeconds = (performance.now() - t0) / 1000;
    seconds += stepSeconds;
    const last = state.step === steps;
    const every = opts.quick?.every ?? 0;
    const quick = opts.quick && every > 0 && (state.step % every === 0 || last) ? await opts.quick.run(state) : undefined;
    yield { ...stats, lr, seconds, stepSeconds, quick, last };
  }
}
