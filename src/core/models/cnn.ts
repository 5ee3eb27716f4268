import * as tf from '../tf.js';
import { check } from '../errors.js';
import type { Frame } from '../plane/manifold.js';
import type { ParamSet, ParamSpec } from '../plane/params.js';
import { adaptiveAvgPool2d, batchedDense, batchNorm, conv2d, dense, maxPool2x2 } from '../ops/index.js';
import { patches } from '../ops/patches.js';
import { mixPoints, pointCoefficients, pointsBatchNorm } from '../ops/points.js';
import { convSpecs, denseSpecs, type Model } from './model.js';

/** How a CNN evaluates K points of the plane on one batch; see {@link CnnOptions.points}. */
export type PointsMode = 'auto' | 'loop' | 'stacked';

/** The backends on which `points: 'auto'` stacks the points (launch-bound GPUs). */
const STACKED_BACKENDS: ReadonlySet<string> = new Set(['webgpu', 'webgl']);

/** Options shared by the convolutional models. */
export interface CnnOptions {
  /** Input shape [h, w, c] (default [28, 28, 1]; [32, 32, 3] for CIFAR-10). */
  inputShape?: readonly [number, number, number];
  /** Classes (default 10). */
  numClasses?: number;
  /** Output channels of each 3x3 convolution. */
  channels?: readonly number[];
  /** 2x2 max-pool after each convolution's ReLU (the paper's CNN) or none (the 6-conv models). */
  pool?: boolean;
  /** Batch norm (batch statistics) between each convolution and its ReLU. */
  batchNorm?: boolean;
  /**
   * Batch-norm scale convention (appendix C): `paper` stores U[-0.5, 0.5] and adds 0.5 in the
   * forward pass; `original` (the original code) stores 0 and adds 1.
   */
  bnScale?: 'paper' | 'original';
  /** Hidden units of the dense layer after the 4x4 adaptive average pool (default 128). */
  hidden?: number;
  /**
   * K points of the plane on one batch (`forwardPoints`): `loop` runs one forward pass per point
   * (the model has no `forwardPoints`); `stacked` evaluates all K at once with a number of kernels
   * that does not grow with K (see {@link createCnn}); `auto` (default) stacks on GPU backends
   * (`webgpu`, `webgl`: a small dispatch costs about as much as a big one there) and loops on
   * `cpu`, `wasm` and any other, where the loop is faster (measured on wasm: see createCnn), by
   * `tf.getBackend()` each time `forwardPoints` is read, so `model.forwardPoints` is undefined
   * there and callers that size their work by it (points per pass, chunk sizes) see a per-point model.
   */
  points?: PointsMode;
  /**
   * `stacked` mode: the most elements one intermediate tensor of a stacked pass may hold
   * (default 2^28, 1 GiB of float32; WebGPU caps each buffer binding). More points than fit are
   * evaluated in several stacked passes of as many points as fit.
   */
  maxStackedElements?: number;
  /** Registry name and description. */
  name?: string;
  description?: string;
}

/**
 * A VGG-like CNN (appendix B): 3x3 convolutions (padding 1) with ReLU, optionally batch norm
 * before each ReLU and a 2x2 max-pool after it, then adaptive average pooling to 4x4,
 * flatten, dense -> ReLU -> dense.
 *
 * Many points at once (`forwardPoints`, see {@link CnnOptions.points}): the K points of
 * `w = origin + s * sum_i c_i * D_i` are stacked along the batch axis ([K*B, H, W, C]) and every
 * layer is a fixed number of kernels whatever K. Counted with `tf.profile` (its kernels but
 * Reshape and Identity, which dispatch nothing on a GPU), a forward and backward pass takes 238
 * kernels for any K with the paper CNN, where the loop takes 209 for one point and 80 more per
 * further point (765 for 8 points); 751 with the 6-conv BN model, against 683 + 317 per further
 * point; the frame (Gram-Schmidt and its gradient) adds 399 and 1,029 to both. The form:
 * - layer 1 (its input is the shared batch): one convolution of x with the filters
 *   [W_O | D_1 | ... | D_d] concatenated on the output axis, then one product of the points'
 *   coefficients (1, s*c_1, ..., s*c_d) [K, d+1] with the d+1 blocks (as the MLP's fast path);
 * - later convolutions: per-point filters (one product of the coefficients with the stacked
 *   filters), the 3x3 patches of the stacked activations (one depthwise convolution, see
 *   `patches`) and one batched product [K, B*H*W, 9*Cin] x [K, 9*Cin, Cout] (`batchedDense`,
 *   per-point biases likewise);
 * - batch norm: each point's statistics over its own batch (`pointsBatchNorm` on
 *   [K, B*H*W, C]), per-point scale (+ the bnScale offset) and shift;
 * - max-pool and the adaptive pool act on the stacked batch; the dense layers are batched
 *   products with per-point weights.
 * Chosen over the other K-independent form, one convolution of the stacked activations with
 * [W_O | D_1 | ... | D_d] then a per-point combination of the d+1 outputs (conv is linear in its
 * filter), which runs slightly fewer kernels (128 against 146 for the paper CNN's forward and
 * backward pass with respect to the origin) but does d+1 times the multiply-adds in every later
 * layer, forward and backward, and computes its weight gradient as one convolution reducing over
 * all K*B*H*W positions into a small output (little parallelism on a GPU); the patches form does
 * the loop's multiply-adds, as matrix products (on the H200, tfjs-backend-webgpu's matMul reached
 * 14.7 TFLOP/s, a 3x3 conv2d 0.64).
 * Measured on one WASM thread (paper CNN, d = 2; 2 shared cores): a step of 20 points at batch
 * 128 (forward + backward, frame included) took 1.9 s as the loop (chunks of 4 points, each with
 * its own frame; 8,500 `tf.profile` entries), 12.6 s stacked (1,190) and 7.8 s in the channel
 * form (1,150); a forward pass of 16 points on 1,000 images 3.4 s as the loop and 36 s stacked
 * (4,700 against 450 images/s): WASM's batched matMul is slow and the loop stays there. On the
 * cpu backend (8 points, batch 32): 3.9 s loop, 5.1 s stacked, 12.6 s channel form.
 * Throws {@link MpoError} on a bad `points` or `maxStackedElements`. A factory: the forward passes
 * (one point, stacked points, the channel form) share the layer shapes in its closure.
 */
