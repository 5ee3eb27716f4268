import { type FitConfig } from '../../src/core/index.js';

/** Backends the app can run on. */
export type BackendName = 'wasm' | 'webgl' | 'webgpu';

/** The manifolds the app fits: a line (d = 1, a strip of cells), the plane (d = 2, a picture) or a volume (d = 3, a stack of slices). */
export type ManifoldName = 'line' | 'plane' | 'volume';

/**
 * The training settings the user controls, under the core's names ({@link FitConfig}; their
 * labels, ranges, defaults and URL keys come from the settings table, see app-settings.ts); the
 * rest of the step options are the CLI's defaults.
 */
export type Settings = Pick<FitConfig, 'cellsPerStep' | 'batchSize' | 'lr' | 'scaleInit' | 'seed'> & {
  /** The manifold's dimension by name (a new manifold starts a new plane). */
  manifold: ManifoldName;
  /** Model registry name: `mlp` or `cnn` (the models built for the app's 28x28 data). */
  model: 'mlp' | 'cnn';
  /** Backend asked for (the browser's: webgl instead of the CLI's cpu). */
  backend: BackendName;
};

/**
 * A target as plain data (slice-major, then row-major; 1 = black = low loss wanted): a picture,
 * a strip (height 1, for a line) or a stack of `depth` slices (for a volume).
 */
export interface PatternData {
  /** Slices of a volume's target (absent or 1: a picture or a strip). */
  depth?: number;
  height: number;
  width: number;
  cells: Uint8Array;
  /** Human-readable name: a built-in's name, `drawn`, `strip`, an upload's name or `random-p<p>`. */
  name: string;
  /**
   * How the CLI can rebuild it (for the saved config.json): an untouched built-in (a picture, or
   * a 3D solid) at this size, an untouched random mask (seeded with the run's seed), or explicit
   * cells (a strip is saved inline as `1d:...`, other cells as pattern.txt).
   */
  origin: { kind: 'builtin'; name: string; } | { kind: 'random'; p: number; } | { kind: 'cells'; };
}

/**
 * The query parameter that lets the webgpu choice run on a software adapter (SwiftShader, a
 * fallback adapter), which the app otherwise declines as slower than wasm: `?gpu=software` in the
 * page's URL (the query, not the hash: it is no setting to share, and the hash is rewritten) is
 * passed on in the worker's URL. For tests of the app's real WebGPU path in headless Chromium.
 */
export const SOFTWARE_GPU_PARAM = { name: 'gpu', value: 'software' } as const;

/** Whether a URL query (`location.search`) carries {@link SOFTWARE_GPU_PARAM}. */
export function softwareGpuAllowed(search: string): boolean {
  return new URLSearchParams(search).get(SOFTWARE_GPU_PARAM.name) === SOFTWARE_GPU_PARAM.value;
}

/** Page -> worker. */
export type ToWorker =
  | { type: 'init'; backend: BackendName; }
  /** A new plane for these settings and pattern (stops training). */
  | { type: 'reset'; settings: Settings; pattern: PatternData; }
  /** Hyper-parameters that apply from the next step on, without a new plane. */
  | { type: 'hyper'; settings: Settings; }
  /** A new target of the same size for the current plane (training continues). */
  | { type: 'pattern'; pattern: PatternData; }
  | { type: 'play'; }
  | { type: 'pause'; }
  | { type: 'step'; }
  /** Asks for the checkpoint bytes and the run's config.json. */
  | { type: 'save'; id: number; }
  /** Replaces the plane by a checkpoint (its model must match the settings'). */
  | { type: 'load'; id: number; bytes: Uint8Array; }
  /** A few test images with the predictions of the network at a cell (index into the pattern's cells). */
  | { type: 'probe'; id: number; cell: number; }
  /** The network at a cell as a TF.js layers model. */
  | { type: 'export'; id: number; cell: number; }
  /** Li et al.'s filter-normalised random plane around w_O: `points x points` points, a and b in [-1, 1]. */
  | { type: 'classicPlane'; id: number; points: number; seed: number; /** `opened`: around the network opened with `classicOpen`, not w_O. */ net?: 'opened'; }
  /** Opens a TF.js Layers network (model.json and the weight files its manifest names) for the classic views. */
  | { type: 'classicOpen'; id: number; files: { name: string; bytes: Uint8Array; }[]; }
  /** The loss along `(1 - t) A + t B`, t in [-0.5, 1.5]; A and B are cells' networks (null: w_O). */
  | { type: 'classicLine'; id: number; from: number | null; to: number | null; points: number; };

