/**
 * A session: one MPO run's model, manifold (a point, line, plane or volume: any d), target and
 * config, made once from a {@link FitConfig}, with the run's use cases written once for every
 * host (`mpo fit`, `mpo eval`, `mpo export`, the browser app): train, evaluate, the network at a
 * cell, export a cell, checkpoint and the config that reproduces the run. Scheduling, pausing,
 * files and the data themselves stay with the host.
 */
import * as tf from '../tf.js';
import { check, MpoError } from '../errors.js';
import type { FitConfig } from '../config.js';
import type { Model } from '../models/model.js';
import type { Pattern, TernaryMask } from '../pattern/pattern.js';
import { toTernary, trainedCells } from '../pattern/ternary.js';
import { cellCoordsOf, type CellShape } from '../plane/grid.js';
import { computeFrame, manifoldDims, pointAt } from '../plane/manifold.js';
import { readParamSet, type ParamValues } from '../plane/params.js';
import { checkpointOf, stateOfCheckpoint, type Checkpoint } from '../io/checkpoint.js';
import { exportLayersModel, type ExportLayersOptions, type LayersExport } from '../io/export-layers.js';
import { exportLayersNetwork, type LayersModel } from '../models/layers-model.js';
import { evaluateLandscape, type EvalData, type Landscape, type PointEvaluator } from '../landscape/evaluate.js';
import { manifoldPatternMetrics } from '../landscape/manifold-metrics.js';
import type { PatternMetrics } from '../landscape/metrics.js';
import { decorrelatedGradients } from '../training/decorrelate.js';
import { trainLoop, type GradientSource, type StepResult } from '../training/loop.js';
import { createPlaneState, disposePlaneState, thetaOf, type PlaneState } from '../training/plane-state.js';
import type { TrainCells, TrainData } from '../training/step.js';
import { cellPosition, checkCellIndex } from './cell.js';
import { defaultChunkSize, evalPassOf, stepOptionsOf, type EvalPass } from './options.js';

/** What a session is made of. */
export interface SessionSpec {
  /** The run's config (model, manifold, seed, scale, step settings, ...). */
  readonly config: FitConfig;
  /** The functional model, shaped for the data (`createModel(config.model, ...)`). */
  readonly model: Model;
  /** The target: a strip for a line, a picture for a plane, slices for a volume (a 1x1 black cell for one network). */
  readonly pattern: Pattern;
  /** Continue from (or look at) this checkpoint instead of initialising from `config.seed`. */
  readonly checkpoint?: Checkpoint;
  /** Manifold dimension when neither the checkpoint nor the config's manifold says (0: one network). */
  readonly dims?: number;
}

/** Where and how long a session trains: the host's part. */
export interface TrainHost {
  /** Training images and labels on the device. */
  readonly data: TrainData;
  /** Steps to reach (default `config.steps`; the learning-rate schedule spans them). */
  readonly steps?: number;
  /** Stops training between steps (the state is then consistent: checkpoint it). */
  readonly signal?: AbortSignal;
  /** Where gradients are computed (a worker pool); default this thread. `--regulariser decorrelate` always uses this thread. */
  readonly gradients?: GradientSource;
  /** Cells per gradient computation for the host's device, when the config does not say (default {@link defaultChunkSize}). */
  readonly chunkSize?: number;
  /** The periodic quick evaluation: every `every` steps on `data` (the pattern's cells, no padding). */
  readonly quick?: { readonly every: number; readonly data: EvalData; readonly evaluator?: (state: PlaneState, pass: EvalPass) => PointEvaluator; };
  /** Awaited between steps so the host sees its events (default: a macrotask). */
  readonly pause?: () => Promise<void>;
}

/** Options of {@link Session.evaluate}. */
export interface SessionEvalOptions {
  /** Cells of padding around the target (default 0). */
  readonly padding?: number;
  /** Grid points per cell along each axis (default 1). */
  readonly resolution?: number;
  /** Evaluate the plane the session started from (its seed), not the trained one: the untrained baseline. */
  readonly untrained?: boolean;
  /** Evaluates the points elsewhere (a worker pool). */
  readonly evaluator?: (state: PlaneState, pass: EvalPass) => PointEvaluator;
  /** Overrides images and points per pass (default {@link evalPassOf}). */
  readonly pass?: Partial<EvalPass>;
  /** Called after each pass (awaited: lets a UI repaint). */
  readonly onProgress?: (done: number, total: number) => void | Promise<void>;
}

