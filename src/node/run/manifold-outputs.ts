import { join } from 'node:path';
import type { Landscape } from '../../core/landscape/evaluate.js';
import type { Pattern } from '../../core/pattern/pattern.js';
import { renderManifoldLandscape } from '../../core/landscape/views.js';
import type { Figure } from '../../core/render/svg.js';
import { writeNpy } from '../output/npy.js';
import { writeFigure } from '../output/png.js';

/**
 * Writes the grids (`.npy`: `[points]` for a line, `[slices, rows, cols]` for a volume) and the
 * figures (a line: loss and accuracy charts along it; a volume: slice grids) of one landscape of
 * a line or volume; returns the two figures (loss, accuracy).
 */
export function writeManifoldLandscapeFiles(dir: string, split: string, land: Landscape, lossDomain: [number, number], pattern?: Pattern): Figure[] {
  const shape = (land.grid.dims ?? 2) === 1 ? [land.cols] : [land.slices ?? 1, land.rows, land.cols];
  writeNpy(join(dir, `${split}-loss.npy`), land.loss, shape);
  writeNpy(join(dir, `${split}-acc.npy`), land.acc, shape);
  const [lossFig, accFig] = renderManifoldLandscape(land, split, lossDomain, pattern);
  writeFigure(join(dir, `${split}-loss.png`), lossFig);
  writeFigure(join(dir, `${split}-acc.png`), accFig);
  return [lossFig, accFig];
}

/**
 * The layout of a run's `figure.png` by manifold dimension: a plane's target and four heat maps
 * in one row; a line's charts (test, then train) with the target strip under them; a volume's
 * target slices, then the test and the train slice grids.
 */
export function figureRows(dims: number, target: Figure, testFigs: Figure[], trainFigs: Figure[]): Figure[][] {
  if (dims === 2) return [[target, ...testFigs, ...trainFigs]];
  if (dims === 1) return [testFigs, trainFigs, [target]];
  return [[target], testFigs, trainFigs];
}
