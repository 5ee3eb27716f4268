/** The page's diagnostics for tests and curious users: `window.mpoApp` in the console. */
import type { LandscapeInfo } from './protocol.js';

/** The AUC chart's data (the views' `AucChart`, repeated here so that the diagnostics import no view). */
export interface AucChartDiag {
  steps: number[];
  auc: number[];
  untrained: number;
  yRange: [number, number];
}

/** Counts, timings and last results of the page (`window.mpoApp`). */
export interface AppDiag {
  /** The backend the worker runs on. */
  backend: string;
  /** The last training step reported. */
  step: number;
  running: boolean;
  /** Landscapes received. */
  landscapes: number;
  lastLandscape: LandscapeInfo | null;
  stepsPerSecond: number;
  /** `performance.now()` of the last play. */
  playedAt: number;
  /** `performance.now()` when the test AUC first reached 0.95 after the last play (0: not yet). */
  aucReachedAt: number;
  /** Milliseconds from a click on a map to the next frame. */
  clickLatencies: number[];
  /** Error status lines shown. */
  errors: string[];
  /** Training losses of the current plane, step by step. */
  losses: number[];
  /** What the AUC chart shows now (null before it is first drawn). */
  aucChart: AucChartDiag | null;
  /** Probes shown. */
  probes: number;
  /** Cells exported. */
  exports: number;
  /** The target's shape and cells: `HxW:` (`DxHxW:` for a volume) then 0/1 per cell, slice-major, then row-major. */
  targetCells: () => string;
}

/** Fresh diagnostics; `targetCells` describes the current target. */
export function createDiag(targetCells: () => string): AppDiag {
  return {
    backend: '',
    step: 0,
    running: false,
    landscapes: 0,
    lastLandscape: null,
    stepsPerSecond: 0,
    playedAt: 0,
    aucReachedAt: 0,
    clickLatencies: [],
    errors: [],
    losses: [],
    aucChart: null,
    probes: 0,
    exports: 0,
    targetCells,
  };
}
