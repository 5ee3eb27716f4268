import * as tf from '../tf.js';
import { check } from '../errors.js';

/**
 * Principal components of a few long vectors (a training path's snapshots, Li et al. 2018, sec. 7),
 * through the k x k Gram matrix of the centred rows: with k rows of P values (k small, P the
 * parameter count) the P x P covariance is never formed. Isomorphic: tfjs ops for the products,
 * an exact Jacobi eigen-solver for the small symmetric matrix.
 */

/**
 * Eigenvalues and eigenvectors of a symmetric `n x n` matrix (row-major), by cyclic Jacobi
 * rotations in float64, sorted by decreasing eigenvalue; `vectors[i]` is the unit eigenvector of
 * `values[i]`. Exact to rounding for the small matrices it is meant for (n up to a few hundred).
 */
export function symmetricEigen(m: ArrayLike<number>, n: number): { values: number[]; vectors: Float64Array[]; } {
  check(Number.isInteger(n) && n >= 1 && m.length === n * n, `symmetricEigen: a ${n}x${n} matrix needs ${n * n} values, got ${m.length}`);
  const a = Float64Array.from(m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      check(Number.isFinite(a[i * n + j]), 'symmetricEigen: the matrix has a value that is not finite');
      const s = (a[i * n + j] + a[j * n + i]) / 2;
      a[i * n + j] = a[j * n + i] = s;
    }
  }
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0, diag = 0;
    for (let i = 0; i < n; i++) {
      diag += a[i * n + i] ** 2;
      for (let j = i + 1; j < n; j++) off += a[i * n + j] ** 2;
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p], akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k], aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p], vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j * n + j] - a[i * n + i]);
  return {
    values: order.map((i) => a[i * n + i]),
    vectors: order.map((i) => Float64Array.from({ length: n }, (_, k) => v[k * n + i])),
  };
}

/** What {@link pathPca} finds. */
export interface PathPca {
  /** The top `components` directions, unit vectors of P values each. */
  readonly directions: Float32Array[];
  /** The fraction of the path's variance each direction explains (sklearn's `explained_variance_ratio_`). */
  readonly explained: number[];
  /** Each snapshot's coordinates `<w_i - w_final, d_j>` on the directions: the path drawn on the plane (the final network at 0). */
  readonly coords: number[][];
}

/**
 * PCA of a training path (Li et al. 2018, sec. 7): the rows `w_i - final` of the snapshots `path`
 * (k rows of P values, the final network among them or not), centred by their mean as sklearn's
 * PCA does, decomposed through their k x k Gram matrix; returns the top `components` unit
 * directions, the fraction of variance each explains and every snapshot's projection
 * `<w_i - final, d_j>`. Throws an MpoError for fewer than `components + 1` snapshots that differ,
 * or rows of different lengths. Tensor counts are the same before and after.
 */
export async function pathPca(path: readonly Float32Array[], final: Float32Array, components = 2): Promise<PathPca> {
  const k = path.length, p = final.length;
  check(Number.isInteger(components) && components >= 1, `pathPca: components must be a whole number >= 1, got ${components}`);
  check(k >= components + 1, `the path has ${k} snapshots: its PCA needs at least ${components + 1}; train with a smaller --save-path N or more --steps`);
  for (const r of path) check(r.length === p, `a path snapshot has ${r.length} values, the network ${p}: pass snapshots of the same model`);
  const flat = new Float32Array(k * p);
  path.forEach((r, i) => flat.set(r, i * p));
  const [gram, rawTensor] = tf.tidy(() => {
    const raw = tf.sub(tf.tensor2d(flat, [k, p]), tf.tensor2d(final, [1, p]));
    const centred = tf.sub(raw, tf.mean(raw, 0, true));
    return [tf.matMul(centred, centred, false, true), raw];
  });
  let g: Float32Array;
  try {
    g = (await gram.data()) as Float32Array;
  } finally {
    gram.dispose();
  }
  const { values, vectors } = symmetricEigen(g, k);
  const total = values.reduce((s, v) => s + Math.max(v, 0), 0);
  check(total > 0 && values[components - 1] > 1e-12 * total,
    `the path's snapshots span fewer than ${components} directions (the network hardly moved): train with more --steps or a smaller --save-path N`);
  const dirT = tf.tidy(() => {
    const raw = rawTensor;
    const centred = tf.sub(raw, tf.mean(raw, 0, true));
    // direction j = centred^T v_j / sqrt(lambda_j): unit length since |centred^T v|^2 = v^T G v = lambda
    const vs = tf.tensor2d(Float32Array.from({ length: k * components }, (_, i) =>
      vectors[i % components][Math.floor(i / components)] /
      Math.sqrt(values[i % components])), [k, components]);
    const dirs = tf.matMul(centred, vs, true, false); // [p, components]
    const unit = tf.div(dirs, tf.norm(dirs, 'euclidean', 0, true));
    return tf.concat([tf.transpose(unit), tf.transpose(tf.matMul(raw, unit))], 1); // [components, p + k]
  });
  rawTensor.dispose();
  let both: Float32Array;
  try {
    both = (await dirT.data()) as Float32Array;
  } finally {
    dirT.dispose();
  }
  const w = p + k;
  const directions = Array.from({ length: components }, (_, j) => both.slice(j * w, j * w + p));
  const coords = path.map((_, i) => Array.from({ length: components }, (_, j) => both[j * w + p + i]));
  return { directions, explained: values.slice(0, components).map((v) => v / total), coords };
}
