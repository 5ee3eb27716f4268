/**
 * The core's one door to TensorFlow.js: `@tensorflow/tfjs-core` only (tensors, ops, autodiff
 * engine), never the umbrella package, so a browser bundle of the core carries no layers,
 * converter or data code. Every core module imports TF.js from here.
 *
 * tfjs-core registers no gradient functions by itself: the platform entry does, once
 * (`src/node/tf-node.ts` in Node, `src/core/gradients.ts` in a bundle). {@link checkGradients}
 * turns a missing registration into a clear error instead of TF.js's "gradient function not found".
 */
import * as tf from '@tensorflow/tfjs-core';
import { MpoError } from './errors.js';

export * from '@tensorflow/tfjs-core';

/** Throws an MpoError when the gradients of the core's ops are not registered (the platform entry was not imported). */
export function checkGradients(): void {
  if (!tf.getGradient('Sum') || !tf.getGradient('BatchMatMul')) {
    throw new MpoError('TF.js gradients are not registered: import "mpo/node" (Node) or the core\'s gradients module (browsers) before training');
  }
}