/** A landscape and how well it draws the target. */
export interface Evaluation {
  readonly landscape: Landscape;
  readonly metrics: PatternMetrics;
}

/** A run's model, manifold, target and config, with its use cases. See {@link createSession}. */
export interface Session {
  readonly model: Model;
  /** The config (hyper-parameters change with {@link Session.update}). */
  readonly config: FitConfig;
  /** The target and its trained cells. */
  readonly pattern: Pattern;
  readonly mask: TernaryMask;
  readonly cells: TrainCells;
  /** Manifold dimension and the target's shape. */
  readonly shape: CellShape;
  /** theta, Adam's state, the generator and the step. */
  readonly state: PlaneState;
  /** Training seconds so far (a resumed run's included). */
  readonly seconds: number;
  /** Trains with the core's one loop ({@link trainLoop}), yielding what each step measured. */
  train(host: TrainHost): AsyncGenerator<StepResult, void, void>;
  /** The landscape over the target's cells (and padding) on `data`, with its metrics. */
  evaluate(data: EvalData, opts?: SessionEvalOptions): Promise<Evaluation>;
  /** The weights of the network at cell `cell` (index, slice-major then row-major), or of w_O (`null`), read asynchronously. */
  networkAt(cell: number | null): Promise<ParamValues>;
  /** Cell `cell` as a standalone TF.js Layers model (a built-in model, or a `--model` file's own topology), its position and coordinates in the metadata. */
  exportCell(cell: number, opts?: ExportLayersOptions): Promise<LayersExport>;
  /** The checkpoint of the state, with `seconds` and `extra` in its extras. */
  checkpoint(extra?: Record<string, unknown>): Promise<Checkpoint>;
  /** Changes settings that need no new plane (batch, cells per step, lr, clips); checked by the caller. */
  update(changes: Partial<FitConfig>): void;
  /** Replaces the target, of any size (the manifold stays: its cells are placed on it anew); training continues on it. */
  setPattern(pattern: Pattern): void;
  /** Frees the state's tensors. */
  dispose(): void;
}

/** Keys {@link Session.update} may change: what one step reads, nothing the plane is made of. */
const HYPER_KEYS = new Set<keyof FitConfig>(['batchSize', 'cellsPerStep', 'lr', 'lrSchedule', 'gradClip', 'whiteClip', 'chunkSize', 'steps', 'evalEvery']);

function cellsOf(pattern: Pattern, config: FitConfig): { mask: TernaryMask; cells: TrainCells; } {
  const mask = toTernary(pattern, { ignoreInterior: config.ignoreInterior });
  const { black, white } = trainedCells(mask);
  return { mask, cells: { depth: pattern.depth ?? 1, height: pattern.height, width: pattern.width, black, white } };
}

function stateOf(spec: SessionSpec, dims: number): PlaneState {
  const { model, config, checkpoint } = spec;
  if (!checkpoint) return createPlaneState(model, { seed: config.seed, scaleInit: config.scaleInit, dims, init: config.init });
  if (checkpoint.dims !== dims) {
    throw new MpoError(`the checkpoint holds a ${checkpoint.dims}-dimensional manifold, the config a ${dims}-dimensional one (--manifold ${config.manifold})`);
  }
  return stateOfCheckpoint(model, checkpoint); // (a checkpoint of another model: its one-line error)
}

/**
 * Makes the session of a run: the target's trained cells (`config.ignoreInterior`), and the
 * state from `spec.checkpoint` or, fresh, from the config's seed, scale and initialisation, with
 * d from the checkpoint, `spec.dims` or the config's manifold. A checkpoint of another model or
 * dimension is a one-line MpoError. A factory: the use cases share the state, the target and the
 * training seconds in its closure.
 */
