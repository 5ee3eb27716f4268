import * as tf from '../tf.js';
import { sumScalars } from '../ops/reduce.js';
import type { Rng } from '../random.js';

/**
 * How one weight tensor of a model is laid out and initialised.
 * - `xavier`: Glorot-uniform, U[-a, a] with a = sqrt(6 / (fanIn + fanOut)) (the paper, appendix A);
 * - `bias`: U[-1/sqrt(fanIn), 1/sqrt(fanIn)] (PyTorch's bias default; Xavier is not defined for biases);
 * - `bn-scale-paper`: U[-0.5, 0.5] stored, the model adds 0.5 (appendix C);
 * - `zeros`: all zeros (the original code's stored BN scale, the model adds 1; and BN shifts).
 */
export interface ParamSpec {
  /** Unique name, e.g. `conv1.w`. */
  readonly name: string;
  /** Tensor shape, e.g. `[3, 3, 1, 8]` for a conv filter (kh, kw, in, out). */
  readonly shape: readonly number[];
  /** Initialisation rule. */
  readonly init: 'xavier' | 'bias' | 'bn-scale-paper' | 'zeros';
  /** Inputs feeding one output unit (for conv: kh*kw*in). */
  readonly fanIn: number;
  /** Outputs fed by one input unit (for conv: kh*kw*out). */
  readonly fanOut: number;
}

/** A set of named weight tensors: one point of weight space, or one direction in it. */
export type ParamSet = Record<string, tf.Tensor>;

/** Plain-number form of a {@link ParamSet}, for checkpoints and transfer between threads. */
export type ParamValues = Record<string, Float32Array>;

/** Number of scalar weights described by `specs` (the dimension n of weight space). */
export function paramCount(specs: readonly ParamSpec[]): number {
  return specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
}

/**
 * Rule for the weight tensors marked `xavier` in the specs: `xavier` (the paper, appendix A:
 * U[-a, a] with a = sqrt(6 / (fanIn + fanOut))) or `he` (He et al. 2015 for ReLU networks:
 * a = sqrt(6 / fanIn), twice the variance for square layers, which keeps the signal's scale
 * through deep ReLU stacks without batch norm).
 */
export type WeightInit = 'xavier' | 'he';

/** Draws initial values for every spec from `rng` (deterministic for a given seed). */
export function initParamValues(specs: readonly ParamSpec[], rng: Rng, weightInit: WeightInit = 'xavier'): ParamValues {
  const out: ParamValues = {};
  for (const s of specs) {
    const size = s.shape.reduce((a, b) => a * b, 1);
    const v = new Float32Array(size);
    let a = 0;
    switch (s.init) {
      case 'xavier':
        a = weightInit === 'he' ? Math.sqrt(6 / s.fanIn) : Math.sqrt(6 / (s.fanIn + s.fanOut));
        break;
      case 'bias':
        a = 1 / Math.sqrt(s.fanIn);
        break;
      case 'bn-scale-paper':
        a = 0.5;
        break;
      case 'zeros':
        a = 0;
        break;
    }
    if (a > 0) { for (let i = 0; i < size; i++) v[i] = (2 * rng.next() - 1) * a; }
    out[s.name] = v;
  }
  return out;
}

/** Creates tensors (or trainable variables) with the specs' shapes from plain values. */
export function toParamSet(specs: readonly ParamSpec[], values: ParamValues, variable = false, prefix = ''): ParamSet {
  const out: ParamSet = {};
  for (const s of specs) {
    const t = tf.tensor(values[s.name], s.shape as number[], 'float32');
    out[s.name] = variable ? tf.variable(t, true, `${prefix}${s.name}`) : t;
    if (variable) t.dispose();
  }
  return out;
}

/** Reads a {@link ParamSet}'s values back into plain arrays (asynchronously: GPU backends cannot read synchronously). */
export async function readParamSet(set: ParamSet): Promise<ParamValues> {
  const keys = Object.keys(set);
  const arrays = await Promise.all(keys.map((k) => set[k].data()));
  return Object.fromEntries(keys.map((k, i) => [k, arrays[i] as Float32Array]));
}

/** Sum over all tensors of the elementwise product: the inner product <a, b> in weight space. */
export function dot(a: ParamSet, b: ParamSet): tf.Scalar {
  return tf.tidy(() => sumScalars(Object.keys(a).map((k) => tf.sum(tf.mul(a[k], b[k])))));
}
