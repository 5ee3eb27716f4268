/**
 * The bundler-side registration of what `@tensorflow/tfjs-core` leaves out: the gradient
 * functions and the chained tensor methods (`t.cast(...)`, `t.expandDims(...)`, used by some
 * core modules). A browser bundle (the app's worker) imports this module once, before
 * training; Node gets both from the `@tensorflow/tfjs` package in `src/node/tf-node.ts`.
 * Importing it twice is harmless.
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
