import { check, MpoError } from '../errors.js';
import { MAX_PATTERN_SIDE, validatePattern, type Pattern } from './pattern.js';

/** Decoded pixels: `width * height` RGBA quadruples of bytes, row-major, row 0 at the top. */
export interface RgbaImage {
  /** `4 * width * height` bytes: red, green, blue, alpha for each pixel. */
  readonly data: Uint8Array | Uint8ClampedArray;
  /** Pixels per row. */
  readonly width: number;
  /** Rows. */
  readonly height: number;
}

/** Options of {@link patternFromPixels}. */
export interface FromPixelsOptions {
  /**
   * Target size in cells. A number is the longest side, the other side following the
   * image's aspect ratio (rounded, at least 1); `{height, width}` is exact. Default: the
   * image's own size, scaled down to a longest side of {@link DEFAULT_IMAGE_SIDE} if larger.
   */
  size?: number | { readonly height: number; readonly width: number; };
  /** Grey level in [0, 1] (0 = black, 1 = white): cells darker than it become black (default 0.5). */
  threshold?: number;
  /** Swap black and white after thresholding, for light-on-dark pictures (default false). */
  invert?: boolean;
  /** The pattern's name, used in error messages (default `image`). */
  name?: string;
}

/** Longest side an image is scaled down to when no size is given (the paper's 50x50). */
export const DEFAULT_IMAGE_SIDE = 50;

/**
 * Grey level of each pixel in [0, 1]: Rec. 601 luma `0.299 R + 0.587 G + 0.114 B` of the
 * (gamma-encoded) bytes, the pixel alpha-composited over white first.
 */
export function toGrey(image: RgbaImage): Float64Array {
  const { data, width, height } = image;
  const grey = new Float64Array(width * height);
  for (let k = 0; k < grey.length; k++) {
    const luma = 0.299 * data[4 * k] + 0.587 * data[4 * k + 1] + 0.114 * data[4 * k + 2];
    const alpha = data[4 * k + 3] / 255;
    grey[k] = (alpha * luma + (1 - alpha) * 255) / 255;
  }
  return grey;
}

/** For each target index, the first source index its footprint covers and the integer overlaps. */
interface Footprint {
  readonly start: number;
  /** Overlap of each covered source pixel, in units of 1/dst pixel; they sum to `src`. */
  readonly overlaps: number[];
}

/**
 * Box-filter footprints along one axis. Measured in units of 1/dst source pixel, target cell
 * t covers `[t * src, (t + 1) * src)` and source pixel s covers `[s * dst, (s + 1) * dst)`;
 * their overlaps are exact integers, so the weights (overlap / src) are exact fractions.
 * Works for down-scaling (area averaging) and up-scaling (one or two source pixels).
 */
function footprints(src: number, dst: number): Footprint[] {
  return Array.from({ length: dst }, (_, t) => {
    const lo = t * src;
    const hi = (t + 1) * src;
    const start = Math.floor(lo / dst);
    const overlaps: number[] = [];
    for (let s = start; s * dst < hi; s++) overlaps.push(Math.min(hi, (s + 1) * dst) - Math.max(lo, s * dst));
    return { start, overlaps };
  });
}

/**
 * Resizes a `height x width` grey image to `toHeight x toWidth` by area averaging over the
 * exact source footprint of each target cell (separable box filter: columns, then rows).
 */
export function resizeGrey(grey: Float64Array, height: number, width: number, toHeight: number, toWidth: number): Float64Array {
  const cols = footprints(width, toWidth);
  const rows = footprints(height, toHeight);
  const tmp = new Float64Array(height * toWidth);
  for (let i = 0; i < height; i++) {
    for (let c = 0; c < toWidth; c++) {
      const { start, overlaps } = cols[c];
      let sum = 0;
      for (let k = 0; k < overlaps.length; k++) sum += overlaps[k] * grey[i * width + start + k];
      tmp[i * toWidth + c] = sum / width;
    }
  }
  const out = new Float64Array(toHeight * toWidth);
  for (let r = 0; r < toHeight; r++) {
    const { start, overlaps } = rows[r];
    for (let c = 0; c < toWidth; c++) {
      let sum = 0;
      for (let k = 0; k < overlaps.length; k++) sum += overlaps[k] * tmp[(start + k) * toWidth + c];
      out[r * toWidth + c] = sum / height;
    }
  }
  return out;
}

