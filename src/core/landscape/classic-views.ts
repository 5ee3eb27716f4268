/**
 * The classic loss-landscape views, once for the CLI (`mpo view`) and the browser app: Li et al.'s
 * filter-normalised random plane around a network, the straight line between two networks, the
 * plane through three networks (Garipov et al. 2018) and the plane of a training path's top two
 * PCA directions (Li et al. 2018, sec. 7). Plain functions: a model, weights, data already on the
 * device and options in; grids or curves and their numbers out. Isomorphic (no Node imports);
 * values are read back asynchronously only; tensor counts are the same before and after.
 */
import { check } from '../errors.js';
import { createRng } from '../random.js';
import type { Model } from '../models/model.js';
import type { ParamSpec, ParamValues } from '../plane/params.js';
import type { Frame } from '../plane/manifold.js';
import { difference, disposeFrame, filterNormalizedDirection, frameFromValues } from './classic.js';
import { evaluatePoints, type EvalData } from './evaluate.js';
import { pathPca } from './pca.js';

/** Loss and accuracy at each point of a view. */
export interface PointValues {
  readonly loss: Float32Array;
  readonly acc: Float32Array;
}

/** Named evaluation sets (e.g. `{ test, train }`): every view is measured on each with the same directions. */
export type ViewData<K extends string> = Readonly<Record<K, EvalData>>;

/** How a view evaluates its points (see {@link evaluatePoints}). */
export interface ViewEvalOptions {
  /** Images per forward pass (default: 1000, or 128 for a batch-norm model, whose batch statistics normalise it). */
  readonly batchSize?: number;
  /** Points per pass (default: 32 for a model that evaluates many points at once, else 1). */
  readonly pointsPerPass?: number;
  /** Called after each pass with the evaluation set's name, and awaited (a UI repaints, a worker reads its messages). */
  readonly onProgress?: (set: string, done: number, total: number) => void | Promise<void>;
}

/** Loss and accuracy at `coords` of `frame` on each named evaluation set. */
export async function evaluateView<K extends string>(model: Model, frame: Frame, coords: readonly (readonly number[])[], data: ViewData<K>,
  opts: ViewEvalOptions = {}): Promise<Record<K, PointValues>> {
  const names = Object.keys(data) as K[];
  check(names.length > 0, 'a view needs at least one evaluation set');
  const out = {} as Record<K, PointValues>;
  for (const name of names) {
    const on = opts.onProgress;
    out[name] = await evaluatePoints(model, frame, coords, data[name], {
      batchSize: opts.batchSize ?? (model.usesBatchStats ? 128 : 1000),
      pointsPerPass: opts.pointsPerPass ?? (model.forwardPoints ? 32 : 1),
      onProgress: on ? (d, t) => on(name, d, t) : undefined,
    });
  }
  return out;
}

/** A view on a grid: `values` row-major, row 0 at the top. */
export interface GridView<K extends string> {
  readonly rows: number;
  readonly cols: number;
  /** Coordinate (first direction) of each column, left to right. */
  readonly xs: number[];
  /** Coordinate (second direction) of each row, top to bottom (decreasing: up is up). */
  readonly ys: number[];
  readonly values: Record<K, PointValues>;
}

/** The points `[x, y]` of a grid, row-major, row 0 at the top. */
export function gridCoords(xs: readonly number[], ys: readonly number[]): number[][] {
  return ys.flatMap((y) => xs.map((x) => [x, y]));
}

/** `n` evenly spaced values from `from` to `to` (both included; one value: their middle), rounded to 1e-9. */
export function linspace(n: number, from: number, to: number): number[] {
  check(Number.isInteger(n) && n >= 1, `points must be a whole number >= 1, got ${n}`);
  return Array.from({ length: n }, (_, i) => Number((n === 1 ? (from + to) / 2 : from + ((to - from) * i) / (n - 1)).toFixed(9)));
}

async function gridView<K extends string>(model: Model, origin: ParamValues, dirs: ParamValues[], xs: number[], ys: number[], data: ViewData<K>,
  opts: ViewEvalOptions, extra: readonly (readonly number[])[] = []): Promise<GridView<K> & { extra: Record<K, PointValues>; }> {
  const frame = frameFromValues(model.params, origin, dirs);
  try {
    const coords = [...gridCoords(xs, ys), ...extra];
    const all = await evaluateView(model, frame, coords, data, opts);
    const n = xs.length * ys.length;
    const part = (lo: number, hi: number) =>
      Object.fromEntries(Object.entries<PointValues>(all).map(([k, v]) => [k, { loss: v.loss.slice(lo, hi), acc: v.acc.slice(lo, hi) }])) as Record<
        K,
        PointValues
      >;
    return { rows: ys.length, cols: xs.length, xs, ys, values: part(0, n), extra: part(n, coords.length) };
  } finally {
    disposeFrame(frame);
  }
}

