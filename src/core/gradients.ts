/**
 * The bundler-side registration of what `@tensorflow/tfjs-core` leaves out: the gradient
 * functions. A browser bundle (the app's worker) imports this module (`mpo/gradients`) once,
 * before training; Node gets all of tfjs-core's gradients from the `@tensorflow/tfjs` package in
 * `src/node/tf-node.ts`.
 *
 * Only the gradients of the kernels the core differentiates through are registered (24 of
 * tfjs-core's 101; the core's convolution, pooling, dense and batch-norm ops bring their own
 * backward passes through `tf.customGrad`), which keeps about 45 KiB of gradient code out of
 * the bundle. `test/core-tfjs-core.test.ts` trains every model of the registry on every manifold
 * (and with the decorrelation regulariser) with no other gradient registered: an op added to the
 * core whose gradient is missing here fails that test, naming the kernel.
 *
 * The core calls ops as functions (`tf.cast(t, ...)`), never as chained tensor methods, so
 * tfjs-core's chained-op registration is not needed (the same test file checks it).
 * Importing this module twice is harmless.
 */
import { registerGradient, type GradConfig } from '@tensorflow/tfjs-core';
import { addGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Add_grad.js';
import { addNGradConfig } from '@tensorflow/tfjs-core/dist/gradients/AddN_grad.js';
import { avgPoolGradConfig } from '@tensorflow/tfjs-core/dist/gradients/AvgPool_grad.js';
import { batchMatMulGradConfig } from '@tensorflow/tfjs-core/dist/gradients/BatchMatMul_grad.js';
import { castGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Cast_grad.js';
import { clipByValueGradConfig } from '@tensorflow/tfjs-core/dist/gradients/ClipByValue_grad.js';
import { concatGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Concat_grad.js';
import { expandDimsGradConfig } from '@tensorflow/tfjs-core/dist/gradients/ExpandDims_grad.js';
import { identityGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Identity_grad.js';
import { meanGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Mean_grad.js';
import { multiplyGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Multiply_grad.js';
import { negGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Neg_grad.js';
import { packGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Pack_grad.js';
import { divGradConfig } from '@tensorflow/tfjs-core/dist/gradients/RealDiv_grad.js';
import { reluGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Relu_grad.js';
import { reshapeGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Reshape_grad.js';
import { sliceGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Slice_grad.js';
import { softmaxGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Softmax_grad.js';
import { splitVGradConfig } from '@tensorflow/tfjs-core/dist/gradients/SplitV_grad.js';
import { sqrtGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Sqrt_grad.js';
import { squareGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Square_grad.js';
import { subGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Sub_grad.js';
import { sumGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Sum_grad.js';
import { transposeGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Transpose_grad.js';

/** The gradient functions the core needs, by kernel; {@link registerGradient}ed on import. */
export const CORE_GRADIENTS: readonly GradConfig[] = [
  addGradConfig,
  addNGradConfig,
  avgPoolGradConfig,
  batchMatMulGradConfig,
  castGradConfig,
  clipByValueGradConfig,
  concatGradConfig,
  expandDimsGradConfig,
  identityGradConfig,
  meanGradConfig,
  multiplyGradConfig,
  negGradConfig,
  packGradConfig,
  divGradConfig,
  reluGradConfig,
  reshapeGradConfig,
  sliceGradConfig,
  softmaxGradConfig,
  splitVGradConfig,
  sqrtGradConfig,
  squareGradConfig,
  subGradConfig,
  sumGradConfig,
  transposeGradConfig,
];

for (const config of CORE_GRADIENTS) registerGradient(config);
