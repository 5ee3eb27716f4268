import { MpoError } from '../../core/errors.js';
import { CONFIG_KEYS, flagName, resolveConfig, type FitConfig } from '../../core/config.js';
import { inShard, type Shard } from '../jobs/shard.js';

/** `--shard i/N | auto | auto/N` is parsed beside the batch jobs (mpo gallery shards too); re-exported for the study's callers. */
export { parseShard, type Shard } from '../jobs/shard.js';

/**
 * The batch-norm study (section 4.2, Figures 3 and 4): random square masks with fill
 * probabilities p, fitted by the same 6-conv CNN without and with batch norm, several seeds
 * each (the seed sets the mask and the initialisation). One (model, p, seed) is one run.
 */

/** Scales of the study: the paper's settings, or one that finishes on a 2-core CPU. */
export type StudyScale = 'cpu' | 'paper';

/** The two models compared: identical but for batch norm. */
export interface StudyModels {
  /** Registry name of the model without batch norm. */
  readonly plain: string;
  /** Registry name of the model with batch norm (appendix C re-parametrisation). */
  readonly bn: string;
}

/** A scale: the models and the fit settings shared by every run. */
export interface ScaleSpec {
  /** One-line description for logs and reports. */
  readonly description: string;
  readonly models: StudyModels;
  /** Settings of every run; the study sets `model`, `randomMask` and `seed` per run. */
  readonly fit: Partial<FitConfig>;
}

/**
 * `cpu`: chosen by measuring pilot runs on a 2-core machine (WASM backend, one process per core)
 * so that the whole default study (9 fills x 5 seeds x 2 models = 90 runs) takes about an hour:
 * the reduced 6-conv pair of `src/core/models/study-models.ts` (input average-pooled to 7x7,
 * convs 4/4/16/16/32/32, dense 64), 8x8 masks (all cells trained), batch 16, 4 + 4 cells per
 * step, 400 steps of Adam at lr 2e-3 with cosine decay (the paper's 3e-4 learns too little in
 * so few steps), landscapes on 256 test (and 256 train) images without padding. The BN model's
 * landscapes are evaluated in batches of 16 too, with batch statistics like those of training.
 * Pilot at p = 0.5, seed 1: accuracy difference 0.13 without and 0.21 with BN after 400 steps.
 * The whole study took 54 s (without BN) and 93 s (with BN) of CPU per run on average: about
 * 55 minutes on two idle cores (docs/reproduction.md, "Batch-norm study").
 *
 * `paper`: the original code's study protocol (its `configs/random-squares.yml` and
 * `mask_trainer.py`), where the paper's text is silent or differs: 30x30 framed random squares
 * (`randomMaskFrame`: white border, black frame, random 26x26 interior) made ternary as the
 * original's `make_mask_ternary` (`ignoreInterior`: only boundary cells and the rim outside them are
 * trained), measured on the trained cells only (`measureTrainedOnly`), the full 6-conv pair (convs
 * 8/8/32/32/64/64, 28x28 inputs), batch 512, 50 + 50 cells per step, Adam lr 3e-4 (constant),
 * gradient norm clipped at 100, white-cell CE clipped at 5 (the paper's appendix B says 2.5, the
 * original's random-squares config 5), s initialised at 0.1, full FashionMNIST, landscapes on the
 * 10,000 test images. 11,800 steps: the original's 100 epochs at most of 118 batches of 512
 * (60,000 images, the last batch partial); the original also stopped a run early when the
 * black-minus-white validation accuracy stayed under 0.01 after 30 epochs, which we do not. BN scale
 * `original` (stored 0, +1 in the forward pass), as the code that produced Figure 4 did. One step
 * of the BN model took about 11 minutes in PyTorch on 2 cores, and the project's measurements
 * found TF.js's WASM heap (4 GiB) too small for the BN model at batch 512 (notes:
 * tfjs-on-this-machine): the scale is runnable in principle (e.g. with the `tensorflow` backend
 * and enough memory), not on a CPU. `mpo study bn --scale paper --dry-run` prints it.
 */
