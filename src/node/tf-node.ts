/**
 * TF.js set-up for Node: registers the gradient functions and the `cpu` backend. tfjs-core's
 * gradient files cannot be loaded by Node directly (extension-less ES imports), so Node takes
 * them from the `@tensorflow/tfjs` package's Node bundle, which registers them in the engine
 * that the core uses (`src/core/tf.ts`: one tfjs-core instance per process). Browsers use
 * `src/core/gradients.ts` through a bundler instead.
 */
import '@tensorflow/tfjs';

export * from '../core/tf.js';
