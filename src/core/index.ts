/**
 * mpo core: multi-point optimization and loss-landscape evaluation, isomorphic (Node and
 * browsers). Node-only I/O (files, datasets on disk, PNG writing, the CLI) lives in `src/node`.
 */
export * from './errors.js';
export * from './random.js';
export * from './config.js';
export * from './plane/params.js';
export * from './plane/manifold.js';
export * from './plane/grid.js';
export * from './models/model.js';
export * from './models/mlp.js';
export * from './models/cnn.js';
export * from './models/registry.js';
export * from './pattern/index.js';
export * from './training/loss.js';
export * from './training/adam.js';
export * from './training/plane-state.js';
export * from './training/step.js';
export * from './landscape/evaluate.js';
export * from './landscape/metrics.js';
export * from './io/checkpoint.js';
export * from './io/export-layers.js';
export * as ops from './ops/index.js';
