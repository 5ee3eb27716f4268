/**
 * The bundler-side registration of TF.js gradients: `@tensorflow/tfjs-core` registers no
 * gradient functions by itself, so a browser bundle (the app's worker) imports this module
 * once, before training. Node registers them in `src/node/tf-node.ts` instead.
 * Importing it twice is harmless (TF.js keeps the first registration of each gradient).
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';
