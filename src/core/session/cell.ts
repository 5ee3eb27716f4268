/**
 * Naming a cell of a target of any manifold: by its index (slice-major, then row-major) or by
 * its position as people type it: `C` on a line, `R,C` on a plane, `D,R,C` in a volume.
 */
import { MpoError } from '../errors.js';
import type { CellShape } from '../plane/grid.js';

/** The position of cell `index` as typed: [col] on a line, [row, col] on a plane, [slice, row, col] in a volume. */
export function cellPosition(index: number, shape: CellShape): number[] {
  checkCellIndex(index, shape);
  const { height, width } = shape;
  const slice = Math.floor(index / (height * width));
  const row = Math.floor(index / width) % height;
  const col = index % width;
  return shape.dims <= 1 ? [col] : shape.dims === 2 ? [row, col] : [slice, row, col];
}

/** How a cell is typed for a manifold of `dims` dimensions, with the ranges of `shape`. */
function cellForm(shape: CellShape): string {
  const { dims, depth, height, width } = shape;
  if (dims <= 1) return `COL (0..${width - 1}) of this run's ${width}-cell strip`;
  if (dims === 2) return `ROW,COL (row 0..${height - 1}, column 0..${width - 1}) of this run's ${height}x${width} pattern`;
  return `SLICE,ROW,COL (slice 0..${depth - 1}, row 0..${height - 1}, column 0..${width - 1}) of this run's ${depth}x${height}x${width} volume`;
}

/** Throws a one-line MpoError unless `index` is a cell of `shape`. */
export function checkCellIndex(index: number, shape: CellShape): void {
  const n = shape.depth * shape.height * shape.width;
  if (!(Number.isInteger(index) && index >= 0 && index < n)) throw new MpoError(`cell ${index} is outside the target: give ${cellForm(shape)}`);
}

/**
 * The index of the cell typed as `text` (`--cell`): `C` on a line, `R,C` on a plane, `D,R,C` in
 * a volume, whole numbers separated by commas. Anything else, or a cell outside `shape`, is a
 * one-line MpoError naming the form and the ranges, e.g. `--cell "3" is not ROW,COL (row 0..23,
 * column 0..23) of this run's 24x24 pattern: e.g. --cell 0,0`.
 */
export function parseCellText(text: string, shape: CellShape): number {
  const parts = String(text).split(',').map((s) => s.trim());
  const want = Math.max(1, Math.min(3, shape.dims));
  const nums = parts.map((s) => (/^\d+$/.test(s) ? Number(s) : NaN));
  const example = want === 1 ? '0' : want === 2 ? '0,0' : '0,0,0';
  if (parts.length !== want || nums.some((n) => !Number.isInteger(n))) {
    throw new MpoError(`--cell "${String(text)}" is not ${cellForm(shape)}: e.g. --cell ${example}`);
  }
  const [slice, row, col] = want === 1 ? [0, 0, nums[0]!] : want === 2 ? [0, nums[0]!, nums[1]!] : [nums[0]!, nums[1]!, nums[2]!];
  if (slice >= shape.depth || row >= shape.height || col >= shape.width) {
    throw new MpoError(`--cell ${String(text).trim()} is outside the target: give ${cellForm(shape)}`);
  }
  return (slice * shape.height + row) * shape.width + col;
}
