/**
 * The table of settings of a fit: one entry per setting, and everything else derives from it
 * (the {@link FitConfig} type, the defaults, the per-model defaults, validation, the config-file
 * keys and the `mpo fit` flags; see `config.ts`). Adding a setting is adding one entry here.
 * Modelled on TensorFlow Playground's `State.PROPS`.
 *
 * Entry order is documentation order: `mpo fit --help`, `config.json` and {@link CONFIG_KEYS}
 * follow it.
 */

import { MAX_PATTERN_SIDE } from './pattern/pattern.js';

/** How a setting's value is read and checked: text, whole number, number, or true/false. */
export type SettingKind = 'string' | 'int' | 'number' | 'bool';

/** Allowed interval of a numeric setting; bounds are inclusive unless marked open. */
export interface SettingRange {
  /** Lower bound (none: unbounded below). */
  readonly min?: number;
  /** Upper bound (none: unbounded above). */
  readonly max?: number;
  /** The lower bound itself is not allowed (`> min`). */
  readonly minOpen?: boolean;
  /** The upper bound itself is not allowed (`< max`). */
  readonly maxOpen?: boolean;
}

/** One row of the table: a setting whose value has type `T`. */
export interface Setting<T> {
  /** How the value is read from files and flags and checked. */
  readonly kind: SettingKind;
  /** Value when neither the model, a config file nor a flag sets it. */
  readonly default: T;
  /** `null` is a valid value (files: `null`; flags: `--key null`). */
  readonly nullable: boolean;
  /** Allowed numbers (`int` and `number` kinds). */
  readonly range?: SettingRange;
  /** Allowed values (`string` kind); anything else is refused with the list. */
  readonly choices?: readonly string[];
  /** One line, shown by `mpo fit --help`. */
  readonly help: string;
  /** Longer documentation (why the default, what the original code does, measurements). */
  readonly doc?: string;
  /** How `--help` shows the default when the value itself says little (e.g. for `null`). */
  readonly defaultText?: string;
  /** What to give, in the error of an out-of-range value, when the range alone says too little. */
  readonly give?: string;
  /** Per-model defaults (model registry name -> value), applied over `default` when that model is chosen. */
  readonly perModel?: Readonly<Record<string, T>>;
  /** How the browser app shows this setting, when it does (its controls, ranges, defaults and URL keys derive from this). */
  readonly app?: AppSetting<T>;
}

/**
 * A setting in the browser app (web/): what differs from the CLI, and why, is said here, so that
 * the app and `mpo fit` share one table. Absent fields take the setting's own.
 */
export interface AppSetting<T> {
  /** The control's label, also used in its error message (e.g. `cells / step`). */
  readonly label: string;
  /** The key in the app's URL hash (short, as share links are typed; default: the flag name). */
  readonly urlKey?: string;
  /** The app's default, where a playground needs another (e.g. fewer cells per step for frames per second). */
  readonly default?: T;
  /** The app's allowed interval, where a browser tab needs a bound the CLI does not (memory, a 32-bit seed). */
  readonly range?: SettingRange;
  /** The app's choices, where it offers fewer (the models built for its 28x28 data). */
  readonly choices?: readonly string[];
}

type Spec<T> = Omit<Setting<T>, 'kind' | 'nullable' | 'choices'>;

const make = <T>(kind: SettingKind, nullable: boolean, spec: Spec<T>, choices?: readonly string[]): Setting<T> =>
  Object.freeze({ kind, nullable, ...spec, ...(choices ? { choices: Object.freeze([...choices]) } : {}) });
const text = (s: Spec<string>) => make('string', false, s);
const textOrNull = (s: Spec<string | null>) => make('string', true, s);
const oneOf = <C extends string>(choices: readonly C[], s: Spec<C>) => make<C>('string', false, s, choices);
const int = (s: Spec<number>) => make('int', false, s);
const intOrNull = (s: Spec<number | null>) => make('int', true, s);
const num = (s: Spec<number>) => make('number', false, s);
const numOrNull = (s: Spec<number | null>) => make('number', true, s);
const flag = (s: Spec<boolean>) => make('bool', false, s);

const POSITIVE: SettingRange = { min: 1 };
const NON_NEGATIVE: SettingRange = { min: 0 };
const OPEN_UNIT: SettingRange = { min: 0, max: 1, minOpen: true, maxOpen: true };

