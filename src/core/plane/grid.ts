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
  /** Pattern rows. */
  readonly height: number;
  /** Pattern columns. */
  readonly width: number;
  /** Extra cells evaluated on each side of the pattern (default 0). */
  readonly padding?: number;
  /** Points per cell spacing (default 1). */
  readonly resolution?: number;
}

/** Rows, columns and row-major plane coordinates of every point of a {@link GridSpec}. */
export function gridPoints(spec: GridSpec): { rows: number; cols: number; coords: [number, number][] } {
  const pad = spec.padding ?? 0;
  const res = spec.resolution ?? 1;
  const rows = (spec.height - 1 + 2 * pad) * res + 1;
  const cols = (spec.width - 1 + 2 * pad) * res + 1;
  const coords: [number, number][] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      coords.push(cellCoords(r / res - pad, c / res - pad, spec.height, spec.width));
    }
  }
  return { rows, cols, coords };
}

/** Index, in a {@link gridPoints} grid, of the point at pattern cell (row, col). */
export function gridIndexOfCell(spec: GridSpec, row: number, col: number): number {
  const pad = spec.padding ?? 0;
  const res = spec.resolution ?? 1;
  const cols = (spec.width - 1 + 2 * pad) * res + 1;
  return (row + pad) * res * cols + (col + pad) * res;
}
