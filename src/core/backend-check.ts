/**
 * The self-test a GPU backend passes before mpo trains on it: the same small computations on the
 * backend under test and on a reference backend (wasm), compared within a relative tolerance.
 * tfjs-backend-webgpu 4.22 has defects that fail silently (zeros from `addN` of 8+ inputs, zeros
 * from `dataSync` in Chromium): a backend that starts is not yet a backend that computes right.
 * Isomorphic: `mpo --backend webgpu` (Node, Dawn) and the browser app's webgpu choice run it.
 */
import * as tf from './tf.js';
import { createMlp } from './models/mlp.js';
import { createCnn } from './models/cnn.js';
import type { Model } from './models/model.js';
import { createPlaneState, disposePlaneState } from './training/plane-state.js';
import { mpoGradients } from './training/step.js';
import { oneHot } from './training/loss.js';
import { flatten } from './training/adam.js';
import { conv2d } from './ops/conv2d.js';
import { sumScalars } from './ops/reduce.js';
import { createRng } from './random.js';

/** One computation of the self-test: returns its values, read asynchronously. */
export interface SelfTestCase {
  /** What it computes, as the error message names it. */
  readonly name: string;
  /** Runs on the active backend. */
  readonly run: () => Promise<Float32Array>;
}

/** Deterministic values in [-1, 1) (the same on every backend and platform). */
function values(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => 2 * rng.next() - 1);
}

/** Reads a tensor and disposes it. */
async function read(t: tf.Tensor): Promise<Float32Array> {
  try {
    return Float32Array.from(await t.data());
  } finally {
    t.dispose();
  }
}

/** The loss, per-point CE and all gradients of one MPO step of `model` on a fixed batch and points, flattened into one vector. */
async function mpoStepValues(model: Model, points: { coords: number[]; white: boolean; }[]): Promise<Float32Array> {
  const [h, w, c] = model.inputShape;
  const b = 8;
  const state = createPlaneState(model, { seed: 7, scaleInit: 0.5 });
  const x = tf.tensor4d(values(b * h * w * c, 3), [b, h, w, c]);
  const labels = oneHot(Array.from({ length: b }, (_, i) => i % model.numClasses), model.numClasses);
  try {
    const nBlack = points.filter((p) => !p.white).length;
    const g = mpoGradients(model, state, x, labels, points, nBlack, points.length - nBlack, { whiteClip: 2.5 });
    const packed = tf.tidy(() => tf.concat([tf.reshape(g.loss, [1]), g.ce, flatten(g.grads, Object.keys(g.grads))]));
    for (const t of [...Object.values(g.grads), g.loss, g.ce]) t.dispose();
    return await read(packed);
  } finally {
    x.dispose();
    labels.dispose();
    disposePlaneState(state);
  }
}

const POINTS = [
  { coords: [0, 0], white: false },
  { coords: [1, -1], white: false },
  { coords: [-2, 1], white: true },
  { coords: [2, 2], white: true },
];

/**
 * The computations of the self-test: a matMul, a convolution with its gradients, an `addN` of 7
 * tensors (the most the core uses) and the core's sum of 40 scalars, and one MPO step (loss,
 * per-point cross-entropy and every gradient) of the MLP and of the paper's CNN on a small input.
 */
export function selfTestCases(): SelfTestCase[] {
  return [
    {
      name: 'matMul',
      run: () => read(tf.tidy(() => tf.matMul(tf.tensor2d(values(64 * 96, 1), [64, 96]), tf.tensor2d(values(96 * 48, 2), [96, 48])))),
    },
    {
      name: 'conv2d with its gradients',
      run: () =>
        read(tf.tidy(() => {
          const x = tf.tensor4d(values(4 * 10 * 10 * 3, 4), [4, 10, 10, 3]);
          const f = tf.tensor4d(values(3 * 3 * 3 * 8, 5), [3, 3, 3, 8]);
          const bias = tf.tensor1d(values(8, 6));
          const { value, grads } = tf.valueAndGrads((fs: tf.Tensor, xs: tf.Tensor) =>
            tf.sum(tf.square(conv2d(xs as tf.Tensor4D, fs as tf.Tensor4D, bias, { pad: 'same' }))) as tf.Scalar
          )([f, x]);
          return tf.concat([tf.reshape(value, [1]), tf.reshape(grads[0], [-1]), tf.reshape(grads[1], [-1])]);
        })),
    },
    {
      name: 'addN of 7 tensors and a sum of 40 scalars',
      run: () =>
        read(tf.tidy(() =>
          tf.concat([
            tf.addN(Array.from({ length: 7 }, (_, i) => tf.tensor1d(values(16, 10 + i)))),
            tf.reshape(sumScalars(Array.from({ length: 40 }, (_, i) => tf.scalar(i + 0.5))), [1]),
          ])
        )),
    },
    { name: 'an MPO step of the MLP', run: () => mpoStepValues(createMlp({ inputShape: [8, 8, 1], hidden: 16, numClasses: 4 }), POINTS) },
    { name: 'an MPO step of the CNN', run: () => mpoStepValues(createCnn({ inputShape: [8, 8, 1], numClasses: 4, channels: [4, 8], hidden: 8 }), POINTS) },
  ];
}

/** The largest difference of `actual` from `expected` relative to expected's largest magnitude (Infinity for a length mismatch or a NaN). */
export function relativeDifference(actual: Float32Array, expected: Float32Array): number {
  if (actual.length !== expected.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (Number.isNaN(d)) return Infinity;
    diff = Math.max(diff, d);
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return diff / Math.max(scale, 1e-30);
}

/** Options of {@link backendSelfTest}. */
export interface SelfTestOptions {
  /** The registered backend to compare against (default `wasm`). */
  readonly reference?: string;
  /** Largest relative difference accepted (default 1e-4). */
  readonly tolerance?: number;
  /** The cases to run (default {@link selfTestCases}). */
  readonly cases?: readonly SelfTestCase[];
}

/**
 * Runs the self-test cases on the reference backend, then on `backend` (both registered; the
 * reference must start), and leaves `backend` active. Returns null when every case agrees within
 * the tolerance, else a one-line description of the first case that does not, e.g.
 * `an MPO step of the CNN differs from wasm by 3.1e-2 (relative; at most 1e-4)`.
 */
export async function backendSelfTest(backend: string, opts: SelfTestOptions = {}): Promise<string | null> {
  const reference = opts.reference ?? 'wasm';
  const tolerance = opts.tolerance ?? 1e-4;
  const cases = opts.cases ?? selfTestCases();
  if (!(await tf.setBackend(reference))) return `the reference backend ${reference} did not start`;
  const expected: Float32Array[] = [];
  for (const c of cases) expected.push(await c.run());
  if (!(await tf.setBackend(backend)) || tf.getBackend() !== backend) return `${backend} did not start (after the reference ${reference} ran)`;
  for (let i = 0; i < cases.length; i++) {
    let actual: Float32Array;
    try {
      actual = await cases[i].run();
    } catch (e) {
      return `${cases[i].name} failed on ${backend}: ${String((e as Error)?.message ?? e).split('\n')[0]}`;
    }
    const d = relativeDifference(actual, expected[i]);
    if (!(d <= tolerance)) {
      return `${cases[i].name} differs from ${reference} by ${d.toExponential(1)} (relative; at most ${tolerance.toExponential(0)})`;
    }
  }
  return null;
}
