import * as tf from '../tf.js';
import { check } from '../errors.js';
import type { Rng } from '../random.js';

/**
 * Training-time image augmentation as the original code uses on CIFAR-10: a random crop after
 * zero padding, a horizontal flip, and a random erased square. Draws come from a seeded
 * {@link Rng} (the run's generator), and applying a draw is deterministic, so a run is
 * reproducible from its seed, and a draw made in one thread can be applied in another.
 */

/** What to do to each image. */
export interface AugmentOptions {
  /** Zero padding on each side before the random crop back to the image size (the original: 4; 0 = no crop). */
  readonly pad: number;
  /** Flip horizontally with probability 0.5. */
  readonly flip: boolean;
  /**
   * Side of the erased square (0 = none): centred on a uniformly drawn pixel, clipped at the
   * border (so near an edge less is erased), set to 0, the per-channel mean of normalised data.
   */
  readonly erase: number;
}

/** The original's CIFAR-10 augmentation with an erased square of side `erase` (issue 10: 16). */
export function cifarAugment(erase = 16): AugmentOptions {
  return { pad: 4, flip: true, erase };
}

/** One draw for a batch: per image the crop offset, the flip and the erased square's centre. Plain arrays, so it can be sent to a worker. */
export interface AugmentDraw {
  /** Crop offsets in the padded image, in 0..2*pad. */
  readonly dy: number[];
  readonly dx: number[];
  /** 1 = flip this image horizontally. */
  readonly flip: number[];
  /** Centre of the erased square as fractions in [0, 1) of the height and width (row `floor(ey * h)`, column `floor(ex * w)`). */
  readonly ey: number[];
  readonly ex: number[];
}

/**
 * Draws the augmentation of `n` images from `rng`, five numbers per image in a fixed order
 * (dy, dx, flip, ey, ex), whatever the options (so changing an option does not shift the
 * stream of later draws).
 */
export function drawAugment(rng: Rng, n: number, opts: AugmentOptions): AugmentDraw {
  check(Number.isInteger(opts.pad) && opts.pad >= 0 && Number.isInteger(opts.erase) && opts.erase >= 0,
    `augmentation pad ${opts.pad} and erase ${opts.erase} must be whole numbers >= 0: pass e.g. pad 4, erase 16`);
  const d: { [K in keyof AugmentDraw]: number[]; } = { dy: [], dx: [], flip: [], ey: [], ex: [] };
  for (let i = 0; i < n; i++) {
    d.dy.push(rng.int(2 * opts.pad + 1));
    d.dx.push(rng.int(2 * opts.pad + 1));
    d.flip.push(rng.next() < 0.5 ? 1 : 0);
    d.ey.push(rng.next());
    d.ex.push(rng.next());
  }
  return d;
}

/**
 * Applies a draw to images `x` [n, h, w, c]: pad with zeros, crop back to h x w at (dy, dx),
 * flip where drawn (one `cropAndResize` with nearest sampling: exact pixel copies), then zero the
 * erased squares. Returns a new tensor of the same shape; `x` is not disposed.
 */
export function applyAugment(x: tf.Tensor4D, draw: AugmentDraw, opts: AugmentOptions): tf.Tensor4D {
  const [n, h, w] = x.shape;
  check(draw.dy.length === n, `augmentation drawn for ${draw.dy.length} images, the batch has ${n}: draw once per batch`);
  return tf.tidy(() => {
    const p = opts.pad;
    const padded = p > 0 ? tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]]) as tf.Tensor4D : x;
    const H = h + 2 * p, W = w + 2 * p;
    const boxes: number[][] = [];
    for (let i = 0; i < n; i++) {
      const y1 = draw.dy[i] / (H - 1), y2 = (draw.dy[i] + h - 1) / (H - 1);
      const x1 = draw.dx[i] / (W - 1), x2 = (draw.dx[i] + w - 1) / (W - 1);
      const flip = opts.flip && draw.flip[i] === 1;
      boxes.push([y1, flip ? x2 : x1, y2, flip ? x1 : x2]);
    }
    const ind = tf.tensor1d(Array.from({ length: n }, (_, i) => i), 'int32');
    let out = tf.image.cropAndResize(padded, tf.tensor2d(boxes, [n, 4]), ind, [h, w], 'nearest') as tf.Tensor4D;
    if (opts.erase > 0) {
      const keep = new Float32Array(n * h * w).fill(1);
      const half = Math.floor(opts.erase / 2);
      for (let i = 0; i < n; i++) {
        const cy = Math.floor(draw.ey[i] * h), cx = Math.floor(draw.ex[i] * w);
        const r0 = Math.max(0, cy - half), r1 = Math.min(h, cy - half + opts.erase);
        const c0 = Math.max(0, cx - half), c1 = Math.min(w, cx - half + opts.erase);
        for (let r = r0; r < r1; r++) keep.fill(0, (i * h + r) * w + c0, (i * h + r) * w + c1);
      }
      out = tf.mul(out, tf.tensor4d(keep, [n, h, w, 1])) as tf.Tensor4D;
    }
    return out;
  });
}
