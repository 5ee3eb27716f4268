import { check } from '../errors.js';

/**
 * An RGBA picture in memory: `width * height` pixels, row-major from the top-left
 * corner, four bytes per pixel (red, green, blue, alpha; alpha 255 = opaque).
 * The same layout as a browser's `ImageData`, so it can be put on a canvas as is.
 */
export interface Raster {
  /** Pixels per row. */
  width: number;
  /** Rows of pixels. */
  height: number;
  /** `width * height * 4` bytes: R, G, B, A of each pixel, row 0 first. */
  data: Uint8ClampedArray;
}

/** An opaque colour: red, green, blue in 0..255. */
export type Rgb = readonly [number, number, number];
/** A colour with alpha in 0..255 (255 = opaque). */
export type Rgba = readonly [number, number, number, number];
/** Either an opaque {@link Rgb} or an {@link Rgba}; a missing alpha means 255. */
export type Color = Rgb | Rgba;

/** White, the default background of every picture. */
export const WHITE_RGB: Rgb = [255, 255, 255];

/** Largest side of a raster, in pixels (keeps a mistaken cell size from allocating gigabytes). */
export const MAX_RASTER_SIDE = 16384;

/**
 * Creates a `width x height` raster filled with `background` (default opaque white).
 * Sides must be integers in 0..{@link MAX_RASTER_SIDE}.
 */
export function createRaster(width: number, height: number, background: Color = WHITE_RGB): Raster {
  check(Number.isInteger(width) && Number.isInteger(height) && width >= 0 && height >= 0,
    `raster size ${width}x${height} is invalid: width and height must be non-negative integers`);
  check(width <= MAX_RASTER_SIDE && height <= MAX_RASTER_SIDE,
    `raster size ${width}x${height} is larger than ${MAX_RASTER_SIDE} pixels per side: use a smaller cell size`);
  const r: Raster = { width, height, data: new Uint8ClampedArray(width * height * 4) };
  fillRect(r, 0, 0, width, height, background);
  return r;
}

/**
 * Fills the rectangle with top-left corner (x, y) and size w x h with `color`
 * (replacing pixels, no blending). Parts outside the raster are clipped; coordinates
 * are rounded down to whole pixels.
 */
export function fillRect(r: Raster, x: number, y: number, w: number, h: number, color: Color): void {
  const x0 = Math.max(0, Math.floor(x));
  const y0 = Math.max(0, Math.floor(y));
  const x1 = Math.min(r.width, Math.floor(x) + Math.floor(w));
  const y1 = Math.min(r.height, Math.floor(y) + Math.floor(h));
  if (x1 <= x0 || y1 <= y0) return;
  const [cr, cg, cb] = color;
  const ca = color.length === 4 ? color[3] : 255;
  const d = r.data;
  for (let yy = y0; yy < y1; yy++) {
    let i = (yy * r.width + x0) * 4;
    for (let xx = x0; xx < x1; xx++, i += 4) {
      d[i] = cr; d[i + 1] = cg; d[i + 2] = cb; d[i + 3] = ca;
    }
  }
}

/** Sets one pixel; does nothing outside the raster. */
export function setPixel(r: Raster, x: number, y: number, color: Color): void {
  fillRect(r, x, y, 1, 1, color);
}

/** Returns the RGBA of the pixel at (x, y); throws an MpoError outside the raster. */
export function getPixel(r: Raster, x: number, y: number): Rgba {
  check(Number.isInteger(x) && Number.isInteger(y) && x >= 0 && y >= 0 && x < r.width && y < r.height,
    `pixel (${x}, ${y}) is outside the ${r.width}x${r.height} raster: pass 0 <= x < width, 0 <= y < height`);
  const i = (y * r.width + x) * 4;
  return [r.data[i], r.data[i + 1], r.data[i + 2], r.data[i + 3]];
}

/**
 * Copies all of `src` into `dst` with its top-left corner at (x, y), replacing
 * pixels (no alpha blending). Parts falling outside `dst` are clipped.
 */
export function blit(dst: Raster, src: Raster, x: number, y: number): void {
  x = Math.floor(x);
  y = Math.floor(y);
  const sx0 = Math.max(0, -x);
  const sy0 = Math.max(0, -y);
  const sx1 = Math.min(src.width, dst.width - x);
  const sy1 = Math.min(src.height, dst.height - y);
  if (sx1 <= sx0 || sy1 <= sy0) return;
  for (let sy = sy0; sy < sy1; sy++) {
    const from = (sy * src.width + sx0) * 4;
    const to = ((sy + y) * dst.width + sx0 + x) * 4;
    dst.data.set(src.data.subarray(from, from + (sx1 - sx0) * 4), to);
  }
}

/** Options of {@link composeRow} and {@link composeGrid}. */
export interface ComposeOptions {
  /** Pixels between neighbouring panels (default 8). */
  gap?: number;
  /** Colour of the gaps and of space below shorter panels (default white). */
  background?: Color;
  /** Vertical placement of panels shorter than the tallest (default 'top'). */
  align?: 'top' | 'center' | 'bottom';
}

/**
 * Puts panels side by side, left to right, e.g. "target | test loss | test accuracy".
 * The result is as tall as the tallest panel. Throws an MpoError for an empty list.
 */
export function composeRow(rasters: readonly Raster[], opts: ComposeOptions = {}): Raster {
  check(rasters.length > 0, 'composeRow got no rasters: pass at least one panel');
  const gap = checkGap(opts.gap ?? 8);
  const align = opts.align ?? 'top';
  const height = Math.max(...rasters.map((r) => r.height));
  const width = rasters.reduce((s, r) => s + r.width, 0) + gap * (rasters.length - 1);
  const out = createRaster(width, height, opts.background ?? WHITE_RGB);
  let x = 0;
  for (const r of rasters) {
    const slack = height - r.height;
    const y = align === 'top' ? 0 : align === 'bottom' ? slack : Math.floor(slack / 2);
    blit(out, r, x, y);
    x += r.width + gap;
  }
  return out;
}

/**
 * Lays out rows of panels: each row is composed with {@link composeRow}, then the
 * rows are stacked top to bottom, left-aligned, `gap` pixels apart.
 * Throws an MpoError if there is no row or a row is empty.
 */
export function composeGrid(rows: readonly (readonly Raster[])[], opts: ComposeOptions = {}): Raster {
  check(rows.length > 0, 'composeGrid got no rows: pass at least one row of panels');
  const gap = checkGap(opts.gap ?? 8);
  const composed = rows.map((row, i) => {
    check(row.length > 0, `composeGrid row ${i} is empty: pass at least one panel per row`);
    return composeRow(row, opts);
  });
  const width = Math.max(...composed.map((r) => r.width));
  const height = composed.reduce((s, r) => s + r.height, 0) + gap * (composed.length - 1);
  const out = createRaster(width, height, opts.background ?? WHITE_RGB);
  let y = 0;
  for (const r of composed) {
    blit(out, r, 0, y);
    y += r.height + gap;
  }
  return out;
}

function checkGap(gap: number): number {
  check(Number.isInteger(gap) && gap >= 0 && gap <= 1000,
    `compose gap ${gap} is invalid: pass a whole number of pixels in 0..1000`);
  return gap;
}