export const STUDY_SCALES: Readonly<Record<StudyScale, ScaleSpec>> = {
  cpu: {
    description: 'CPU scale: reduced 6-conv pair (7x7 input, convs 4/4/16/16/32/32), 8x8 masks, batch 16, 4+4 cells, 400 steps',
    models: { plain: 'plain-cnn6-small', bn: 'bn-cnn-small' },
    fit: {
      dataset: 'fashion-mnist-subset',
      patternSize: 8,
      batchSize: 16,
      cellsPerStep: 4,
      steps: 400,
      lr: 2e-3,
      lrSchedule: 'cosine',
      gradClip: 100,
      whiteClip: 2.5,
      scaleInit: 0.1,
      bnScale: 'paper',
      ignoreInterior: false,
      evalImages: 256,
      evalPadding: 0,
      evalResolution: 1,
      evalEvery: 0,
      logEvery: 10,
      checkpointEvery: 50,
      workers: 1,
    },
  },
  paper: {
    description: "the original code's protocol: 6-conv pair (convs 8/8/32/32/64/64), 30x30 framed ternary masks, "
      + 'batch 512, 50+50 cells, 11,800 steps, lr 3e-4, white clip 5, measured on trained cells',
    models: { plain: 'plain-cnn6', bn: 'bn-cnn' },
    fit: {
      dataset: 'fashion-mnist',
      patternSize: 30,
      batchSize: 512,
      cellsPerStep: 50,
      steps: 11800,
      lr: 3e-4,
      lrSchedule: 'constant',
      gradClip: 100,
      whiteClip: 5,
      scaleInit: 0.1,
      bnScale: 'original',
      ignoreInterior: true,
      randomMaskFrame: true,
      measureTrainedOnly: true,
      evalImages: 10000,
      evalPadding: 0,
      evalResolution: 1,
      evalEvery: 0,
      logEvery: 10,
      checkpointEvery: 5,
      workers: 1,
    },
  },
};

/** Default fill probabilities: 0.1, 0.2, ..., 0.9. */
export const DEFAULT_FILLS: readonly number[] = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((k) => k / 10);
/** Default number of seeds (1..5), as the paper's 5 runs. */
export const DEFAULT_SEEDS = 5;
/** Settings the study sets per run: overrides may not change them. */
const PER_RUN_KEYS: readonly (keyof FitConfig)[] = ['model', 'randomMask', 'seed', 'pattern'];

/** Everything that defines a study: written to `DIR/study.json`, equal for all shards. */
export interface StudyPlan {
  readonly study: 'bn';
  readonly scale: StudyScale;
  readonly models: StudyModels;
  /** Fill probabilities, ascending. */
  readonly fills: readonly number[];
  /** Seeds, ascending (1..n). */
  readonly seeds: readonly number[];
  /** The resolved fit settings of every run (before `model`, `randomMask`, `seed`). */
  readonly fit: FitConfig;
}

/** One run of the study. */
export interface StudyRun {
  /** Position in the plan's order (model, p, seed): shards take index mod N. */
  readonly index: number;
  /** Folder name under `DIR/runs/`: `<model>-p<p>-s<seed>`. */
  readonly name: string;
  readonly model: string;
  readonly p: number;
  readonly seed: number;
  /** The run's full config. */
  readonly config: FitConfig;
}

/** Options of {@link buildPlan}. */
export interface PlanOptions {
  /** Scale (default `cpu`). */
  readonly scale?: StudyScale;
  /** Fill probabilities (default 0.1..0.9). */
  readonly fills?: readonly number[];
  /** Number of seeds, 1..n (default 5). */
  readonly seeds?: number;
  /** Fit settings applied on top of the scale's (not `model`, `randomMask`, `seed`, `pattern`). */
  readonly overrides?: Partial<FitConfig>;
}

/** p as written in folder names and CSV files: the shortest decimal form (0.1, 0.25). */
export function formatFill(p: number): string {
  return String(p);
}

/** Parses `--fills` ("0.1,0.3,0.5"): distinct numbers strictly between 0 and 1, returned ascending. */
export function parseFills(text: string): number[] {
  const parts = String(text).split(',').map((s) => s.trim());
  const out: number[] = [];
  for (const s of parts) {
    const v = s === '' ? NaN : Number(s);
    if (!(v > 0 && v < 1)) throw new MpoError(`--fills has "${s}": give fill probabilities strictly between 0 and 1, comma-separated, e.g. 0.1,0.5,0.9`);
    if (out.includes(v)) throw new MpoError(`--fills lists ${s} twice: give each fill probability once`);
    out.push(v);
  }
  return out.sort((a, b) => a - b);
}

/** Parses `--seeds` (a count n >= 1: seeds 1..n). */
export function parseSeeds(text: string): number {
  const v = Number(String(text).trim());
  if (!Number.isInteger(v) || v < 1 || v > 1000) throw new MpoError(`--seeds is "${text}": give the number of seeds, a whole number in 1..1000 (e.g. 5)`);
  return v;
}

