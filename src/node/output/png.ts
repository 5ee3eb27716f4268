import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import { PNG } from 'pngjs';
import { check, MpoError } from '../../core/errors.js';
import { toSvg, type Figure } from '../../core/render/svg.js';
import { writeFileAtomic } from './atomic.js';

/** The 8 bytes every PNG file starts with. */
export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** RGBA pixels, 8 bits per channel, row-major. */
export interface Raster {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}

/** The fonts shipped in `assets/fonts/` (DejaVu Sans): the only ones resvg sees. */
export const FONT_FILES: readonly string[] = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf']
  .map((f) => fileURLToPath(new URL(`../../../assets/fonts/${f}`, import.meta.url)));

/** True if `bytes` start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

/** Options of {@link svgToPng}. */
export interface SvgToPngOptions {
  /** Pixels per SVG user unit (default 1; 2 for sharper figures in documents). */
  scale?: number;
}

/**
 * Renders an SVG document to PNG bytes with resvg, using only the shipped DejaVu Sans
 * (`loadSystemFonts: false`), so the pixels are the same on every machine.
 */
export function svgToPng(svg: string, opts: SvgToPngOptions = {}): Uint8Array {
  const scale = opts.scale ?? 1;
  check(scale > 0 && Number.isFinite(scale), `PNG scale ${scale} is invalid: use a positive number`);
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles: [...FONT_FILES], defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
    fitTo: scale === 1 ? { mode: 'original' } : { mode: 'zoom', value: scale },
    background: '#ffffff',
  });
  return resvg.render().asPng();
}

/** PNG bytes of a figure (see {@link svgToPng}). */
export function figureToPng(f: Figure, opts?: SvgToPngOptions): Uint8Array {
  return svgToPng(toSvg(f), opts);
}

/**
 * Writes a figure as `path` (a .png, atomically) and, beside it, the same picture as SVG
 * (`.svg` instead of `.png`), which a browser shows as it is.
 */
export function writeFigure(path: string, f: Figure, opts?: SvgToPngOptions): void {
  check(path.endsWith('.png'), `figure path ${path} does not end in .png`);
  const svg = toSvg(f);
  writeFileAtomic(path, svgToPng(svg, opts));
  writeFileAtomic(path.replace(/\.png$/, '.svg'), svg);
}

/**
 * Decodes PNG bytes (any colour type and bit depth pngjs reads) into RGBA pixels with 8 bits
 * per channel. Throws an MpoError naming `source` (default "PNG data") for unreadable bytes.
 */
export function decodePng(buf: Uint8Array, source = 'PNG data'): Raster {
  check(isPng(buf), `${source} is not a PNG file (no PNG signature): pass a .png image`);
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength));
  } catch (err) {
    const msg = String(err instanceof Error ? err.message : err).split(/\r?\n/)[0];
    throw new MpoError(`${source} is not a readable PNG (${msg}): re-save the image as an 8-bit PNG`);
  }
  const data = new Uint8ClampedArray(png.width * png.height * 4);
  data.set(png.data.subarray(0, data.length));
  return { width: png.width, height: png.height, data };
}