/** The target size of {@link patternFromPixels} for an image (see {@link FromPixelsOptions.size}). */
export function targetSize(height: number, width: number, size?: FromPixelsOptions['size']): { height: number; width: number; } {
  if (typeof size === 'object') return { height: size.height, width: size.width };
  const longest = Math.max(height, width);
  const side = size ?? Math.min(longest, DEFAULT_IMAGE_SIDE);
  if (side === longest) return { height, width };
  return {
    height: Math.max(1, Math.round((height * side) / longest)),
    width: Math.max(1, Math.round((width * side) / longest)),
  };
}

/**
 * Turns decoded RGBA pixels into a pattern: grey levels ({@link toGrey}), resized with a box
 * filter ({@link resizeGrey}) to the target size, then binarised: a cell whose grey level is
 * below `threshold` is black (1), others white (0); `invert` swaps the two afterwards.
 * Throws an MpoError on malformed pixels or options, and on a result that is all white or
 * all black (saying which grey levels the cells have, so the threshold can be moved).
 */
export function patternFromPixels(image: RgbaImage, options: FromPixelsOptions = {}): Pattern {
  const { threshold = 0.5, invert = false, name = 'image' } = options;
  const { width, height, data } = image;
  check(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0,
    `image "${name}" has size ${width}x${height}: both sides must be positive integers`);
  check(data.length === 4 * width * height,
    `image "${name}" has ${data.length} bytes of pixels, expected ${width}x${height}x4=${4 * width * height}: pass RGBA pixels`);
  check(typeof threshold === 'number' && threshold >= 0 && threshold <= 1,
    `threshold ${threshold} for "${name}" is not in 0..1: pass a grey level between 0 (black) and 1 (white), e.g. 0.5`);
  const okSide = (n: number) => Number.isInteger(n) && n >= 1 && n <= MAX_PATTERN_SIDE;
  check(typeof options.size !== 'number' || okSide(options.size),
    `pattern size ${options.size} for "${name}" is not an integer in 1..${MAX_PATTERN_SIDE}: pass the longest side in cells, e.g. 50`);
  const to = targetSize(height, width, options.size);
  check(okSide(to.height) && okSide(to.width),
    `pattern size ${to.height}x${to.width} for "${name}" is not allowed: each side must be an integer in 1..${MAX_PATTERN_SIDE}, e.g. 50`);

  const grey = resizeGrey(toGrey(image), height, width, to.height, to.width);
  const cells = new Uint8Array(grey.length);
  let black = 0;
  for (let k = 0; k < grey.length; k++) {
    cells[k] = (grey[k] < threshold) !== invert ? 1 : 0;
    black += cells[k];
  }
  if (black === 0 || black === cells.length) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const g of grey) {
      lo = Math.min(lo, g);
      hi = Math.max(hi, g);
    }
    throw new MpoError(`pattern "${name}" is all ${black ? 'black' : 'white'} at threshold ${threshold}` +
      `${invert ? ' (inverted)' : ''}: its cells have grey levels ${lo.toFixed(3)}..${hi.toFixed(3)} (0 = black, 1 = white); ` +
      'pick a threshold inside that range' + (lo === hi ? ', or use a picture with some contrast' : ''));
  }
  return validatePattern({ height: to.height, width: to.width, cells, name });
}

/** Renders a pattern as RGBA pixels, one pixel per cell: black cells (0, 0, 0, 255), white (255, 255, 255, 255). */
export function patternToPixels(p: Pattern): RgbaImage {
  const data = new Uint8Array(4 * p.cells.length);
  p.cells.forEach((v, k) => {
    const g = v ? 0 : 255;
    data.set([g, g, g, 255], 4 * k);
  });
  return { data, width: p.width, height: p.height };
}