/** Options of {@link randomPlaneView}. */
export interface RandomPlaneOptions extends ViewEvalOptions {
  /** Points per axis (odd: the network is the centre point). */
  readonly points: number;
  /** Seed of the two random directions. */
  readonly seed: number;
  /** a and b run from -range to range (default 1, Li et al.'s). */
  readonly range?: number;
}

/** The two filter-normalised random directions of {@link randomPlaneView} (drawn in this order from `seed`). */
export function randomPlaneDirections(specs: readonly ParamSpec[], w: ParamValues, seed: number): [ParamValues, ParamValues] {
  const rng = createRng(seed);
  const d1 = filterNormalizedDirection(specs, w, rng);
  return [d1, filterNormalizedDirection(specs, w, rng)];
}

/**
 * Li et al. (2018): the loss and accuracy of `w + a * delta + b * eta` on a `points x points`
 * grid, a (columns, left to right) and b (rows, +range at the top) in [-range, range], delta and
 * eta Gaussian directions drawn from `seed`, every filter rescaled to the norm of the network's
 * filter, biases not moved ({@link filterNormalizedDirection}). `centre` is the index of the
 * network itself (the middle point; exact for odd `points`).
 */
export async function randomPlaneView<K extends string>(model: Model, w: ParamValues, data: ViewData<K>,
  opts: RandomPlaneOptions): Promise<GridView<K> & { seed: number; centre: number; }> {
  const n = opts.points, range = opts.range ?? 1;
  check(Number.isInteger(n) && n >= 1, `points must be a whole number >= 1, got ${n}`);
  check(Number.isFinite(range) && range > 0, `range must be a positive number, got ${range}`);
  const xs = linspace(n, -range, range);
  const view = await gridView(model, w, randomPlaneDirections(model.params, w, opts.seed), xs, [...xs].reverse(), data, opts);
  return { rows: view.rows, cols: view.cols, xs: view.xs, ys: view.ys, values: view.values, seed: opts.seed,
    centre: Math.floor(n / 2) * n + Math.floor(n / 2) };
}

/** Options of {@link interpolationView}. */
export interface InterpolationOptions extends ViewEvalOptions {
  /** Values of t (at least 2). */
  readonly points: number;
  /** The line runs from t = from to t = to (default -0.5 to 1.5). */
  readonly from?: number;
  readonly to?: number;
}

/** `points` values of t from `from` to `to` (default -0.5 to 1.5: 0 and 1 among them when `points` is 4k + 1). */
export function interpolationTs(points: number, from = -0.5, to = 1.5): number[] {
  check(Number.isInteger(points) && points >= 2, `points must be a whole number >= 2, got ${points}`);
  check(Number.isFinite(from) && Number.isFinite(to) && from < 0 && to > 1, `the line's t must run from below 0 to above 1, got ${from} to ${to}`);
  return linspace(points, from, to);
}

/** The numbers of a line from A (t = 0) to B (t = 1). */
export interface LineNumbers {
  /** Loss at the point of t nearest 0 (A) and nearest 1 (B). */
  readonly atA: number;
  readonly atB: number;
  /** The largest loss for t in [0, 1]: the barrier on the line, and where it is. */
  readonly maxBetween: number;
  readonly tOfMax: number;
}

/** {@link LineNumbers} of a curve `loss` over `t`. */
export function lineNumbers(t: readonly number[], loss: ArrayLike<number>): LineNumbers {
  const nearest = (v: number) => t.reduce((b, x, i) => (Math.abs(x - v) < Math.abs(t[b] - v) ? i : b), 0);
  const inside = t.map((x, i) => [x, i] as const).filter(([x]) => x >= 0 && x <= 1).map(([, i]) => i);
  const between = inside.length ? inside : [nearest(0), nearest(1)];
  const iMax = between.reduce((b, i) => (loss[i] > loss[b] ? i : b), between[0]);
  return { atA: loss[nearest(0)], atB: loss[nearest(1)], maxBetween: loss[iMax], tOfMax: t[iMax] };
}

