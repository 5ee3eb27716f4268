/**
 * Messages between the page (`main.ts`) and the training worker (`worker.ts`). Everything that
 * touches TF.js happens in the worker; the page only draws. Typed arrays are transferred.
 */

/** Backends the app can run on. */
export type BackendName = 'wasm' | 'webgl' | 'webgpu';

/** The training settings the user controls (the rest of the step options are the CLI's defaults). */
export interface Settings {
  /** Model registry name: `mlp` or `cnn`. */
  model: 'mlp' | 'cnn';
  /** Black cells and white cells sampled per step (each). */
  cellsPerStep: number;
  /** Images per step. */
  batchSize: number;
  /** Adam learning rate (constant: a playground has no end of run for a schedule). */
  lr: number;
  /** Initial scale s of the plane's directions. */
  scale: number;
  /** Seed of initialisation and sampling (and of random masks). */
  seed: number;
  /** Backend asked for. */
  backend: BackendName;
}

/** A target picture as plain data (row-major, 1 = black = low loss wanted). */
export interface PatternData {
  height: number;
  width: number;
  cells: Uint8Array;
  /** Human-readable name: a built-in's name, `drawn`, an upload's name or `random-p<p>`. */
  name: string;
  /**
   * How the CLI can rebuild it (for the saved config.json): an untouched built-in at this size,
   * an untouched random mask (seeded with the run's seed), or explicit cells (saved as pattern.txt).
   */
  origin: { kind: 'builtin'; name: string; } | { kind: 'random'; p: number; } | { kind: 'cells'; };
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
  /** A few test images with the predictions of the network at cell (row, col). */
  | { type: 'probe'; id: number; row: number; col: number; }
  /** The network at cell (row, col) as a TF.js layers model. */
  | { type: 'export'; id: number; row: number; col: number; };

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
  rows: number;
  cols: number;
  loss: Float32Array;
  acc: Float32Array;
  auc: number;
  accBlack: number;
  accWhite: number;
  /** Test images it was measured on. */
  images: number;
  /** Seconds the evaluation took. */
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
  | { type: 'loaded'; id: number; step: number; }
  | { type: 'probe'; id: number; row: number; col: number; pixels: Uint8Array; size: number; labels: number[]; predicted: number[]; confidence: number[]; }
  | { type: 'exported'; id: number; files: { name: string; bytes: Uint8Array; }[]; }
  | { type: 'error'; message: string; id?: number; };

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
