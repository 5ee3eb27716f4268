import { check } from '../errors.js';
import { gridIndexOfCell } from '../plane/grid.js';
import type { Pattern } from '../pattern/pattern.js';
import type { Landscape } from './evaluate.js';
import { patternMetrics, type PatternMetrics } from './metrics.js';

/**
 * The values of a landscape at a pattern's cells, as a 2D landscape and pattern of the same
 * cells: a volume's slices are stacked top to bottom (`depth * height` rows), a line or plane is
 * read at its cells without padding. The AUC and accuracies only need the list of cells, so any
 * measure of a 2D landscape applies.
 */
export function cellsAsPlane(land: Landscape, pattern: Pattern): { land: Landscape; pattern: Pattern; } {
  const depth = pattern.depth ?? 1;
  check(land.grid.height === pattern.height && land.grid.width === pattern.width && (land.grid.depth ?? 1) === depth,
    `landscape grid ${
      land.grid.depth ?? 1
    }x${land.grid.height}x${land.grid.width} does not match pattern ${depth}x${pattern.height}x${pattern.width}: evaluate it on the pattern's grid`);
  const n = depth * pattern.height * pattern.width;
  const loss = new Float32Array(n);
  const acc = new Float32Array(n);
  for (let s = 0; s < depth; s++) {
    for (let r = 0; r < pattern.height; r++) {
      for (let c = 0; c < pattern.width; c++) {
        const g = gridIndexOfCell(land.grid, r, c, s);
        const k = (s * pattern.height + r) * pattern.width + c;
        loss[k] = land.loss[g];
        acc[k] = land.acc[g];
      }
    }
  }
  const rows = depth * pattern.height;
  return {
    land: { rows, cols: pattern.width, loss, acc, grid: { height: rows, width: pattern.width, padding: 0, resolution: 1 } },
    pattern: { height: rows, width: pattern.width, cells: pattern.cells, name: pattern.name },
  };
}

/**
 * {@link patternMetrics} for a landscape of any manifold dimension: lines and planes directly,
 * volumes over the stacked slices ({@link cellsAsPlane}; AUC and accuracies are over all cells,
 * whatever their arrangement).
 */
export function manifoldPatternMetrics(land: Landscape, pattern: Pattern): PatternMetrics {
  if ((pattern.depth ?? 1) === 1) return patternMetrics(land, pattern);
  const flat = cellsAsPlane(land, pattern);
  return patternMetrics(flat.land, flat.pattern);
}

/**
 * What the measures of a run see: a line or plane as it is; a volume as its stacked slices
 * ({@link cellsAsPlane}, padding dropped), the test and train landscapes, the pattern and the
 * training mask alike. Boundary and bowl measures then treat the stack as one flat picture.
 */
export function measuredViews<M extends { readonly cells?: { readonly height: number; readonly width: number; readonly cells: Uint8Array; }; }>(
  test: Landscape,
  train: Landscape,
  pattern: Pattern,
  measure: M,
): { test: Landscape; train: Landscape; pattern: Pattern; measure: M; } {
  if ((pattern.depth ?? 1) === 1) return { test, train, pattern, measure };
  const t = cellsAsPlane(test, pattern);
  const r = cellsAsPlane(train, pattern);
  const mask = measure.cells ? { height: t.pattern.height, width: t.pattern.width, cells: measure.cells.cells } : undefined;
  return { test: t.land, train: r.land, pattern: t.pattern, measure: { ...measure, ...(mask ? { cells: mask } : {}) } };
}