/**
 * The per-model defaults of the convolutional models: they cost ~100x more per cell than the
 * MLP, so they take fewer cells and images per step and evaluate on fewer images. The paper
 * CNN's are the fastest configuration of the pattern race (docs/speed.md, "Time to a pattern"):
 * 10 + 10 cells at batch 128, lr 1e-3, scale 0.2, every cell trained reached test AUC 0.95 on the
 * 20x20 ring in 39 s of training (seed 1; 52 s and > 120 s on seeds 3 and 2), against 90-96 s at
 * scale 0.1 and more than 180 s with the ternary mask. `conv(a, b)`: `a` for `cnn` and `cnn-color`,
 * `b` for the batch-norm study's pair `bn-cnn` and `plain-cnn6`.
 */
const conv = <T>(cnn: T, bn: T): Record<string, T> => ({ cnn, 'cnn-color': cnn, 'cnn-color-nopool': cnn, 'bn-cnn': bn, 'plain-cnn6': bn });

/**
 * Every setting of `mpo fit`, in documentation order: its kind, default, allowed range or
 * choices, whether it may be null, one-line help, longer doc and per-model defaults.
 * Defaults are chosen so that `mpo fit` with no arguments draws the default picture on the
 * embedded FashionMNIST subset in a few minutes on two cores.
 */
