/**
 * Coordinates of grid cells on the plane. Cell (row, col) of an H x W pattern sits at
 * `(a, b) = ((H - 1) / 2 - row, col - (W - 1) / 2)`: the grid is centred exactly on w_O,
 * `a` runs along w_up (towards the top of the picture) and `b` along w_right, one unit per cell.
 * (The original code uses `(row - H // 2, col - W // 2)`; the centring differs by half a cell
 * for even sizes, the orientation is flipped so that `up` is up in every picture.)
 */
export function cellCoords(row: number, col: number, height: number, width: number): [number, number] {
  return [(height - 1) / 2 - row, col - (width - 1) / 2];
}

/**
 * A rectangular grid of points on the plane for landscape evaluation: the pattern's cells,
 * `padding` extra cells on each side, and `resolution` points per cell spacing
 * (resolution 1 evaluates exactly at the trained cells).
 */
export interface GridSpec {
  /** Pattern rows (1 for a line). */
  readonly height: number;
  /** Pattern columns. */
  readonly width: number;
  /** Pattern slices along the third direction (volumes; default 1). */
  readonly depth?: number;
  /** Manifold dimension d: 0 (a point), 1 (line), 2 (plane, the default) or 3 (volume). */
  readonly dims?: number;
  /** Extra cells evaluated on each side of the pattern (default 0). */
  readonly padding?: number;
  /** Points per cell spacing (default 1). */
  readonly resolution?: number;
}

/** The shape of a d-dimensional pattern's cells: `depth x height x width`, slice-major then row-major. */
export interface CellShape {
  /** Manifold dimension d (0..3). */
  readonly dims: number;
  /** Slices (1 unless d = 3). */
  readonly depth: number;
  /** Rows (1 for d <= 1). */
  readonly height: number;
  readonly width: number;
}

/**
 * Manifold coordinates of cell `index` (slice-major, then row-major) of a pattern of `shape`:
 * d = 0: `[]` (the origin); d = 1 (a strip, height 1): `[col - (W-1)/2]` along the one direction;
 * d = 2: {@link cellCoords}; d = 3: `[(H-1)/2 - row, col - (W-1)/2, slice - (D-1)/2]`
 * (a, b as on the plane, the third coordinate along the third direction).
 */
export function cellCoordsOf(index: number, shape: CellShape): number[] {
  const { dims, depth, height, width } = shape;
  const slice = Math.floor(index / (height * width));
  const rem = index - slice * height * width;
  const row = Math.floor(rem / width);
  const col = rem % width;
  return positionCoords(dims, slice, row, col, depth, height, width);
}

/** Coordinates of a (possibly fractional) cell position; see {@link cellCoordsOf}. */
function positionCoords(dims: number, slice: number, row: number, col: number, depth: number, height: number, width: number): number[] {
  if (dims === 0) return [];
  if (dims === 1) return [col - (width - 1) / 2];
  const [a, b] = cellCoords(row, col, height, width);
  return dims === 2 ? [a, b] : [a, b, slice - (depth - 1) / 2];
}

/** Points of a grid side of `n` cells with padding and resolution (1 for an absent axis). */
function side(n: number, present: boolean, pad: number, res: number): number {
  return present ? (n - 1 + 2 * pad) * res + 1 : 1;
}

/**
 * Slices, rows, columns and the coordinates of every point of a {@link GridSpec}, slice-major
 * then row-major. Padding and resolution apply to every axis the manifold has (a line: columns
 * only; a plane: rows and columns; a volume: all three).
 */
export function gridPoints(spec: GridSpec): { slices: number; rows: number; cols: number; coords: number[][]; } {
  const pad = spec.padding ?? 0;
  const res = spec.resolution ?? 1;
  const dims = spec.dims ?? 2;
  const depth = spec.depth ?? 1;
  const slices = side(depth, dims >= 3, pad, res);
  const rows = side(spec.height, dims >= 2, pad, res);
  const cols = side(spec.width, dims >= 1, pad, res);
  const at = (i: number, present: boolean) => (present ? i / res - pad : 0);
  const coords: number[][] = [];
  for (let s = 0; s < slices; s++) {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        coords.push(positionCoords(dims, at(s, dims >= 3), at(r, dims >= 2), at(c, dims >= 1), depth, spec.height, spec.width));
      }
    }
  }
  return { slices, rows, cols, coords };
}

/** Index, in a {@link gridPoints} grid, of the point at pattern cell (row, col) of slice `slice`. */
export function gridIndexOfCell(spec: GridSpec, row: number, col: number, slice = 0): number {
  const pad = spec.padding ?? 0;
  const res = spec.resolution ?? 1;
  const dims = spec.dims ?? 2;
  const rows = side(spec.height, dims >= 2, pad, res);
  const cols = side(spec.width, dims >= 1, pad, res);
  const off = (i: number, present: boolean) => (present ? (i + pad) * res : 0);
  return (off(slice, dims >= 3) * rows + off(row, dims >= 2)) * cols + off(col, dims >= 1);
}
