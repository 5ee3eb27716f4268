import { BUILTIN_NAMES, builtinPattern, cellCoordsOf, maskSeedOf, patternFromPixels, patternToPixels, randomMask, SOLID_NAMES,
  solidPattern } from '../../src/core/index.js';
import { cellAt, drawColorBar, drawHeatmap, drawTarget, mapScale } from './draw.js';
import { drawLineLandscape, drawSliceHeatmaps, drawSliceTargets, type Locator } from './draw-manifold.js';
import type { LandscapeInfo, ManifoldName, PatternData } from './protocol.js';
import { decodePatternSpec, DEFAULT_PATTERN_SPECS, MAX_SIDE, MAX_STRIP, MAX_VOLUME_SIDE, MIN_SIDE, MIN_STRIP, MIN_VOLUME_SIDE,
  type PatternSpec } from './url-state.js';

/** The dimension d of each manifold. */
export const MANIFOLD_DIMS: Readonly<Record<ManifoldName, number>> = Object.freeze({ line: 1, plane: 2, volume: 3 });

/** Smallest and largest target size of a manifold: a strip's length, a picture's side, a volume's side. */
export function sizeLimits(m: ManifoldName): [number, number] {
  return m === 'line' ? [MIN_STRIP, MAX_STRIP] : m === 'volume' ? [MIN_VOLUME_SIDE, MAX_VOLUME_SIDE] : [MIN_SIDE, MAX_SIDE];
}

/** The built-in targets offered for a manifold: pictures for the plane, 3D solids for a volume, none for a line. */
export function builtinsOf(m: ManifoldName): readonly string[] {
  return m === 'plane' ? BUILTIN_NAMES : m === 'volume' ? SOLID_NAMES : [];
}

/** The manifold a target belongs to. */
export function manifoldOf(p: PatternData): ManifoldName {
  return (p.depth ?? 1) > 1 ? 'volume' : p.height === 1 ? 'line' : 'plane';
}

/** The size shown in the size field: a strip's length, else the longest side. */
export function sizeOf(p: PatternData): number {
  return p.height === 1 ? p.width : Math.max(p.height, p.width);
}

/**
 * The target of a URL pattern spec; the heart when the spec cannot be drawn. A random mask is drawn
 * from the mask stream of `seed` (`maskSeedOf`, as `mpo fit --random-mask p --seed s`), apart
 * from the initialisation, which uses `seed` itself.
 */
export function patternOfSpec(spec: PatternSpec, seed: number): PatternData {
  try {
    if (spec.kind === 'builtin') {
      const p = SOLID_NAMES.includes(spec.name) ? solidPattern(spec.name, spec.side) : builtinPattern(spec.name, spec.side);
      return { ...p, origin: { kind: 'builtin', name: spec.name } };
    }
    if (spec.kind === 'random') {
      const p = randomMask({ side: spec.side, fill: spec.p, seed: maskSeedOf({ seed }) });
      return { ...p, origin: { kind: 'random', p: spec.p } };
    }
    return spec.pattern;
  } catch {
    const p = builtinPattern('heart', 24);
    return { ...p, origin: { kind: 'builtin', name: 'heart' } };
  }
}

/** The URL spec of a target. */
export function specOfPattern(p: PatternData): PatternSpec {
  if (p.origin.kind === 'builtin') return { kind: 'builtin', name: p.origin.name, side: p.height };
  if (p.origin.kind === 'random') return { kind: 'random', p: p.origin.p, side: p.height };
  return { kind: 'cells', pattern: p };
}

/** The default target of a manifold (the CLI's: `1d:##..##..##`, the 24x24 heart, a 6-cell cube frame). */
export function defaultPattern(m: ManifoldName, seed: number): PatternData {
  return patternOfSpec(decodePatternSpec(DEFAULT_PATTERN_SPECS[m], BUILTIN_NAMES)!, seed);
}

/** Nearest-neighbour resampling of a slices x rows x cols grid. */
function resample(cells: Uint8Array, [d, h, w]: number[], [D, H, W]: number[]): Uint8Array {
  const out = new Uint8Array(D * H * W);
  const at = (i: number, from: number, to: number) => Math.min(from - 1, Math.floor(((i + 0.5) * from) / to));
  for (let z = 0; z < D; z++) {
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) out[(z * H + y) * W + x] = cells[(at(z, d, D) * h + at(y, h, H)) * w + at(x, w, W)];
  }
  return out;
}

