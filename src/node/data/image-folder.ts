/**
 * Your own images as a dataset: a folder with one sub-folder of PNG/JPEG images per class (the
 * ImageFolder convention of torchvision and Keras's `image_dataset_from_directory`), either as
 * `train/` and `test/` folders of class folders or as one folder of class folders split by
 * `testSplit`. Images are scaled to [0, 1], grey (1 channel) or RGB (3; alpha is dropped), and
 * resized (bilinear) to a target size when one is given (a model file's input), else must all be
 * one size.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { firstLine, MpoError } from '../../core/errors.js';
import { createRng } from '../../core/random.js';
import { MAX_IMAGE_PIXELS, MAX_JPEG_MEMORY_MB, sniffImageFormat } from '../image-file.js';
import type { Dataset } from './types.js';

/** File name endings read as images (case-insensitive). */
export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg'];

/** Options of {@link loadImageFolder}. */
export interface ImageFolderOptions {
  /** Share of each class held out for the test split when the folder has no `train/` and `test/` (default 0.2). */
  readonly testSplit?: number;
  /** Resize every image to this [height, width] (bilinear); without it every image must be one size. */
  readonly size?: readonly [number, number];
  /** Keep the first `limit` examples of each split (after the fixed shuffle). */
  readonly trainLimit?: number;
  readonly testLimit?: number;
}

/** One decoded image: pixels as RGBA bytes and its channels (1 grey, 3 colour) by its header. */
interface Decoded {
  readonly path: string;
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly rgba: Uint8Array;
}

/** Sub-folders of `dir` (hidden ones skipped), sorted by name. */
function subfolders(dir: string): string[] {
  return readdirSync(dir).filter((n) => !n.startsWith('.') && statSync(join(dir, n)).isDirectory()).sort();
}

/** Whether `dir` holds `train/` and `test/` folders. */
export function hasTrainTest(dir: string): boolean {
  const subs = subfolders(dir);
  return subs.includes('train') && subs.includes('test');
}

/** The grey/colour channels a PNG's IHDR colour type or a JPEG's frame header announces. */
function headerChannels(bytes: Uint8Array, format: 'png' | 'jpeg'): 1 | 3 {
  if (format === 'png') return bytes.length > 25 && (bytes[25] === 0 || bytes[25] === 4) ? 1 : 3;
  // JPEG: find the start-of-frame marker (0xC0..0xCF but C4, C8, CC); its component count is at +9.
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) {
      at++;
      continue;
    }
    const m = bytes[at + 1]!;
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) return bytes[at + 9] === 1 ? 1 : 3;
    if (m === 0xd8 || m === 0x01 || (m >= 0xd0 && m <= 0xd7) || m === 0xff) {
      at += m === 0xff ? 1 : 2;
      continue;
    }
    at += 2 + ((bytes[at + 2]! << 8) | bytes[at + 3]!);
  }
  return 3;
}

function decodeImage(path: string): Decoded {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new MpoError(`cannot read image "${path}" (${firstLine(e)}): check the dataset folder`);
  }
  const format = sniffImageFormat(bytes);
  if (!format) throw new MpoError(`"${path}" is not a PNG or JPEG image (by its first bytes): remove it from the dataset folder or convert it`);
  try {
    if (format === 'png') {
      if (bytes.length >= 24) {
        const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        if (v.getUint32(16) * v.getUint32(20) > MAX_IMAGE_PIXELS) throw new Error(`more than ${MAX_IMAGE_PIXELS} pixels`);
      }
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { path, width: png.width, height: png.height, channels: headerChannels(bytes, format),
        rgba: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
    }
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: MAX_JPEG_MEMORY_MB, maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6 });
    return { path, width: img.width, height: img.height, channels: headerChannels(bytes, format), rgba: img.data };
  } catch (e) {
    throw new MpoError(`image "${path}" could not be decoded (${firstLine(e)}): it may be damaged; remove or replace it`);
  }
}

/**
 * Bilinear resize of one channel-interleaved image (half-pixel centres, as TF's resizeBilinear
 * with halfPixelCenters) from [h, w, c] to [th, tw, c].
 */
export function resizeBilinear(src: Float32Array, h: number, w: number, c: number, th: number, tw: number): Float32Array {
  if (h === th && w === tw) return src;
  const out = new Float32Array(th * tw * c);
  for (let y = 0; y < th; y++) {
    const sy = Math.min(Math.max(((y + 0.5) * h) / th - 0.5, 0), h - 1);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, h - 1);
    const fy = sy - y0;
    for (let x = 0; x < tw; x++) {
      const sx = Math.min(Math.max(((x + 0.5) * w) / tw - 0.5, 0), w - 1);
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, w - 1);
      const fx = sx - x0;
      for (let k = 0; k < c; k++) {
        const a = src[(y0 * w + x0) * c + k]! * (1 - fx) + src[(y0 * w + x1) * c + k]! * fx;
        const b = src[(y1 * w + x0) * c + k]! * (1 - fx) + src[(y1 * w + x1) * c + k]! * fx;
        out[(y * tw + x) * c + k] = a * (1 - fy) + b * fy;
      }
    }
  }
  return out;
}

