/**
 * How many points of a step to put in one gradient computation on a GPU: as many as fit the
 * device's limits, since one large dispatch costs about what a small one does there.
 */
import * as tf from '../tf.js';
import { check } from '../errors.js';
import { computeFrame } from '../plane/manifold.js';
import { logitsAtPoints, type Model } from '../models/model.js';
import { createPlaneState, disposePlaneState, thetaOf } from './plane-state.js';

/** What a device allows (bytes). */
export interface DeviceLimits {
  /** The largest buffer one tensor may occupy (WebGPU: `maxStorageBufferBindingSize`). */
  readonly maxTensorBytes: number;
  /** Memory a step's activations may use in all. */
  readonly memoryBytes: number;
}

/** The sizes of the tensors one point's forward pass makes on `images` images (bytes, in kernel order). */
async function outputBytes(model: Model, dims: number, images: number): Promise<number[]> {
  const state = createPlaneState(model, { seed: 0, scaleInit: 0.1, dims });
  const x = tf.zeros([images, ...model.inputShape]) as tf.Tensor4D;
  const { frame, dispose } = computeFrame(thetaOf(model, state));
  try {
    const info = await tf.profile(() => logitsAtPoints(model, frame, [new Array(dims).fill(0)], x));
    return info.kernels.flatMap((k) => k.outputShapes.map((shape) => 4 * (shape as number[]).reduce((a, b) => a * b, 1)));
  } finally {
    dispose();
    x.dispose();
    disposePlaneState(state);
  }
}

/**
 * Bytes of the largest tensor and of all tensors that one point's forward pass makes on a batch
 * of `batchSize` images: measured with `tf.profile` on 1 and 3 images (each tensor's size is a
 * fixed part, e.g. the point's weights, plus a part per image) and extrapolated.
 */
export async function activationBytes(model: Model, batchSize: number, dims = 2): Promise<{ largest: number; total: number; }> {
  const [one, three] = [await outputBytes(model, dims, 1), await outputBytes(model, dims, 3)];
  let largest = 0;
  let total = 0;
  one.forEach((b1, i) => {
    const perImage = ((three[i] ?? b1) - b1) / 2;
    const bytes = b1 - perImage + perImage * batchSize;
    largest = Math.max(largest, bytes);
    total += bytes;
  });
  return { largest, total };
}

/**
 * Points per gradient computation for a batch of `batchSize` images under `limits`: the most
 * points whose largest tensor fits one buffer and whose activations (kept for the backward pass,
 * counted twice for the gradients) fit the memory, at least 1 and at most `maxPoints`.
 */
export async function chunkSizeForDevice(model: Model, batchSize: number, limits: DeviceLimits,
  opts: { dims?: number; maxPoints?: number; } = {}): Promise<number> {
  check(batchSize >= 1, `batchSize must be >= 1, got ${batchSize}`);
  const { largest, total } = await activationBytes(model, batchSize, opts.dims ?? 2);
  const byBuffer = Math.floor(limits.maxTensorBytes / Math.max(1, largest));
  const byMemory = Math.floor(limits.memoryBytes / Math.max(1, 2 * total));
  return Math.max(1, Math.min(opts.maxPoints ?? 1000, byBuffer, byMemory));
}
