import { readFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { firstLine, MpoError } from '../core/errors.js';
import { BUILTIN_NAMES } from '../core/pattern/builtins.js';
import type { RgbaImage } from '../core/pattern/from-pixels.js';

/** Most pixels an image file may have (PNG and JPEG): 50 megapixels. */
export const MAX_IMAGE_PIXELS = 50_000_000;
/** Memory the JPEG decoder may use (jpeg-js `maxMemoryUsageInMB`). */
export const MAX_JPEG_MEMORY_MB = 512;

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_MAGIC = [0xff, 0xd8, 0xff];

/** What to do when a pattern file cannot be used. */
function fix(): string {
  return `pass a PNG or JPEG image, a .txt grid, or a built-in name: ${BUILTIN_NAMES.join(', ')}`;
}

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return bytes.length >= magic.length && magic.every((b, k) => bytes[k] === b);
}

/** The image format a file's first bytes announce, or undefined for anything else. */
export function sniffImageFormat(bytes: Uint8Array): 'png' | 'jpeg' | undefined {
  if (startsWith(bytes, PNG_MAGIC)) return 'png';
  if (startsWith(bytes, JPEG_MAGIC)) return 'jpeg';
  return undefined;
}

/** Reads a file's bytes, turning file-system errors into one-line MpoErrors naming the file. */
export function readPatternFileBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new MpoError(`file "${path}" does not exist: ${fix()}`);
    if (code === 'EISDIR') throw new MpoError(`"${path}" is a directory, not a file: ${fix()}`);
    throw new MpoError(`cannot read file "${path}" (${firstLine(e)}): check its permissions, or ${fix()}`);
  }
}

function decodePng(path: string, bytes: Uint8Array): RgbaImage {
  // IHDR width and height sit at bytes 16..23: refuse huge images before decoding them.
  if (bytes.length >= 24) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const pixels = view.getUint32(16) * view.getUint32(20);
    if (pixels > MAX_IMAGE_PIXELS) {
      throw new MpoError(`PNG file "${path}" has ${pixels} pixels, more than ${MAX_IMAGE_PIXELS}: scale it down first`);
    }
  }
  try {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return { data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength), width: png.width, height: png.height };
  } catch (e) {
    throw new MpoError(`PNG file "${path}" could not be decoded (${firstLine(e)}), it may be truncated or damaged: ${fix()}`);
  }
}

function decodeJpeg(path: string, bytes: Uint8Array): RgbaImage {
  try {
    const img = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxMemoryUsageInMB: MAX_JPEG_MEMORY_MB,
      maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6,
    });
    return { data: img.data, width: img.width, height: img.height };
  } catch (e) {
    throw new MpoError(`JPEG file "${path}" could not be decoded (${firstLine(e)}), it may be truncated, damaged or too large: ${fix()}`);
  }
}

/**
 * Reads and decodes a PNG (pngjs) or JPEG (jpeg-js) file into RGBA pixels. The format is
 * told by the file's first bytes, not its extension. A missing file, a file that is not a
 * PNG or JPEG, or one that fails to decode throws a one-line MpoError naming the file.
 */
export function readImageFile(path: string): RgbaImage {
  const bytes = readPatternFileBytes(path);
  const format = sniffImageFormat(bytes);
  if (format === 'png') return decodePng(path, bytes);
  if (format === 'jpeg') return decodeJpeg(path, bytes);
  if (bytes.length === 0) throw new MpoError(`file "${path}" is empty, not an image: ${fix()}`);
  const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new MpoError(`file "${path}" is not a PNG or JPEG image (it starts with bytes "${head}"): ${fix()}`);
}