/** The image files of each class folder of `dir`, by class name (sorted); empty class folders are an error. */
function classFiles(dir: string, what: string): Map<string, string[]> {
  const classes = subfolders(dir);
  if (classes.length === 0) {
    throw new MpoError(`${what} "${dir}" holds no class folders: put one sub-folder of PNG/JPEG images per class in it (e.g. ${join(dir, 'cat')}/1.png)`);
  }
  const out = new Map<string, string[]>();
  for (const cls of classes) {
    const files = readdirSync(join(dir, cls))
      .filter((n) => !n.startsWith('.') && IMAGE_EXTENSIONS.some((e) => n.toLowerCase().endsWith(e)))
      .sort()
      .map((n) => join(dir, cls, n));
    if (files.length === 0) throw new MpoError(`class folder "${join(dir, cls)}" holds no PNG or JPEG images: add images or remove the folder`);
    out.set(cls, files);
  }
  return out;
}

/** Files and labels of one split, shuffled with a fixed seed (the same order on every run), then cut to `limit`. */
function shuffled(items: { path: string; label: number; }[], seed: number, limit?: number): { path: string; label: number; }[] {
  const rng = createRng(seed);
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return limit !== undefined ? a.slice(0, limit) : a;
}

/**
 * Reads an image folder dataset (see the module's note) as the train and test {@link Dataset}s.
 * Class names are the sorted class folder names, labels their indices; each split is shuffled
 * with a fixed seed. Without `opts.size` all images must be one size. One-line MpoErrors name the
 * folder or file for: no class folders, an empty class folder, train and test with different
 * classes, a class too small to split, images of mixed sizes (without a size) or of mixed channels
 * (grey and colour), a file that does not decode.
 */
export function loadImageFolder(dir: string, opts: ImageFolderOptions = {}): { train: Dataset; test: Dataset; } {
  const split = opts.testSplit ?? 0.2;
  if (!(split > 0 && split < 1)) throw new MpoError(`--test-split is ${split}: give a share between 0 and 1 (exclusive), e.g. 0.2`);
  let trainFiles: Map<string, string[]>;
  let testFiles: Map<string, string[]>;
  if (hasTrainTest(dir)) {
    trainFiles = classFiles(join(dir, 'train'), 'dataset folder');
    testFiles = classFiles(join(dir, 'test'), 'dataset folder');
    const a = [...trainFiles.keys()].join(', ');
    const b = [...testFiles.keys()].join(', ');
    if (a !== b) throw new MpoError(`"${join(dir, 'train')}" has the classes ${a} but "${join(dir, 'test')}" has ${b}: give both the same class folders`);
  } else {
    const all = classFiles(dir, 'dataset folder');
    trainFiles = new Map();
    testFiles = new Map();
    for (const [cls, files] of all) {
      if (files.length < 2) throw new MpoError(`class folder "${join(dir, cls)}" has ${files.length} image: a train/test split needs at least 2 per class`);
      const nTest = Math.min(files.length - 1, Math.max(1, Math.round(files.length * split)));
      trainFiles.set(cls, files.slice(0, files.length - nTest));
      testFiles.set(cls, files.slice(files.length - nTest));
    }
  }
  const classNames = [...trainFiles.keys()];
  const items = (m: Map<string, string[]>) => classNames.flatMap((cls, label) => m.get(cls)!.map((path) => ({ path, label })));
  const trainItems = shuffled(items(trainFiles), 23, opts.trainLimit);
  const testItems = shuffled(items(testFiles), 29, opts.testLimit);

  let ref: Decoded | null = null;
  const read = (list: { path: string; label: number; }[], name: 'train' | 'test'): Dataset => {
    const decoded = list.map((it) => decodeImage(it.path));
    ref ??= decoded[0]!;
    const [th, tw] = opts.size ?? [ref.height, ref.width];
    const c = ref.channels;
    for (const d of decoded) {
      if (d.channels !== c) {
        throw new MpoError(
          `images mix grey and colour: "${ref.path}" has ${c} channel${c === 1 ? '' : 's'} but "${d.path}" has ${d.channels}: save them all grey or all RGB`,
        );
      }
      if (!opts.size && (d.width !== ref.width || d.height !== ref.height)) {
        throw new MpoError(`images differ in size: "${ref.path}" is ${ref.width}x${ref.height} but "${d.path}" is ${d.width}x${d.height}: `
          + 'make them one size, or pass --model a model.json with a fixed input size (images are then resized to it)');
      }
    }
    const images = new Float32Array(decoded.length * th * tw * c);
    decoded.forEach((d, i) => {
      const px = d.width * d.height;
      const src = new Float32Array(px * c);
      for (let p = 0; p < px; p++) for (let k = 0; k < c; k++) src[p * c + k] = d.rgba[p * 4 + k]! / 255;
      images.set(resizeBilinear(src, d.height, d.width, c, th, tw), i * th * tw * c);
    });
    return {
      name: dir,
      split: name,
      images,
      labels: Int32Array.from(list, (it) => it.label),
      n: list.length,
      height: th,
      width: tw,
      channels: c,
      numClasses: classNames.length,
      classNames,
      source: `image folder ${dir} (${hasTrainTest(dir) ? `${name}/` : `${name} split of --test-split ${split}`})`,
    };
  };
  return { train: read(trainItems, 'train'), test: read(testItems, 'test') };
}
