import { MpoError } from './errors.js';

/**
 * Everything that determines a fit. Written to `config.json` next to the results, so that a run
 * is reproducible from it (`mpo fit --config out/config.json`). Flags use the kebab-case form of
 * each key (`batchSize` -> `--batch-size`).
 */
export interface FitConfig {
  /** Built-in picture name, image file (PNG/JPEG) or text grid (.txt). Ignored when `randomMask` is set. */
  pattern: string;
  /** Cells per side for built-ins, random masks and images (images keep their aspect ratio). */
  patternSize: number;
  /** Fill probability of a random square mask (section 4.2); `null` for a picture. */
  randomMask: number | null;
  /** Images: grey level (0..1) below which a cell is black. */
  threshold: number;
  /** Images: swap black and white. */
  invert: boolean;
  /**
   * Train only the boundary cells, as the original code does (ternary mask). Default false: every
   * cell is trained. Measured on the default heart (24x24, MLP, 800 steps): the ternary mask let
   * the ignored interior drift (test AUC 0.94 and falling) where training all cells reached 0.999.
   */
  ignoreInterior: boolean;
  /** Model registry name: `mlp`, `cnn`, `bn-cnn`, `plain-cnn6`, `cnn-color`. */
  model: string;
  /** Batch-norm scale convention (appendix C): `paper` stores U[-0.5,0.5] and adds 0.5; `original` stores 0 and adds 1. */
  bnScale: 'paper' | 'original';
  /** Dataset: `fashion-mnist-subset` (embedded, offline), `fashion-mnist`, `mnist`, `cifar10`. */
  dataset: string;
  /** Folder with the dataset's files (else $MPO_DATA_DIR, the cache, Debian's folder, a download). */
  dataDir: string | null;
  /** Use only the first N training images (null: all). */
  trainImages: number | null;
  /** Training steps (Adam updates). */
  steps: number;
  /** Images per step, shared by all cells of a step. */
  batchSize: number;
  /** Black cells and white cells sampled per step (each). */
  cellsPerStep: number;
  /** Adam learning rate. */
  lr: number;
  /** Learning-rate schedule: `constant`, or `cosine` decay to 10% over the run. */
  lrSchedule: 'constant' | 'cosine';
  /** Global gradient-norm clip (0 = off). */
  gradClip: number;
  /** Clip of the white cells' cross-entropy (eq. 3 with appendix B's threshold). */
  whiteClip: number;
  /**
   * Initial scale s of the plane's directions (appendix B: 0.1; the paper CNN's default is 0.2).
   * s is learnable but hardly moves in training, so its start sets how far apart the cells'
   * networks are: 0.2 found the race ring in a median of 52 s over three seeds, 0.1 in 95 s (docs/speed.md).
   */
  scaleInit: number;
  /** Seed of all randomness: initialisation, batches, cells, random masks. */
  seed: number;
  /** Cells per gradient computation (memory bound); null picks per model. */
  chunkSize: number | null;
  /** Test (and train) images used for the final landscapes. */
  evalImages: number;
  /** Extra cells evaluated around the pattern in the final landscapes. */
  evalPadding: number;
  /** Points per cell spacing in the final landscapes. */
  evalResolution: number;
  /** Write a metrics line every N steps. */
  logEvery: number;
  /** Measure the test AUC on `quickEvalImages` images every N steps (0 = never). */
  evalEvery: number;
  /** Images of the periodic quick evaluation. */
  quickEvalImages: number;
  /** Write a checkpoint every N steps. */
  checkpointEvery: number;
  /**
   * Worker threads that share each step's cells and the landscape's points, each with its own
   * single-threaded backend (null: one per core; 1: everything in the main thread). Node only.
   */
  workers: number | null;
  /** TensorFlow.js backend: `wasm` (default), `cpu`, or `tensorflow` (needs @tensorflow/tfjs-node). */
  backend: 'wasm' | 'cpu' | 'tensorflow';
}

/**
 * Defaults: chosen so that `mpo fit` with no arguments draws the default picture on the
 * embedded FashionMNIST subset in a few minutes on two cores.
 */
