/**
 * Neural-network ops with gradients that are fast and correct on the WASM backend
 * (and on every other TF.js backend).
 */
export { adaptiveAvgPool2d, adaptivePoolMatrix } from './adaptive-pool.js';
export { batchNorm, type BatchNormOptions } from './batch-norm.js';
export { conv2d, type Conv2dOptions } from './conv2d.js';
export { dense, batchedDense, type DenseOptions } from './dense.js';
export { maxPool2x2 } from './max-pool.js';
export { channelSum, channelMoments, sumScalars } from './reduce.js';