export function createSession(spec: SessionSpec): Session {
  check(spec && spec.config && spec.model && spec.pattern, 'createSession: give config, model and pattern');
  let config = spec.config;
  const model = spec.model;
  const dims = spec.dims ?? manifoldDims(config.manifold);
  let pattern = spec.pattern;
  let { mask, cells } = cellsOf(pattern, config);
  const state = stateOf(spec, dims);
  let seconds = Number(spec.checkpoint?.extra?.seconds ?? 0) || 0;
  const shape = (): CellShape => ({ dims, depth: pattern.depth ?? 1, height: pattern.height, width: pattern.width });

  async function evaluate(data: EvalData, opts: SessionEvalOptions = {}): Promise<Evaluation> {
    const st = opts.untrained ? createPlaneState(model, { seed: config.seed, scaleInit: config.scaleInit, dims, init: config.init }) : state;
    const pass = { ...evalPassOf(model, config.batchSize), ...opts.pass };
    const { frame, dispose } = computeFrame(thetaOf(model, st));
    try {
      const landscape = await evaluateLandscape(model, frame, data, {
        height: pattern.height,
        width: pattern.width,
        depth: pattern.depth,
        dims,
        padding: opts.padding ?? 0,
        resolution: opts.resolution ?? 1,
        ...pass,
        onProgress: opts.onProgress,
      }, opts.evaluator?.(st, pass));
      return { landscape, metrics: manifoldPatternMetrics(landscape, pattern) };
    } finally {
      dispose();
      if (st !== state) disposePlaneState(st);
    }
  }

  async function networkAt(cell: number | null): Promise<ParamValues> {
    if (cell !== null) checkCellIndex(cell, shape());
    const coords = cell === null ? new Array<number>(dims).fill(0) : cellCoordsOf(cell, shape());
    const { frame, dispose } = computeFrame(thetaOf(model, state));
    try {
      const point = tf.tidy(() => pointAt(frame, coords));
      const values = await readParamSet(point);
      for (const k of Object.keys(point)) if (point[k] !== frame.origin[k]) point[k]!.dispose(); // at the centre the point is w_O itself
      return values;
    } finally {
      dispose();
    }
  }

  return {
    model,
    get config() {
      return config;
    },
    get pattern() {
      return pattern;
    },
    get mask() {
      return mask;
    },
    get cells() {
      return cells;
    },
    get shape() {
      return shape();
    },
    state,
    get seconds() {
      return seconds;
    },
    async *train(host: TrainHost) {
      const decorrelate = config.regulariser === 'decorrelate' ?
        ((s, sample, o) => decorrelatedGradients(model, s, host.data, sample, { whiteClip: o.whiteClip, lambda: config.lambda })) as GradientSource
        : undefined;
      const quick = host.quick;
      for await (const r of trainLoop({
        model,
        state,
        data: host.data,
        cells,
        steps: host.steps ?? config.steps,
        lrSchedule: config.lrSchedule,
        signal: host.signal,
        step: stepOptionsOf(config, host.chunkSize ?? defaultChunkSize(model, config.batchSize)),
        gradients: decorrelate ?? host.gradients,
        startSeconds: seconds,
        pause: host.pause,
        quick: quick && { every: quick.every, run: async () => (await evaluate(quick.data, { evaluator: quick.evaluator })).metrics },
      })) {
        seconds = r.seconds;
        yield r;
      }
    },
    evaluate,
    networkAt,
    async exportCell(cell, opts = {}) {
      const weights = await networkAt(cell);
      const position = cellPosition(cell, shape());
      const metadata = { cell: position, coordinates: cellCoordsOf(cell, shape()), manifold: config.manifold, step: state.step, ...opts.metadata };
      if (!('fileWeights' in model)) return exportLayersModel(model, weights, { ...opts, metadata });
      // a model read from a TF.js Layers file goes back as that file's topology with the cell's weights
      const ex = exportLayersNetwork(model as LayersModel, weights);
      const meta = { ...(ex.modelJson.userDefinedMetadata as Record<string, unknown> | undefined), mpo: { model: model.name, ...metadata } };
      return { ...ex,
        modelJson: { ...ex.modelJson, generatedBy: opts.generatedBy ?? 'mpo', userDefinedMetadata: meta } as unknown as LayersExport['modelJson'] };
    },
    checkpoint: (extra = {}) => checkpointOf(model, state, { seconds, ...extra }),
    update(changes) {
      for (const k of Object.keys(changes) as (keyof FitConfig)[]) {
        check(HYPER_KEYS.has(k), `session.update: ${k} is part of the plane, not a step setting: make a new session`);
      }
      config = { ...config, ...changes };
    },
    setPattern(next) {
      check(next && next.cells instanceof Uint8Array, 'session.setPattern: give a pattern');
      pattern = next;
      ({ mask, cells } = cellsOf(pattern, config));
    },
    dispose: () => disposePlaneState(state),
  };
}
