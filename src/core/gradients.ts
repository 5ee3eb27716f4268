/**
 * The bundler-side registration of what `@tensorflow/tfjs-core` leaves out: the gradient
 * functions. A browser bundle (the app's worker) imports this module (`mpo/gradients`) once,
 * before training; Node gets them from the `@tensorflow/tfjs` package in `src/node/tf-node.ts`.
 * The core calls ops as functions (`tf.cast(t, ...)`), never as chained tensor methods, so
 * tfjs-core's chained-op registration is not needed (test/core-tfjs-core.test.ts checks it).
 * Importing this module twice is harmless.
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';