export const DEFAULT_FIT_CONFIG: Readonly<FitConfig> = Object.freeze({
  pattern: 'heart',
  patternSize: 24,
  randomMask: null,
  threshold: 0.5,
  invert: false,
  ignoreInterior: false,
  model: 'mlp',
  bnScale: 'paper',
  dataset: 'fashion-mnist-subset',
  dataDir: null,
  trainImages: null,
  steps: 600,
  batchSize: 256,
  cellsPerStep: 50,
  lr: 1e-3,
  lrSchedule: 'cosine',
  gradClip: 100,
  whiteClip: 2.5,
  scaleInit: 0.1,
  seed: 1,
  chunkSize: null,
  evalImages: 2000,
  evalPadding: 2,
  evalResolution: 1,
  logEvery: 10,
  evalEvery: 100,
  quickEvalImages: 500,
  checkpointEvery: 50,
  workers: null,
  backend: 'wasm',
});

/**
 * Per-model defaults, applied over {@link DEFAULT_FIT_CONFIG} and under anything the user sets:
 * the convolutional models cost ~100x more per cell than the MLP, so they take fewer cells and
 * images per step and evaluate on fewer images. The paper CNN's defaults are the fastest
 * configuration of the pattern race (docs/speed.md, "Time to a pattern"): 10 + 10 cells at
 * batch 128, lr 1e-3, scale 0.2, every cell trained reached test AUC 0.95 on the 20x20 ring in
 * 39 s of training (seed 1; 52 s and > 120 s on seeds 3 and 2), against 90-96 s at scale 0.1 and
 * more than 180 s with the ternary mask.
 */
export const MODEL_DEFAULTS: Readonly<Record<string, Partial<FitConfig>>> = Object.freeze({
  cnn: { cellsPerStep: 10, batchSize: 128, lr: 1e-3, scaleInit: 0.2, steps: 300, evalImages: 1000, evalEvery: 50 },
  'cnn-color': { cellsPerStep: 10, batchSize: 128, lr: 1e-3, steps: 300, evalImages: 1000, evalEvery: 50 },
  'bn-cnn': { cellsPerStep: 2, batchSize: 64, lr: 1e-3, steps: 200, evalImages: 500, evalEvery: 50 },
  'plain-cnn6': { cellsPerStep: 2, batchSize: 64, lr: 1e-3, steps: 200, evalImages: 500, evalEvery: 50 },
});

type Kind = 'string' | 'int' | 'posint' | 'number' | 'prob' | 'bool';
const KINDS: { [K in keyof FitConfig]: { kind: Kind; nullable?: boolean; choices?: readonly string[] } } = {
  pattern: { kind: 'string' },
  patternSize: { kind: 'posint' },
  randomMask: { kind: 'prob', nullable: true },
  threshold: { kind: 'prob' },
  invert: { kind: 'bool' },
  ignoreInterior: { kind: 'bool' },
  model: { kind: 'string' },
  bnScale: { kind: 'string', choices: ['paper', 'original'] },
  dataset: { kind: 'string' },
  dataDir: { kind: 'string', nullable: true },
  trainImages: { kind: 'posint', nullable: true },
  steps: { kind: 'int' },
  batchSize: { kind: 'posint' },
  cellsPerStep: { kind: 'posint' },
  lr: { kind: 'number' },
  lrSchedule: { kind: 'string', choices: ['constant', 'cosine'] },
  gradClip: { kind: 'number' },
  whiteClip: { kind: 'number' },
  scaleInit: { kind: 'number' },
  seed: { kind: 'int' },
  chunkSize: { kind: 'posint', nullable: true },
  evalImages: { kind: 'posint' },
  evalPadding: { kind: 'int' },
  evalResolution: { kind: 'posint' },
  logEvery: { kind: 'posint' },
  evalEvery: { kind: 'int' },
  quickEvalImages: { kind: 'posint' },
  checkpointEvery: { kind: 'posint' },
  workers: { kind: 'posint', nullable: true },
  backend: { kind: 'string', choices: ['wasm', 'cpu', 'tensorflow'] },
};