/**
 * Linear interpolation between two networks (Goodfellow et al. 2015; Li et al.'s 1D plots): the
 * loss and accuracy of `(1 - t) a + t b` at {@link interpolationTs}, with each set's {@link LineNumbers}.
 */
export async function interpolationView<K extends string>(model: Model, a: ParamValues, b: ParamValues, data: ViewData<K>,
  opts: InterpolationOptions): Promise<{ t: number[]; values: Record<K, PointValues>; numbers: Record<K, LineNumbers>; }> {
  const t = interpolationTs(opts.points, opts.from, opts.to);
  const frame = frameFromValues(model.params, a, [difference(a, b)]);
  try {
    const values = await evaluateView(model, frame, t.map((v) => [v]), data, opts);
    const numbers = Object.fromEntries(Object.entries<PointValues>(values).map(([k, v]) => [k, lineNumbers(t, v.loss)])) as Record<K, LineNumbers>;
    return { t, values, numbers };
  } finally {
    disposeFrame(frame);
  }
}

/** Sum of products of two weight sets over all parameters, in float64. */
function dotValues(a: ParamValues, b: ParamValues): number {
  let s = 0;
  for (const k of Object.keys(a)) {
    const x = a[k], y = b[k];
    for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  }
  return s;
}

/** The plane through three networks: origin `a`, directions and the three's coordinates on it. */
export interface ThreeNetworkPlane {
  /** u = b - a (length |u|) and v: c - a made orthogonal to u, rescaled to length |u|. */
  readonly directions: [ParamValues, ParamValues];
  /** |u| = |b - a|, the unit of the coordinates. */
  readonly unit: number;
  /** Coordinates of a, b and c: (0, 0), (1, 0), (<c - a, u> / |u|^2, |v'| / |u|). */
  readonly coords: [[number, number], [number, number], [number, number]];
}

/**
 * Garipov et al.'s plane (2018, fig. 1) through networks `a`, `b`, `c` of one model: origin a,
 * u = b - a, v = (c - a) orthogonalised against u (Gram-Schmidt), both of length |u| so that
 * the coordinates are in units of |u| with the same scale on both axes. Throws an MpoError when
 * two of them coincide or the three lie on one line.
 */
export function threeNetworkPlane(a: ParamValues, b: ParamValues, c: ParamValues): ThreeNetworkPlane {
  const u = difference(a, b), w = difference(a, c);
  const uu = dotValues(u, u), ww = dotValues(w, w);
  check(uu > 0, 'the first and second networks are the same weights: pass three different networks');
  check(ww > 0, 'the first and third networks are the same weights: pass three different networks');
  const along = dotValues(w, u) / uu;
  const v: ParamValues = Object.fromEntries(Object.keys(w).map((k) => [k, Float32Array.from(w[k], (x, i) => x - along * u[k][i])]));
  const vv = dotValues(v, v);
  check(vv > 1e-10 * ww, 'the three networks lie on one line (their plane is not defined): pass three networks that are not collinear');
  const r = Math.sqrt(uu / vv);
  for (const k of Object.keys(v)) for (let i = 0; i < v[k].length; i++) v[k][i] *= r;
  return { directions: [u, v], unit: Math.sqrt(uu), coords: [[0, 0], [1, 0], [along, Math.sqrt(vv / uu)]] };
}

/** Options of {@link planeView}. */
export interface PlaneViewOptions extends ViewEvalOptions {
  /** Grid steps per unit |u| (default 10): the spacing is 1 / resolution on both axes. */
  readonly resolution?: number;
  /** Margin around the three networks, in units of |u| (default 0.25). */
  readonly margin?: number;
}

/** Grid axis values at multiples of `h` covering [lo, hi] (0 and every multiple of h in it lie on the grid). */
function axisCovering(lo: number, hi: number, h: number): number[] {
  const i0 = Math.floor(lo / h + 1e-9), i1 = Math.ceil(hi / h - 1e-9);
  return Array.from({ length: i1 - i0 + 1 }, (_, i) => Number(((i0 + i) * h).toFixed(9)));
}

/**
 * The loss over the plane through three networks ({@link threeNetworkPlane}): a grid with spacing
 * 1 / `resolution` (in units of |u|) on both axes covering the three with `margin` around them,
 * a and b at grid points (their coordinates are multiples of the spacing), and each network's
 * own point evaluated at its exact coordinates (`marks`, in the order a, b, c).
 */
