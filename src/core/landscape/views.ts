/** A run's target and landscapes drawn in their dimension (line: charts over a strip; plane: heat maps; volume: a grid of slices), from the SVG primitives of `src/core/render`. */
import { check } from '../errors.js';
import { gridPoints } from '../plane/grid.js';
import type { Landscape } from './evaluate.js';
import type { Pattern } from '../pattern/pattern.js';
import { renderLineChart } from '../render/chart.js';
import { renderHeatmap, renderMask } from '../render/heatmap.js';
import { compose, type Figure } from '../render/svg.js';

/** Slices per row of a volume's slice grid. */
const SLICES_PER_ROW = 4;

/** Lays out per-slice figures as a grid, {@link SLICES_PER_ROW} to a row, under a title. */
function sliceGrid(figs: Figure[], title: string): Figure {
  const rows: Figure[][] = [];
  for (let i = 0; i < figs.length; i += SLICES_PER_ROW) rows.push(figs.slice(i, i + SLICES_PER_ROW));
  return compose(rows, { title, gap: 8 });
}

/**
 * The target of a run drawn in its dimension: a plane's picture, a line's strip (one row of
 * cells), a volume's slices as a grid of masks (slice 0 first). `states: 'ternary'` draws a
 * training mask (grey: ignored cells).
 */
export function renderTarget(p: Pick<Pattern, 'cells' | 'height' | 'width' | 'depth'>, title: string, states: 'binary' | 'ternary' = 'binary'): Figure {
  const depth = p.depth ?? 1;
  if (depth === 1) {
    return renderMask(p.cells, p.height, p.width, { title, states,
      ...(p.height === 1 ? { cellSize: Math.max(6, Math.min(32, Math.floor(480 / p.width))) } : {}) });
  }
  const plane = p.height * p.width;
  const cs = Math.max(4, Math.floor(120 / Math.max(p.height, p.width)));
  const figs = Array.from({ length: depth },
    (_, k) => renderMask(p.cells.subarray(k * plane, (k + 1) * plane), p.height, p.width, { title: `slice ${k}`, states, cellSize: cs, fontSize: 10 }));
  return sliceGrid(figs, title);
}

/**
 * A landscape of a line or a volume as figures, loss then accuracy. A line (`grid.dims` 1):
 * line charts of loss (log axis) and accuracy against the coordinate along the line, with the
 * target's cells as points on the accuracy chart (1 = black, low loss wanted; 0 = white) when
 * `pattern` is given. A volume (`grid.dims` 3): heat maps of every slice on one colour scale,
 * in a grid (slice 0 first; padding slices included).
 */
export function renderManifoldLandscape(land: Landscape, split: string, lossDomain: readonly [number, number], pattern?: Pattern): Figure[] {
  const dims = land.grid.dims ?? 2;
  check(dims === 1 || dims === 3, `renderManifoldLandscape draws lines and volumes (dims 1 or 3), got dims ${dims}: draw a plane with renderHeatmap`);
  if (dims === 1) {
    const { coords } = gridPoints(land.grid);
    const xs = coords.map((c) => c[0]);
    const lossPts = xs.map((x, i) => [x, land.loss[i]] as [number, number]);
    const accPts = xs.map((x, i) => [x, land.acc[i]] as [number, number]);
    const target = pattern
      ? [{ name: 'target (1 black, 0 white)', points: Array.from(pattern.cells, (v, i) => [i - (pattern.width - 1) / 2, v] as [number, number]), dotted: true,
        markers: true }]
      : [];
    return [
      renderLineChart({ title: `${split} loss along the line (log)`, xLabel: 'coordinate (cells)', series: [{ name: `${split} loss`, points: lossPts }],
        logY: true, width: 520, height: 240 }),
      renderLineChart({ title: `${split} accuracy along the line`, xLabel: 'coordinate (cells)',
        series: [{ name: `${split} accuracy`, points: accPts }, ...target], width: 520, height: 240 }),
    ];
  }
  const slices = land.slices ?? 1;
  const plane = land.rows * land.cols;
  const pad = land.grid.padding * land.grid.resolution;
  const cs = Math.max(3, Math.floor(120 / Math.max(land.rows, land.cols)));
  const maps = (values: Float32Array, scale: 'log' | 'linear', domain: readonly [number, number]) =>
    Array.from({ length: slices }, (_, k) =>
      renderHeatmap(values.subarray(k * plane, (k + 1) * plane), land.rows, land.cols, { scale, domain,
        title: `slice ${+(k / land.grid.resolution - land.grid.padding).toFixed(2)}`, padding: pad, resolution: land.grid.resolution, cellSize: cs,
        colorbar: k === slices - 1, fontSize: 10 }));
  return [
    sliceGrid(maps(land.loss, 'log', lossDomain), `${split} loss (log scale), slices along the third direction`),
    sliceGrid(maps(land.acc, 'linear', [0, 1]), `${split} accuracy, slices along the third direction`),
  ];
}