/** Statistics of one training step, as shown by the page. */
export interface StepInfo {
  step: number;
  loss: number;
  ceBlack: number;
  ceWhite: number;
  scale: number;
  lr: number;
  /** Training seconds so far (landscape evaluations excluded). */
  seconds: number;
  /** Wall-clock steps per second over the last seconds (evaluations included). */
  stepsPerSecond: number;
}

/** A test landscape over the pattern's cells with its metrics. */
export interface LandscapeInfo {
  step: number;
  /** Manifold dimension d it was evaluated on. */
  dims: number;
  /** Slices (a volume's depth; 1 otherwise). */
  slices: number;
  rows: number;
  cols: number;
  loss: Float32Array;
  acc: Float32Array;
  auc: number;
  /** The test AUC of the untrained plane (the same settings at step 0) on the same target: what training is measured against. */
  untrainedAuc: number;
  accBlack: number;
  accWhite: number;
  /** Test images it was measured on. */
  images: number;
  /** Seconds the evaluation took. */
  seconds: number;
}

/** Li et al.'s random plane around w_O: rows b from +1 (top) to -1, columns a from -1 to +1. */
export interface ClassicPlaneInfo {
  /** Training step of the manifold whose w_O it is centred on. */
  step: number;
  /** The opened network's file it is centred on (absent: the manifold's w_O). */
  net?: string;
  points: number;
  seed: number;
  loss: Float32Array;
  acc: Float32Array;
  images: number;
  seconds: number;
}

/** The loss along the straight line between two networks. */
export interface ClassicLineInfo {
  step: number;
  /** The end points' cells (null: w_O). */
  from: number | null;
  to: number | null;
  t: number[];
  loss: Float32Array;
  acc: Float32Array;
  images: number;
  seconds: number;
}

/** Worker -> page. */
export type FromWorker =
  | { type: 'progress'; label: string; loaded: number; total: number; }
  | { type: 'ready'; backend: string; trainImages: number; testImages: number; note?: string; }
  | { type: 'step'; info: StepInfo; }
  | { type: 'landscape'; info: LandscapeInfo; }
  | { type: 'status'; running: boolean; step: number; }
  | { type: 'saved'; id: number; checkpoint: Uint8Array; config: string; patternText: string | null; }
  /** A checkpoint was loaded; `settings` and `pattern` are the run's own (absent: a checkpoint that does not carry them). */
  | { type: 'loaded'; id: number; step: number; settings?: Settings; pattern?: PatternData; }
  | { type: 'probe'; id: number; cell: number; pixels: Uint8Array; size: number; labels: number[]; predicted: number[]; confidence: number[]; }
  | { type: 'classicPlane'; id: number; info: ClassicPlaneInfo; }
  /** A network was opened: its file's name and its layers. */
  | { type: 'classicOpened'; id: number; name: string; description: string; }
  | { type: 'classicLine'; id: number; info: ClassicLineInfo; }
  | { type: 'exported'; id: number; files: { name: string; bytes: Uint8Array; }[]; }
  | { type: 'error'; message: string; id?: number; };

/** What the app says when a file is not a whole, undamaged checkpoint (the CLI's advice, to delete it and start again, does not fit a page). */
export const DAMAGED_CHECKPOINT = 'this checkpoint is damaged: choose another file';

/** FashionMNIST's class names, by label. */
export const CLASS_NAMES: readonly string[] = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];
