import * as tf from '../tf.js';
import { check } from '../errors.js';
import { createRng, type Rng, type RngState } from '../random.js';
import { initParamValues, readParamSet, type ParamSpec, type ParamValues, type WeightInit } from '../plane/params.js';
import type { ManifoldTheta } from '../plane/manifold.js';
import type { Model } from '../models/model.js';
import { adamMoments, createAdamState, disposeAdamState, type AdamState } from './adam.js';

/** Names of the stored direction parameters: the paper's w_up and phi_right, then further ones. */
export function directionName(i: number): string {
  return i === 0 ? 'up' : i === 1 ? 'phi_right' : `dir${i}`;
}

/**
 * Everything training changes: theta as trainable variables (keys `origin/<param>`,
 * `up/<param>`, `phi_right/<param>`, `scale`), Adam's state, the random generator and the step.
 */
export interface PlaneState {
  readonly vars: Record<string, tf.Variable>;
  readonly adam: AdamState;
  rng: Rng;
  /** Completed training steps. */
  step: number;
  /** Manifold dimension d (2 for the plane). */
  readonly dims: number;
}

/** Options of {@link createPlaneState}. */
export interface PlaneInitOptions {
  /** Seed of all randomness (initialisation, then sampling during training). */
  readonly seed: number;
  /** Initial scale s (the paper: 0.1). */
  readonly scaleInit: number;
  /** Manifold dimension (default 2: a plane; 1: a line; 3: a volume; 0: a single network). */
  readonly dims?: number;
  /** Rule for the weight tensors of the origin and of every direction (default `xavier`, as the paper). */
  readonly init?: WeightInit;
}

/**
 * Fresh theta for `model`: origin and free directions initialised by `opts.init` (Xavier by default), s = scaleInit;
 * the origin at `model.initialWeights` when the model has them (`--init-from`).
 */
export function createPlaneState(model: Model, opts: PlaneInitOptions): PlaneState {
  const dims = opts.dims ?? 2;
  check(Number.isInteger(dims) && dims >= 0, `dims must be a whole number >= 0, got ${dims}`);
  check(Number.isFinite(opts.scaleInit) && opts.scaleInit > 0, `scale-init must be a positive number, got ${opts.scaleInit}`);
  const rng = createRng(opts.seed);
  const values: Record<string, Float32Array> = {};
  for (const group of ['origin', ...Array.from({ length: dims }, (_, i) => directionName(i))]) {
    const v = initParamValues(model.params, rng, opts.init ?? 'xavier');
    for (const [k, arr] of Object.entries(v)) values[`${group}/${k}`] = arr;
  }
  // A trained network to sightsee around (`--init-from`): the origin starts there; the draws above still
  // happen, so the directions are those of the same seed without it.
  for (const s of model.initialWeights ? model.params : []) {
    const w = model.initialWeights![s.name];
    check(w !== undefined && w.length === s.shape.reduce((a, b) => a * b, 1), `initial weights lack "${s.name}" [${s.shape}] of model ${model.name}`);
    values[`origin/${s.name}`] = Float32Array.from(w);
  }
  values.scale = new Float32Array([opts.scaleInit]);
  return stateFromValues(model.params, values, dims, rng.state(), 0);
}

function shapeOf(specs: readonly ParamSpec[], key: string): number[] {
  if (key === 'scale') return [];
  const name = key.slice(key.indexOf('/') + 1);
  const spec = specs.find((s) => s.name === name);
  check(spec, `checkpoint has a parameter "${key}" the model does not know: was it saved with another --model?`);
  return [...spec.shape];
}

/** Rebuilds a state from plain values (a checkpoint). Adam moments default to zero. */
export function stateFromValues(specs: readonly ParamSpec[], values: ParamValues, dims: number, rngState: RngState, step: number,
  adam?: { step: number; m: ParamValues; v: ParamValues; }): PlaneState {
  const vars: Record<string, tf.Variable> = {};
  for (const [key, arr] of Object.entries(values)) {
    const shape = shapeOf(specs, key);
    const size = shape.reduce((a, b) => a * b, 1);
    check(arr.length === size, `checkpoint parameter "${key}" has ${arr.length} values, expected ${size}: the file does not match --model`);
    const init = tf.tensor(arr, shape, 'float32');
    vars[key] = tf.variable(init, true, `theta/${key}/${Math.random().toString(36).slice(2)}`);
    init.dispose(); // the variable holds its own copy
  }
  const expected = specs.length * (dims + 1) + 1;
  check(Object.keys(vars).length === expected,
    `checkpoint has ${Object.keys(vars).length} parameters, the model needs ${expected}: it was saved for another model`);
  const state = createAdamState(vars, adam);
  return { vars, adam: state, rng: createRng(rngState), step, dims };
}

/** The plain values of a state, for a checkpoint: read back asynchronously (a GPU backend cannot read synchronously). */
export async function stateValues(state: PlaneState): Promise<{ theta: ParamValues; adamM: ParamValues; adamV: ParamValues; }> {
  const [theta, { m, v }] = await Promise.all([thetaValues(state), adamMoments(state.adam)]);
  return { theta, adamM: m, adamV: v };
}

/** Theta's plain values, read back asynchronously ({@link readParamSet} of the state's variables). */
export async function thetaValues(state: PlaneState): Promise<ParamValues> {
  return readParamSet(state.vars);
}

/** Views the state's variables as a {@link ManifoldTheta}. */
export function thetaOf(model: Model, state: PlaneState): ManifoldTheta {
  const group = (g: string) => Object.fromEntries(model.params.map((s) => [s.name, state.vars[`${g}/${s.name}`] as tf.Tensor]));
  return {
    origin: group('origin'),
    free: Array.from({ length: state.dims }, (_, i) => group(directionName(i))),
    scale: state.vars.scale as tf.Tensor as tf.Scalar,
  };
}

/** Frees the state's tensors. */
export function disposePlaneState(state: PlaneState): void {
  for (const k of Object.keys(state.vars)) {
    state.vars[k].dispose();
  }
  disposeAdamState(state.adam);
}