export const SETTINGS = Object.freeze({
  pattern: text({
    default: 'heart',
    help: "a plane's picture: built-in name (see mpo patterns), PNG/JPEG image or .txt grid; a line's 1D strip: 1d:##..## "
      + "(# black, . white; default 1d:##..##..##); a volume's 3D pattern: sphere-shell, ball, cube-frame (default, 6 per side) "
      + 'or a .txt grid of slices separated by a blank line or ---',
    doc: 'Built-in picture name, image file (PNG/JPEG) or text grid (.txt). Ignored when `randomMask` is set.',
  }),
  patternSize: int({
    default: 24,
    range: { min: 1, max: MAX_PATTERN_SIDE },
    help: "cells per side (built-ins, 3D solids, random masks; longest side of images; the volume's default cube-frame: 6)",
    doc: 'Cells per side for built-ins, random masks and images (images keep their aspect ratio). '
      + `Patterns accept 1..${MAX_PATTERN_SIDE} (random masks at least 2).`,
  }),
  randomMask: numOrNull({
    default: null,
    range: OPEN_UNIT,
    defaultText: 'none, --pattern is fitted',
    help: 'fit a random square mask with this fill probability (section 4.2) instead of a picture',
    doc: 'Fill probability of a random square mask (section 4.2); `null` for a picture.',
  }),
  randomMaskFrame: flag({
    default: false,
    help: "random masks: the original code's framed square (white border, black frame, random interior)",
    doc: "Build random masks as the original code's study does (`generate_square_mask` then "
      + '`randomly_fill_square`): row and column 0 and the last ones white, a one-cell black frame just inside '
      + 'them, and only the interior (side - 4) x (side - 4) cells drawn black with probability `randomMask`. '
      + "Off: every cell is drawn (the paper's text).",
  }),
  maskSeed: intOrNull({
    default: null,
    range: NON_NEGATIVE,
    defaultText: 'a hash of --seed',
    help: 'seed of the random mask, a stream separate from the initialisation',
    doc: 'Seed of the random mask. Default null: derived from `seed` by a hash (`deriveSeed(seed, "mask")`), '
      + 'so the mask and the initial theta come from separate streams (until issue 10 both used `seed` itself, '
      + "which changed the random-mask runs' masks and numbers when the derivation was introduced).",
  }),
  threshold: num({
    default: 0.5,
    range: OPEN_UNIT,
    help: 'images: grey level (0..1) below which a cell is black',
  }),
  invert: flag({
    default: false,
    help: 'images: swap black and white cells',
  }),
  ignoreInterior: flag({
    default: false,
    help: 'train only the boundary cells and the rim outside them, as the original code (off: every cell)',
    doc: 'Train only the boundary cells, as the original code does (ternary mask). Default false: every '
      + 'cell is trained. Measured on the default heart (24x24, MLP, 800 steps): the ternary mask let '
      + 'the ignored interior drift (test AUC 0.94 and falling) where training all cells reached 0.999.',
  }),
  manifold: oneOf(['line', 'plane', 'volume'], {
    default: 'plane',
    app: { label: 'manifold' },
    help: 'manifold of the fitted points: line (1D strip), plane (2D picture) or volume (3D solid)',
    doc: 'Dimension d of the fitted manifold (eq. 1 with d directions, made orthogonal and of equal norm '
      + 'by Gram-Schmidt as eq. 2): `line` (d = 1) fits a 1D strip such as `--pattern 1d:##..##..##`, `plane` '
      + '(d = 2) a picture, `volume` (d = 3) a 3D pattern: a generated solid (`sphere-shell`, `ball`, '
      + '`cube-frame`, radial; `diagonal-slab`, not radial; `--pattern-size` cells per side) or a .txt grid whose slices are separated by a blank '
      + 'line or `---`. With the default pattern, a line fits `1d:##..##..##` and a volume a 6-cell `cube-frame`.',
  }),
  regulariser: oneOf(['none', 'decorrelate'], {
    default: 'none',
    help: 'extra term on the black cells: decorrelate = Rosen (1996) penalty on correlated errors (an ensemble)',
    doc: "Regulariser added to eq. 3 over each step's black cells (the ensemble's members): `decorrelate` adds "
      + '`lambda` times the mean over pairs of members of the Pearson correlation of their error vectors '
      + "(softmax minus one-hot, flattened over the batch and classes) on the step's batch (Rosen 1996; "
      + "src/core/training/decorrelate.ts). All the step's cells are then computed in one pass in the main thread.",
  }),
  lambda: num({
    default: 1,
    range: NON_NEGATIVE,
    help: 'weight of the regulariser (--regulariser decorrelate)',
  }),
  model: text({
    default: 'mlp',
    app: { label: 'model', choices: ['mlp', 'cnn'] },
    help: 'model: mlp | cnn | cnn-color | cnn-color-nopool | bn-cnn | plain-cnn6, or a TF.js Layers model.json (its architecture)',
    doc: 'Model registry name: `mlp`, `cnn`, `bn-cnn`, `plain-cnn6`, `cnn-color`, `cnn-color-nopool` (the original '
      + "code's CIFAR-10 model: no max-pool). The convolutional "
      + 'models bring their own defaults for some settings (the `perModel` column). A path ending in `.json` is a TF.js '
      + 'Layers model (what `model.save()` writes, or `tensorflowjs_converter` makes from Keras): a Sequential or plain chain '
      + 'of Dense, Conv2D, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, Flatten, Reshape, Activation, Dropout and '
      + 'BatchNormalization layers becomes an mpo model with parameters named `<layer>/<weight>` (`dense_1/kernel`); '
      + 'config.json records the path and checkpoints the path and a hash of the file (see README, "Your own model and data").',
  }),
  initFrom: textOrNull({
    default: null,
    defaultText: 'none, w_O is drawn at random',
    help: "start the plane's centre w_O at a trained network: a TF.js Layers model.json (its weights.bin beside it)",
    doc: 'A TF.js Layers `model.json` whose weights (the files its manifest names, e.g. `weights.bin`, beside it) become '
      + "the plane's centre w_O, so the plane sightsees around a trained network; the directions are drawn as without it. "
      + "Its weights must match `model`'s parameters by name and shape (e.g. `--model m/model.json --init-from m/model.json`, "
      + 'or a built-in model exported by `mpo export`).',
  }),
  bnStats: oneOf(['batch', 'moving'], {
    default: 'batch',
    help: "BatchNormalization layers of a model.json: each batch's statistics (as mpo's BN models) or the file's moving statistics",
    doc: "How the BatchNormalization layers of a `--model` file normalise: `batch` (each batch's mean and variance, as mpo's "
      + 'own batch-norm models are trained and evaluated) or `moving` (frozen: the moving mean and variance read from the '
      + "file's weights, as Keras's inference does). Built-in models ignore it.",
  }),
  bnScale: oneOf(['paper', 'original'], {
    default: 'paper',
    help: 'batch-norm scale convention: paper stores U[-0.5,0.5] and adds 0.5, original stores 0 and adds 1',
    doc: 'Batch-norm scale convention (appendix C): `paper` stores U[-0.5,0.5] and adds 0.5; `original` stores 0 and adds 1.',
  }),
  dataset: text({
    default: 'fashion-mnist-subset',
    help: 'dataset: fashion-mnist-subset (embedded) | fashion-mnist | mnist | cifar10, or a folder: class sub-folders of images, or x_train.npy...',
    doc: 'Dataset: `fashion-mnist-subset` (embedded, offline), `fashion-mnist`, `mnist`, `cifar10`, or a folder of your own: '
      + 'one sub-folder of PNG/JPEG images per class (the ImageFolder convention; `train/` and `test/` of such folders, or one '
      + 'split by `testSplit`), or `x_train.npy`, `y_train.npy`, `x_test.npy`, `y_test.npy` (see README, "Your own model and data").',
  }),
  testSplit: num({
    default: 0.2,
    range: OPEN_UNIT,
    help: 'own image folder without train/ and test/: the share of each class held out as test images',
    doc: "For `dataset` a folder of class folders without `train/` and `test/`: the share of each class's images (the last by "
      + 'file name, at least one) held out as the test split. Ignored otherwise.',
  }),
  dataDir: textOrNull({
    default: null,
    defaultText: "$MPO_DATA_DIR, the cache, Debian's folder, a download",
    help: 'folder holding the dataset files',
    doc: "Folder with the dataset's files (else $MPO_DATA_DIR, the cache, Debian's folder, a download).",
  }),
  trainImages: intOrNull({
    default: null,
    range: POSITIVE,
    defaultText: 'all',
    help: 'use only the first N training images',
  }),
  steps: int({
    default: 600,
    range: NON_NEGATIVE,
    perModel: conv(300, 200),
    help: 'training steps',
    doc: 'Training steps (Adam updates).',
  }),
  batchSize: int({
    default: 256,
    // The app: half the images of the CLI's step; a tab's memory bounds it.
    app: { label: 'batch', urlKey: 'batch', default: 128, range: { min: 1, max: 2048 } },
    range: POSITIVE,
    perModel: conv(128, 64),
    help: 'images per step',
    doc: 'Images per step, shared by all cells of a step.',
  }),
  cellsPerStep: int({
    default: 50,
    // The app: 25 + 25 cells on 128 images cost about half a step of 50 + 50 on 256 and reached the heart's
    // test AUC 0.95 at the same step (10; Node, same loop): frames per second matter in a playground.
    app: { label: 'cells / step', urlKey: 'cells', default: 25, range: { min: 1, max: 500 } },
    range: POSITIVE,
    perModel: conv(10, 2),
    help: 'black and white cells sampled per step (each)',
  }),
  lr: num({
    // The convolutional models pin 1e-3 (the pattern race's setting) should the general default move.
    default: 1e-3,
    app: { label: 'learning rate', range: { min: 0, minOpen: true, max: 1 } },
    range: { min: 0, minOpen: true },
    give: 'a learning rate > 0 (e.g. 0.001)',
    perModel: conv(1e-3, 1e-3),
    help: 'Adam learning rate',
  }),
  lrSchedule: oneOf(['constant', 'cosine'], {
    default: 'cosine',
    help: 'learning-rate schedule',
    doc: 'Learning-rate schedule: `constant`, or `cosine` decay to 10% over the run.',
  }),
  gradClip: num({
    default: 100,
    range: NON_NEGATIVE,
    help: 'global gradient-norm clip (0 = off)',
  }),
  whiteClip: num({
    default: 2.5,
    range: NON_NEGATIVE,
    help: "clip of white cells' cross-entropy",
    doc: "Clip of the white cells' cross-entropy (eq. 3 with appendix B's threshold).",
  }),
  scaleInit: num({
    default: 0.1,
    // The app: 0.2 reached the heart's test AUC 0.96 at step 10 where 0.1 had 0.94, as the gallery found for the MLP.
    app: { label: 'scale s', urlKey: 'scale', default: 0.2, range: { min: 0, minOpen: true, max: 10 } },
    range: { min: 0, minOpen: true },
    perModel: { cnn: 0.2 },
    help: 'initial scale s of the plane',
    doc: "Initial scale s of the plane's directions (appendix B: 0.1; the paper CNN's default is 0.2). "
      + "s is learnable but hardly moves in training, so its start sets how far apart the cells' "
      + 'networks are: 0.2 found the race ring in a median of 52 s over three seeds, 0.1 in 95 s (docs/speed.md).',
  }),
  init: oneOf(['xavier', 'he'], {
    default: 'xavier',
    help: 'initialisation of the weights of w_O and of every direction: xavier (the paper) or he (for deep ReLU stacks)',
    doc: 'Initialisation of the weight tensors of w_O, w_up and phi_right (biases keep U[-1/sqrt(fanIn), 1/sqrt(fanIn)]): '
      + '`xavier` (appendix A) or `he` (U[-sqrt(6/fanIn), sqrt(6/fanIn)], He et al. 2015). Without batch norm, a 6-conv ReLU '
      + "stack under Xavier shrinks its signal layer by layer and learns slowly; `he` keeps the signal's scale.",
  }),
  seed: int({
    default: 1,
    app: { label: 'seed', range: { min: 0, max: 2 ** 31 - 1 } },
    range: NON_NEGATIVE,
    help: 'seed of all randomness',
    doc: 'Seed of all randomness: initialisation, batches, cells, augmentation; random masks through `maskSeed` (derived from it by default).',
  }),
  chunkSize: intOrNull({
    default: null,
    range: POSITIVE,
    defaultText: 'per model',
    help: 'cells per gradient computation (memory bound)',
    doc: 'Cells per gradient computation (memory bound); null picks per model.',
  }),
  measureTrainedOnly: flag({
    default: false,
    help: "measure AUC and accuracies only on the trained cells (the original code's study in effect)",
    doc: "Compute the summary's AUCs, accuracies and train-vs-test figures over the cells the ternary mask trains "
      + '(with `ignoreInterior`: the boundary and the rim outside it) instead of every cell of the pattern.',
  }),
  augment: flag({
    default: false,
    help: 'CIFAR-style augmentation of training images: pad-4 random crop, horizontal flip, a random erased square',
    doc: 'Augment every training batch as the original code does on CIFAR-10: zero-pad by 4 and crop back at a '
      + 'random offset, flip horizontally with probability 0.5, and zero a square of `augmentErase` pixels at a random '
      + 'centre (clipped at the border). The train landscape is evaluated on augmented training images too (one fixed '
      + "draw). Draws come from the run's generator, so a run is reproducible from its seed.",
  }),
  augmentErase: int({
    default: 16,
    range: NON_NEGATIVE,
    help: 'side of the erased square of --augment (0 = no erasure)',
    doc: 'Side in pixels of the square `augment` erases (0: none). 16 as issue 10 asks (the cutout length usually '
      + "used on CIFAR-10); the project's notes on the original code read an 8x8 square: pass 8 to compare.",
  }),
  evalImages: int({
    default: 2000,
    range: POSITIVE,
    perModel: conv(1000, 500),
    help: 'test and train images for the final landscapes',
  }),
  evalPadding: int({
    default: 2,
    range: NON_NEGATIVE,
    help: 'extra cells around the pattern in the final landscapes',
  }),
  evalResolution: int({
    default: 1,
    range: POSITIVE,
    help: 'points per cell spacing in the final landscapes',
  }),
  logEvery: int({
    default: 10,
    range: POSITIVE,
    help: 'write a metrics line every N steps',
  }),
  evalEvery: int({
    default: 100,
    range: NON_NEGATIVE,
    perModel: conv(50, 50),
    help: 'quick test AUC every N steps (0 = never)',
    doc: 'Measure the test AUC on `quickEvalImages` images every N steps (0 = never).',
  }),
  quickEvalImages: int({
    default: 500,
    range: POSITIVE,
    help: 'images of the quick evaluation',
  }),
  checkpointEvery: int({
    default: 50,
    range: POSITIVE,
    help: 'checkpoint every N steps',
  }),
  workers: intOrNull({
    default: null,
    range: POSITIVE,
    defaultText: 'one per core',
    help: 'worker threads sharing the cells (1 = none, everything in the main thread)',
    doc: "Worker threads that share each step's cells and the landscape's points, each with its own "
      + 'single-threaded backend (null: one per core; 1: everything in the main thread). Node only.',
  }),
  backend: oneOf(['wasm', 'cpu', 'tensorflow', 'webgpu'], {
    default: 'wasm',
    help: 'TensorFlow.js backend (tensorflow needs @tensorflow/tfjs-node; webgpu a GPU with a Vulkan driver)',
    doc: 'TensorFlow.js backend: `wasm` (default), `cpu`, `tensorflow` (needs @tensorflow/tfjs-node, installed by you), or `webgpu` '
      + "(a GPU through Dawn's `webgpu` package: needs libvulkan1 and the GPU vendor's Vulkan driver; checked by a self-test against wasm "
      + 'before training; runs in one thread, --workers does not apply). See docs/gpu.md.',
  }),
});

/** The value type of a table entry (`Setting<T>` -> `T`). */
export type SettingValue<S> = S extends Setting<infer T> ? T : never;

/** A setting's name: a key of {@link SETTINGS} (camelCase; the flag is its kebab-case form). */
export type SettingName = keyof typeof SETTINGS;
