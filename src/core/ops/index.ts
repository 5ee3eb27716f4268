/**
 * Neural-network ops with gradients that are fast and correct on the WASM backend
 * (and on every other TF.js backend).
 */
export { conv2d, type Conv2dOptions } from './conv2d.js';
export { maxPool2x2 } from './max-pool.js';
export { dense, batchedDense, type DenseOptions } from './dense.js';
export { adaptiveAvgPool2d, adaptivePoolMatrix } from './adaptive-pool.js';
export { batchNorm, type BatchNormOptions } from './batch-norm.js';
export { channelSum, channelMoments } from './reduce.js';