/** The target at size `n` (a built-in or random mask redrawn, drawn cells resampled). */
export function resizedPattern(p: PatternData, n: number, seed: number): PatternData {
  const m = manifoldOf(p);
  if (p.origin.kind === 'builtin') return patternOfSpec({ kind: 'builtin', name: p.origin.name, side: n }, seed);
  if (p.origin.kind === 'random') return patternOfSpec({ kind: 'random', p: p.origin.p, side: n }, seed);
  if (m === 'line') return { ...p, width: n, cells: resample(p.cells, [1, 1, p.width], [1, 1, n]) };
  if (m === 'volume') return { ...p, depth: n, height: n, width: n, cells: resample(p.cells, [p.depth!, p.height, p.width], [n, n, n]) };
  const black = p.cells.some((v) => v === 1);
  const cells = black ? patternFromPixels(patternToPixels({ ...p }), { size: { height: n, width: n } }).cells : new Uint8Array(n * n);
  return { height: n, width: n, cells, name: 'drawn', origin: { kind: 'cells' } };
}

/** Slice, row and column of a cell index. */
export function cellPosition(p: PatternData, index: number): { slice: number; row: number; col: number; } {
  const plane = p.height * p.width;
  return { slice: Math.floor(index / plane), row: Math.floor((index % plane) / p.width), col: index % p.width };
}

/** A cell's name and coordinates on its manifold, e.g. `cell (3, 4) · plane (a, b) = (8.5, -7.5)`. */
export function cellName(p: PatternData, index: number): string {
  const m = manifoldOf(p);
  const { slice, row, col } = cellPosition(p, index);
  const c = cellCoordsOf(index, { dims: MANIFOLD_DIMS[m], depth: p.depth ?? 1, height: p.height, width: p.width });
  if (m === 'line') return `cell ${col} · line coordinate ${c[0]}`;
  if (m === 'volume') return `cell (slice ${slice}, ${row}, ${col}) · volume (a, b, c) = (${c.join(', ')})`;
  return `cell (${row}, ${col}) · plane (a, b) = (${c.join(', ')})`;
}

/** A short name of a cell for labels: `(3, 4)`, `7`, `(2; 3, 4)`. */
export function shortCellName(p: PatternData, index: number): string {
  const { slice, row, col } = cellPosition(p, index);
  const m = manifoldOf(p);
  return m === 'line' ? `${col}` : m === 'volume' ? `(${slice}; ${row}, ${col})` : `(${row}, ${col})`;
}

/** Draws the target for its manifold (a strip's canvas is made low); returns where its cells are. */
export function drawTargetOf(canvas: HTMLCanvasElement, p: PatternData): Locator {
  const m = manifoldOf(p);
  const height = m === 'line' ? 70 : 260;
  if (canvas.height !== height) canvas.height = height;
  if (m === 'volume') return drawSliceTargets(canvas, p.cells, p.depth!, p.height, p.width);
  const g = drawTarget(canvas, p.cells, p.height, p.width);
  return (x, y) => {
    const c = cellAt(canvas, g, x, y);
    return c ? c.row * p.width + c.col : null;
  };
}

/** The canvases a landscape is drawn on. */
export interface LandscapeCanvases {
  lossMap: HTMLCanvasElement;
  lossBar: HTMLCanvasElement;
  accMap: HTMLCanvasElement;
  accBar: HTMLCanvasElement;
  /** The line's chart and strips. */
  lineChart: HTMLCanvasElement;
}

/** True when a landscape was measured on this target's cells (same manifold and shape). */
export function landscapeFits(land: LandscapeInfo, p: PatternData): boolean {
  return land.dims === MANIFOLD_DIMS[manifoldOf(p)] && land.slices === (p.depth ?? 1) && land.rows === p.height && land.cols === p.width;
}

/**
 * Draws a landscape in its manifold's form: a plane's loss and accuracy heat maps, a volume's
 * loss and accuracy slice grids (one colour scale each), a line's chart with its strips.
 * Returns the locators of the canvases that show cells.
 */
export function drawLandscapeOf(c: LandscapeCanvases, land: LandscapeInfo, p: PatternData): Map<HTMLCanvasElement, Locator> {
  const out = new Map<HTMLCanvasElement, Locator>();
  if (land.dims === 1) {
    out.set(c.lineChart, drawLineLandscape(c.lineChart, p.cells, land.loss, land.acc));
    return out;
  }
  const ls = mapScale('loss', land.loss);
  const as = mapScale('acc', land.acc);
  drawColorBar(c.lossBar, ls);
  drawColorBar(c.accBar, as);
  if (land.dims === 3) {
    out.set(c.lossMap, drawSliceHeatmaps(c.lossMap, land.loss, land.slices, land.rows, land.cols, ls, p.cells));
    out.set(c.accMap, drawSliceHeatmaps(c.accMap, land.acc, land.slices, land.rows, land.cols, as, p.cells));
    return out;
  }
  const g = drawHeatmap(c.lossMap, land.loss, land.rows, land.cols, ls, p.cells);
  drawHeatmap(c.accMap, land.acc, land.rows, land.cols, as, p.cells);
  const loc = (canvas: HTMLCanvasElement): Locator => (x, y) => {
    const cell = cellAt(canvas, g, x, y);
    return cell ? cell.row * land.cols + cell.col : null;
  };
  out.set(c.lossMap, loc(c.lossMap));
  out.set(c.accMap, loc(c.accMap));
  return out;
}