export async function planeView<K extends string>(model: Model, nets: readonly [ParamValues, ParamValues, ParamValues], data: ViewData<K>,
  opts: PlaneViewOptions = {}): Promise<GridView<K> & { plane: ThreeNetworkPlane; marks: Record<K, PointValues>; }> {
  const res = opts.resolution ?? 10, margin = opts.margin ?? 0.25;
  check(Number.isInteger(res) && res >= 1 && res <= 200, `resolution must be a whole number from 1 to 200, got ${res}`);
  check(Number.isFinite(margin) && margin >= 0 && margin <= 10, `margin must be a number from 0 to 10, got ${margin}`);
  const plane = threeNetworkPlane(...nets);
  const cs = plane.coords;
  const h = 1 / res;
  const xs = axisCovering(Math.min(...cs.map((c) => c[0])) - margin, Math.max(...cs.map((c) => c[0])) + margin, h);
  const ys = axisCovering(Math.min(...cs.map((c) => c[1])) - margin, Math.max(...cs.map((c) => c[1])) + margin, h).reverse();
  check(xs.length * ys.length <= 250_000, `the plane's grid has ${xs.length}x${ys.length} points: use a smaller resolution or margin`);
  const view = await gridView(model, nets[0], plane.directions, xs, ys, data, opts, cs);
  return { rows: view.rows, cols: view.cols, xs, ys, values: view.values, plane, marks: view.extra };
}

/** Options of {@link pathView}. */
export interface PathViewOptions extends ViewEvalOptions {
  /** Points per axis (default 21). */
  readonly points?: number;
  /** Margin around the path, as a fraction of its extent along each axis (default 0.2). */
  readonly margin?: number;
}

/** The flat vector (the order of `specs`) of a weight set. */
export function flattenValues(specs: readonly ParamSpec[], w: ParamValues): Float32Array {
  const out = new Float32Array(specs.reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0));
  let o = 0;
  for (const s of specs) {
    const v = w[s.name];
    const size = s.shape.reduce((a, b) => a * b, 1);
    check(v !== undefined && v.length === size, `the weights have no parameter "${s.name}" of ${size} values: pass weights of the same model`);
    out.set(v, o);
    o += size;
  }
  return out;
}

/** The weight set of a flat vector (the order of `specs`): views into `flat`, no copy. */
export function unflattenValues(specs: readonly ParamSpec[], flat: Float32Array): ParamValues {
  const out: ParamValues = {};
  let o = 0;
  for (const s of specs) {
    const size = s.shape.reduce((a, b) => a * b, 1);
    out[s.name] = flat.subarray(o, o + size);
    o += size;
  }
  check(o === flat.length, `a flat weight vector of ${flat.length} values does not fit the model's ${o}: pass weights of the same model`);
  return out;
}

/**
 * Li et al. (2018, sec. 7): the loss over the plane of a training path's top two PCA directions
 * ({@link pathPca} of the snapshots `path` minus the final weights `final`, flat vectors in the
 * order of `model.params`), centred on the final network (coordinates are distances along the
 * unit directions), a `points x points` grid covering the path's projection with a margin; the
 * path's coordinates, the loss at them (`onPath`: the plane's points, not the snapshots themselves,
 * except the final network at (0, 0)) and the variance each direction explains come with it.
 */
export async function pathView<K extends string>(model: Model, path: readonly Float32Array[], final: Float32Array, data: ViewData<K>,
  opts: PathViewOptions = {}): Promise<GridView<K> & { path: number[][]; explained: number[]; onPath: Record<K, PointValues>; }> {
  const n = opts.points ?? 21, margin = opts.margin ?? 0.2;
  check(Number.isInteger(n) && n >= 2, `points must be a whole number >= 2, got ${n}`);
  check(Number.isFinite(margin) && margin >= 0 && margin <= 10, `margin must be a number from 0 to 10, got ${margin}`);
  const pca = await pathPca(path, final, 2);
  const range = (j: number): [number, number] => {
    const v = [0, ...pca.coords.map((c) => c[j])];
    const lo = Math.min(...v), hi = Math.max(...v), pad = margin * (hi - lo || 1);
    return [lo - pad, hi + pad];
  };
  const [x0, x1] = range(0), [y0, y1] = range(1);
  const xs = linspace(n, x0, x1), ys = linspace(n, y1, y0);
  const dirs = pca.directions.map((d) => unflattenValues(model.params, d));
  const view = await gridView(model, unflattenValues(model.params, final), dirs, xs, ys, data, opts, pca.coords);
  return { rows: n, cols: n, xs, ys, values: view.values, path: pca.coords, explained: pca.explained, onPath: view.extra };
}
