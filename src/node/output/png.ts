import { PNG } from 'pngjs';
import { check, MpoError } from '../../core/errors.js';
import type { Raster } from '../../core/render/raster.js';
import { writeFileAtomic } from './atomic.js';

/** The 8 bytes every PNG file starts with. */
export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** True if `bytes` start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

function checkRaster(r: Raster): void {
  check(Number.isInteger(r.width) && Number.isInteger(r.height) && r.width > 0 && r.height > 0,
    `cannot encode a ${r.width}x${r.height} raster as PNG: width and height must be at least 1`);
  check(r.data.length === r.width * r.height * 4,
    `raster data has ${r.data.length} bytes, expected ${r.width}x${r.height}x4=${r.width * r.height * 4}: pass RGBA pixels`);
}

/**
 * Encodes a raster as PNG bytes with pngjs (8 bits per channel, maximum compression).
 * A fully opaque raster is stored as RGB (colour type 2), otherwise as RGBA (type 6).
 * The bytes are deterministic for a given zlib version.
 */
export function encodePng(r: Raster): Buffer {
  checkRaster(r);
  let opaque = true;
  for (let i = 3; i < r.data.length; i += 4) {
    if (r.data[i] !== 255) {
      opaque = false;
      break;
    }
  }
  const png = new PNG({ width: r.width, height: r.height });
  png.data = Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength);
  return PNG.sync.write(png, { colorType: opaque ? 2 : 6, inputHasAlpha: true, deflateLevel: 9 });
}

/**
 * Decodes PNG bytes (any colour type and bit depth pngjs reads) into an RGBA raster with
 * 8 bits per channel. Throws an MpoError naming `source` (default "PNG data") if the
 * bytes are not a readable PNG.
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

/** Encodes `raster` as PNG and writes it to `path` atomically (see writeFileAtomic). */
export function writePng(path: string, raster: Raster): void {
  writeFileAtomic(path, encodePng(raster));
}
