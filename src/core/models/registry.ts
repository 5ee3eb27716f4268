import { MpoError } from '../errors.js';
import { createCnn } from './cnn.js';
import { createMlp } from './mlp.js';
import { createLayersModel, type LayersSource } from './layers-model.js';
import type { Model, ModelContext as BuiltinContext, ModelEntry } from './model.js';

export type { ModelEntry } from './model.js';
import { STUDY_MODELS } from './study-models.js';

/**
 * What a model is built for (see model.ts's context): the data's shape, the batch-norm convention,
 * and for a model read from a file (`--model path/model.json`) the parsed file (`mpo/node`'s
 * `readLayersSource` reads it), which worker threads receive with the rest of the context.
 */
export interface ModelContext extends BuiltinContext {
  /** The parsed TF.js Layers model when the model's name is a `.json` path ({@link isModelFile}). */
  readonly layers?: LayersSource;
}

/** Whether a `--model` value names a TF.js Layers model file (a path ending in `.json`) rather than a registry model. */
export function isModelFile(name: string): boolean {
  return typeof name === 'string' && /\.json$/i.test(name);
}

/** The models `--model` can name. */
export const MODELS: Readonly<Record<string, ModelEntry>> = {
  mlp: {
    description: 'MLP 784-128-10 (fast; first layer shared across cells)',
    create: (c) => createMlp({ inputShape: c.inputShape, numClasses: c.numClasses }),
  },
  /**
   * Three hidden layers instead of one (issue 22, icons): the plane's loss is a function of the
   * cell's coordinates through every layer, and a deeper network composes more kinks.
   */
  'mlp-deep': {
    description: 'MLP 784-128-128-128-10 (three hidden layers; every product shared across cells)',
    create: (c) => createMlp({ inputShape: c.inputShape, numClasses: c.numClasses, hidden: [128, 128, 128], name: 'mlp-deep' }),
  },
  cnn: {
    description: "the paper's CNN (appendix B): convs 8/32/64 + max-pool, adaptive pool 4x4, dense 128",
    create: (c) => createCnn({ inputShape: c.inputShape, numClasses: c.numClasses, name: 'cnn' }),
  },
  'cnn-color': {
    description: 'colour CNN for CIFAR-10: convs 16/32/64 each followed by a 2x2 max-pool, adaptive pool 4x4, dense 128',
    create: (c) => createCnn({ inputShape: c.inputShape, numClasses: c.numClasses, channels: [16, 32, 64], name: 'cnn-color' }),
  },
  /**
   * The original code's CIFAR-10 model as configured: its `ConvModel` has `use_maxpool` off by
   * default, so the convolutions keep the 32x32 resolution and only the adaptive pool reduces it
   * (about 21x the convolution cost of `cnn-color`).
   */
  'cnn-color-nopool': {
    description: "the original code's CIFAR-10 CNN: convs 16/32/64 without max-pool (use_maxpool off), adaptive pool 4x4, dense 128",
    create: (c) => createCnn({ inputShape: c.inputShape, numClasses: c.numClasses, channels: [16, 32, 64], pool: false, name: 'cnn-color-nopool' }),
  },
  'bn-cnn': {
    description: 'the BN study CNN (appendix B): convs 8/8/32/32/64/64 with batch norm, no pooling, dense 128',
    create: (c) =>
      createCnn({
        inputShape: c.inputShape,
        numClasses: c.numClasses,
        channels: [8, 8, 32, 32, 64, 64],
        pool: false,
        batchNorm: true,
        bnScale: c.bnScale,
        name: 'bn-cnn',
      }),
  },
  'plain-cnn6': {
    description: 'the BN study CNN without batch norm: convs 8/8/32/32/64/64, no pooling, dense 128',
    create: (c) =>
      createCnn({
        inputShape: c.inputShape,
        numClasses: c.numClasses,
        channels: [8, 8, 32, 32, 64, 64],
        pool: false,
        name: 'plain-cnn6',
      }),
  },
  ...STUDY_MODELS,
};

/**
 * Builds the model named `name`, or throws an MpoError listing the known names. A `.json` path
 * ({@link isModelFile}) is built from `ctx.layers`, the parsed file ({@link createLayersModel}).
 */
export function createModel(name: string, ctx: ModelContext): Model {
  if (isModelFile(name)) {
    if (!ctx.layers) throw new MpoError(`model "${name}" is a file: read it first (mpo/node's readLayersSource) and pass it as the context's layers`);
    return createLayersModel(ctx.layers, ctx);
  }
  const entry = MODELS[name];
  if (!entry) throw new MpoError(`unknown model "${name}": choose one of ${Object.keys(MODELS).join(', ')}, or a TF.js Layers model.json`);
  return entry.create(ctx);
}