/** The kebab-case flag of a config key (`batchSize` -> `batch-size`). */
export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function camel(key: string): string {
  return key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

/**
 * Checks and normalises a partial config (from a file or flags; keys in camelCase or
 * kebab-case, numbers possibly as strings). Unknown keys and bad values throw an MpoError
 * naming the key, what was wrong, and (for a typo) the closest known key. `source` names where it came from.
 */
export function parseConfig(raw: Record<string, unknown>, source: string): Partial<FitConfig> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new MpoError(`${source} must hold an object of settings (e.g. {"steps": 100}), got ${Array.isArray(raw) ? 'a list' : typeof raw}`);
  }
  const out: Record<string, unknown> = {};
  const known = Object.keys(KINDS);
  for (const [rawKey, value] of Object.entries(raw)) {
    const key = camel(rawKey);
    const spec = (KINDS as Record<string, { kind: Kind; nullable?: boolean; choices?: readonly string[] }>)[key];
    if (!spec) {
      const best = known.map((k) => [k, editDistance(key.toLowerCase(), k.toLowerCase())] as const).sort((a, b) => a[1] - b[1])[0];
      const hint = best && best[1] <= 3 ? `did you mean "${flagName(best[0])}"?` : `known keys: ${known.map(flagName).join(', ')}`;
      throw new MpoError(`unknown setting "${rawKey}" in ${source}: ${hint}`);
    }
    const name = `"${flagName(key)}" in ${source}`;
    if (value === null || value === undefined || value === 'null') {
      if (!spec.nullable) throw new MpoError(`${name} cannot be empty: give a value or remove it`);
      out[key] = null;
      continue;
    }
    switch (spec.kind) {
      case 'string': {
        const v = String(value);
        if (spec.choices && !spec.choices.includes(v)) throw new MpoError(`${name} is "${v}": choose one of ${spec.choices.join(', ')}`);
        out[key] = v;
        break;
      }
      case 'bool': {
        if (value === true || value === 'true') out[key] = true;
        else if (value === false || value === 'false') out[key] = false;
        else throw new MpoError(`${name} is "${value}": use true or false`);
        break;
      }
      default: {
        const v = typeof value === 'number' ? value : Number(String(value).trim());
        if (typeof value === 'boolean' || String(value).trim() === '' || !Number.isFinite(v)) throw new MpoError(`${name} is "${value}": give a number`);
        if ((spec.kind === 'int' || spec.kind === 'posint') && !Number.isInteger(v)) throw new MpoError(`${name} is ${v}: give a whole number`);
        if (spec.kind === 'posint' && v < 1) throw new MpoError(`${name} is ${v}: give a whole number >= 1`);
        if (spec.kind === 'int' && v < 0) throw new MpoError(`${name} is ${v}: give a whole number >= 0`);
        if (spec.kind === 'prob' && !(v > 0 && v < 1)) throw new MpoError(`${name} is ${v}: give a number between 0 and 1 (exclusive)`);
        if (spec.kind === 'number' && v < 0) throw new MpoError(`${name} is ${v}: give a number >= 0`);
        out[key] = v;
      }
    }
  }
  if (out.lr !== undefined && !((out.lr as number) > 0)) throw new MpoError(`"lr" in ${source} is ${out.lr}: give a learning rate > 0 (e.g. 0.001)`);
  return out as Partial<FitConfig>;
}

/**
 * Defaults, then the chosen model's defaults ({@link MODEL_DEFAULTS}), then each layer in order
 * (later layers win): e.g. config file, then flags.
 */
export function resolveConfig(...layers: Partial<FitConfig>[]): FitConfig {
  const model = [...layers].reverse().find((l) => l.model !== undefined)?.model ?? DEFAULT_FIT_CONFIG.model;
  return Object.assign({}, DEFAULT_FIT_CONFIG, MODEL_DEFAULTS[model] ?? {}, ...layers) as FitConfig;
}

/** The config keys, in documentation order. */
export const CONFIG_KEYS = Object.keys(KINDS) as (keyof FitConfig)[];