/** Builds the study's plan: checks the options and resolves every run's settings. */
export function buildPlan(opts: PlanOptions = {}): StudyPlan {
  const scale = opts.scale ?? 'cpu';
  const spec = STUDY_SCALES[scale];
  if (!spec) throw new MpoError(`--scale is "${scale}": choose one of ${Object.keys(STUDY_SCALES).join(', ')}`);
  const overrides = opts.overrides ?? {};
  for (const k of Object.keys(overrides)) {
    if (PER_RUN_KEYS.includes(k as keyof FitConfig)) throw new MpoError(`the study sets "${flagName(k)}" per run: remove it from the study's settings`);
    if (!CONFIG_KEYS.includes(k as keyof FitConfig)) throw new MpoError(`unknown setting "${k}" in the study's settings: use the keys of mpo fit --help`);
  }
  const fills = [...(opts.fills ?? DEFAULT_FILLS)].sort((a, b) => a - b);
  if (fills.length === 0) throw new MpoError('the study has no fill probabilities: pass --fills, e.g. 0.1,0.5,0.9');
  const n = opts.seeds ?? DEFAULT_SEEDS;
  if (!Number.isInteger(n) || n < 1) throw new MpoError(`the study needs at least one seed, got ${n}: pass --seeds 5`);
  const fit = resolveConfig(spec.fit, overrides, { randomMask: null });
  return { study: 'bn', scale, models: spec.models, fills, seeds: Array.from({ length: n }, (_, i) => i + 1), fit };
}

/** The runs of a plan in order (model without BN first, then p, then seed). */
export function planRuns(plan: StudyPlan): StudyRun[] {
  const runs: StudyRun[] = [];
  for (const model of [plan.models.plain, plan.models.bn]) {
    for (const p of plan.fills) {
      for (const seed of plan.seeds) {
        runs.push({
          index: runs.length,
          name: `${model}-p${formatFill(p)}-s${seed}`,
          model,
          p,
          seed,
          config: { ...plan.fit, model, randomMask: p, seed },
        });
      }
    }
  }
  return runs;
}

/** The runs of one shard: those whose index mod N is i - 1 (`--shard i/N`, or `auto` in a job array: src/node/jobs/shard.ts). */
export function shardRuns(runs: readonly StudyRun[], shard: Shard): StudyRun[] {
  return runs.filter((r) => inShard(r.index, shard));
}

/**
 * One line naming the study's protocol as it will run (`--config` overrides included, unlike the
 * scale's fixed description): scale, the two models, mask size and kind, batch, cells per step,
 * steps, learning rate, white-cell clip and initialisation. Used in logs and the report's subtitle.
 */
export function planHeadline(plan: StudyPlan): string {
  const f = plan.fit;
  const mask = `${f.patternSize}x${f.patternSize} ${f.randomMaskFrame ? 'framed ' : ''}${f.ignoreInterior ? 'ternary ' : ''}masks`;
  return `${plan.scale} scale: ${plan.models.plain} vs ${plan.models.bn}, ${mask}, batch ${f.batchSize}, ` +
    `${f.cellsPerStep}+${f.cellsPerStep} cells, ${f.steps} steps, lr ${f.lr} ${f.lrSchedule}, white clip ${f.whiteClip}, ${f.init} init`;
}

/** The settings `--dry-run` lists, in this order (the rest are in `study.json`). */
const DRY_RUN_KEYS: readonly (keyof FitConfig)[] = ['dataset', 'patternSize', 'randomMaskFrame', 'ignoreInterior', 'measureTrainedOnly', 'init', 'steps',
  'batchSize', 'cellsPerStep', 'lr', 'lrSchedule', 'gradClip', 'whiteClip', 'scaleInit', 'bnScale', 'evalImages', 'backend'];

/**
 * The plan as text, without running anything (`mpo study bn --dry-run`): the scale, models,
 * fills, seeds and number of runs, the settings that define the protocol (steps, batch, white
 * clip, framed ternary masks, ...) and the first run's full command line.
 */
export function describePlan(plan: StudyPlan): string {
  const runs = planRuns(plan);
  const fit = plan.fit as unknown as Record<string, unknown>;
  const lines = [
    `study bn, scale ${plan.scale}: ${STUDY_SCALES[plan.scale].description} (the settings below include any --config overrides)`,
    `models: ${plan.models.plain} (no batch norm) and ${plan.models.bn} (batch norm)`,
    `fills: ${plan.fills.map(formatFill).join(', ')}; seeds: ${plan.seeds.join(', ')}; ${runs.length} runs`,
    `masks: ${plan.fit.patternSize}x${plan.fit.patternSize} ${
      plan.fit.randomMaskFrame ? 'framed random squares (white border, black frame, random interior)' : 'random squares (every cell drawn)'
    }`
    + `, ${plan.fit.ignoreInterior ? 'ternary (only boundary cells and the rim outside them trained)' : 'every cell trained'}`
    + `, measured on ${plan.fit.measureTrainedOnly ? 'the trained cells only' : 'every cell'}`,
    'settings:',
    ...DRY_RUN_KEYS.map((k) => `  --${flagName(k).padEnd(22)} ${String(fit[k])}`),
    `first run: mpo fit --model ${runs[0].model} --random-mask ${formatFill(runs[0].p)} --seed ${runs[0].seed} (plus the settings above)`,
  ];
  return lines.join('\n') + '\n';
}