export function createCnn(opts: CnnOptions = {}): Model {
  const inputShape = opts.inputShape ?? [28, 28, 1];
  const classes = opts.numClasses ?? 10;
  const channels = opts.channels ?? [8, 32, 64];
  const pool = opts.pool ?? true;
  const bn = opts.batchNorm ?? false;
  const bnOffset = (opts.bnScale ?? 'paper') === 'paper' ? 0.5 : 1;
  const hidden = opts.hidden ?? 128;
  const pointsMode = opts.points ?? 'auto';
  check(pointsMode === 'auto' || pointsMode === 'loop' || pointsMode === 'stacked',
    () => `cnn: points must be 'auto', 'loop' or 'stacked', got "${String(pointsMode)}"`);
  const maxElements = opts.maxStackedElements ?? 2 ** 28;
  check(Number.isInteger(maxElements) && maxElements >= 1, () => `cnn: maxStackedElements must be a positive integer, got ${maxElements}`);
  const params: ParamSpec[] = [];
  let cin = inputShape[2];
  channels.forEach((cout, i) => {
    params.push(...convSpecs(`conv${i + 1}`, cin, cout));
    if (bn) {
      params.push(
        { name: `bn${i + 1}.scale`, shape: [cout], init: bnOffset === 0.5 ? 'bn-scale-paper' : 'zeros', fanIn: 1, fanOut: 1 },
        { name: `bn${i + 1}.shift`, shape: [cout], init: 'zeros', fanIn: 1, fanOut: 1 },
      );
    }
    cin = cout;
  });
  const flat = 16 * cin;
  params.push(...denseSpecs('fc1', flat, hidden), ...denseSpecs('fc2', hidden, classes));

  function forward(w: ParamSet, x: tf.Tensor4D): tf.Tensor2D {
    let h = x;
    channels.forEach((_, i) => {
      const n = i + 1;
      // The first layer's input is data: skip its (unused) input gradient.
      h = conv2d(h, w[`conv${n}.w`] as tf.Tensor4D, w[`conv${n}.b`] as tf.Tensor1D, { pad: 'same', inputGrad: i > 0 });
      if (bn) h = batchNorm(h, tf.add(w[`bn${n}.scale`], bnOffset) as tf.Tensor1D, w[`bn${n}.shift`] as tf.Tensor1D) as tf.Tensor4D;
      h = tf.relu(h) as tf.Tensor4D;
      if (pool) h = maxPool2x2(h);
    });
    const pooled = adaptiveAvgPool2d(h, 4);
    const f = tf.reshape(pooled, [x.shape[0], flat]) as tf.Tensor2D;
    const z = tf.relu(dense(f, w['fc1.w'] as tf.Tensor2D, w['fc1.b'] as tf.Tensor1D)) as tf.Tensor2D;
    return dense(z, w['fc2.w'] as tf.Tensor2D, w['fc2.b'] as tf.Tensor1D);
  }

  /**
   * Elements per image of the largest intermediate tensor of a stacked pass with `sets` weight
   * sets (activations, patches [H, W, 9*Cin], the first layer's d+1 blocks), for splitting K.
   */
  const perImage = (sets: number): number => {
    let [hh, ww] = inputShape;
    let most = hh * ww * channels[0]! * sets;
    let c0 = channels[0]!;
    channels.forEach((cout, i) => {
      if (i > 0) most = Math.max(most, hh * ww * 9 * c0, hh * ww * cout);
      c0 = cout;
      if (pool) {
        hh = Math.floor(hh / 2);
        ww = Math.floor(ww / 2);
      }
    });
    return most;
  };

  /** Logits [K, B, classes] at K points: {@link stackedPass} on as many points as fit `maxElements`. */
  function stackedPoints(frame: Frame, coords: readonly (readonly number[])[], x: tf.Tensor4D): tf.Tensor3D {
    const d = frame.directions.length;
    const per = Math.max(1, Math.floor(maxElements / (x.shape[0] * perImage(d + 1))));
    if (coords.length <= per) return stackedPass(frame, coords, x);
    const parts: tf.Tensor3D[] = [];
    for (let s = 0; s < coords.length; s += per) parts.push(stackedPass(frame, coords.slice(s, s + per), x));
    return tf.concat(parts, 0);
  }

  /** One stacked pass over all of `coords` (see createCnn's comment). */
  function stackedPass(frame: Frame, coords: readonly (readonly number[])[], x: tf.Tensor4D): tf.Tensor3D {
    const k = coords.length;
    const b = x.shape[0];
    const d = frame.directions.length;
    const sets = [frame.origin, ...frame.directions];
    const m = d + 1;
    const coef = pointCoefficients(coords, frame.scale, d); // [K, d+1]
    const mix = (key: string, perm?: number[]): tf.Tensor => mixPoints(coef, sets.map((p) => p[key]!), perm);
    let [hh, ww] = inputShape;
    let cin = inputShape[2];
    let h: tf.Tensor4D = x;
    channels.forEach((cout, i) => {
      const n = i + 1;
      const rows = b * hh * ww;
      const input = h;
      // One tidy per layer: a forward-only pass (landscape evaluation) keeps only the layers'
      // outputs, not every intermediate (the tape keeps what the backward pass needs).
      h = tf.tidy(() => {
        let z: tf.Tensor3D; // [K, B*H*W, Cout]
        if (i === 0) {
          // Shared input: one convolution with [W_O | D_1 | ... | D_d], then per point a
          // combination of the d+1 blocks (one product).
          const wcat = tf.concat(sets.map((p) => p[`conv${n}.w`]!), 3) as tf.Tensor4D;
          const bcat = tf.concat(sets.map((p) => p[`conv${n}.b`]!), 0) as tf.Tensor1D;
          const y = conv2d(input, wcat, bcat, { pad: 'same', inputGrad: false }); // [B, H, W, m*Cout]
          const blocks = tf.reshape(tf.transpose(tf.reshape(y, [rows, m, cout]), [1, 0, 2]), [m, rows * cout]) as tf.Tensor2D;
          z = tf.reshape(dense(coef, blocks), [k, rows, cout]) as tf.Tensor3D;
        } else {
          // Per-point filters [K, Cin*9, Cout] (rows in the patches' (c, i, j) order) times the
          // patches of each point's activations [K, B*H*W, Cin*9]: one batched product.
          const filters = tf.reshape(mix(`conv${n}.w`, [2, 0, 1, 3]), [k, cin * 9, cout]) as tf.Tensor3D;
          const cols = tf.reshape(patches(input, 3), [k, rows, cin * 9]) as tf.Tensor3D;
          z = batchedDense(cols, filters, mix(`conv${n}.b`) as tf.Tensor2D);
        }
        if (bn) z = pointsBatchNorm(z, tf.add(mix(`bn${n}.scale`), bnOffset) as tf.Tensor2D, mix(`bn${n}.shift`) as tf.Tensor2D);
        const a = tf.reshape(tf.relu(z), [k * b, hh, ww, cout]) as tf.Tensor4D;
        return pool ? maxPool2x2(a) : a;
      });
      if (pool) {
        hh = Math.floor(hh / 2);
        ww = Math.floor(ww / 2);
      }
      cin = cout;
    });
    const f = tf.reshape(adaptiveAvgPool2d(h, 4), [k, b, flat]) as tf.Tensor3D;
    const z = tf.relu(batchedDense(f, mix('fc1.w') as tf.Tensor3D, mix('fc1.b') as tf.Tensor2D)) as tf.Tensor3D;
    return batchedDense(z, mix('fc2.w') as tf.Tensor3D, mix('fc2.b') as tf.Tensor2D);
  }

  const model: Model = {
    name: opts.name ?? 'cnn',
    description: opts.description ?? `CNN convs ${channels.join('/')}${bn ? ' + BN' : ''}${pool ? ' + max-pool' : ''}, adaptive pool 4x4, dense ${hidden}`,
    inputShape,
    numClasses: classes,
    params,
    usesBatchStats: bn,
    forward,
  };
  if (pointsMode === 'stacked') return { ...model, forwardPoints: stackedPoints };
  if (pointsMode === 'loop') return model;
  return Object.defineProperty(model, 'forwardPoints', {
    enumerable: true,
    configurable: true,
    get: () => (STACKED_BACKENDS.has(tf.getBackend()) ? stackedPoints : undefined),
  });
}
