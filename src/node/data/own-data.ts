/**
 * `--dataset path/`: your own data, from a folder holding either NumPy arrays (`x_train.npy`,
 * `y_train.npy`, `x_test.npy`, `y_test.npy`) or images in class folders (see image-folder.ts).
 *
 * The NumPy convention: `x_*` of shape [N, H, W] (grey) or [N, H, W, C], uint8 (scaled by 1/255)
 * or float32/float64 (used as they are); `y_*` of shape [N] or [N, 1] with whole class numbers
 * from 0 (uint8, int32 or int64, or floats holding whole numbers), or one-hot [N, classes]. The
 * class count is the largest label + 1 (or the one-hot width).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MpoError } from '../../core/errors.js';
import { decodeNpy } from '../output/npy.js';
import { DATASET_NAMES } from './catalog.js';
import { loadImageFolder } from './image-folder.js';
import type { Dataset } from './types.js';

/** The file names of the NumPy convention, by split. */
export const NPY_FILES = { train: { x: 'x_train.npy', y: 'y_train.npy' }, test: { x: 'x_test.npy', y: 'y_test.npy' } } as const;

/** Options of {@link loadOwnData}. */
export interface OwnDataOptions {
  /** Image folders without train/ and test/: the test share of each class (default 0.2). */
  readonly testSplit?: number;
  /** Image folders: resize every image to [height, width]. */
  readonly size?: readonly [number, number];
  /** Keep the first N training examples. */
  readonly trainLimit?: number;
  /** Keep the first N test examples. */
  readonly testLimit?: number;
}

/** Whether a `--dataset` value names your own folder rather than a built-in dataset. */
export function isOwnDataset(name: string): boolean {
  return !(DATASET_NAMES as readonly string[]).includes(name);
}

/** Reads one NPY file, with int64/uint64/int16/uint16/int8 values converted to int32 (decodeNpy reads the rest). */
function readNpy(path: string): { data: ArrayLike<number>; shape: number[]; dtype: string; } {
  const buf = readFileSync(path);
  const header = buf.subarray(0, Math.min(buf.length, 512)).toString('latin1');
  const descr = /'descr'\s*:\s*'([<>|=]?)([iu])([128])'/.exec(header);
  if (descr && !(descr[2] === 'u' && descr[3] === '1') && buf.length > 10) {
    const major = buf[6]!;
    const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
    const start = (major === 1 ? 10 : 12) + headerLen;
    const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1] ?? '';
    const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s).map(Number);
    const n = shape.reduce((a, b) => a * b, 1);
    const size = Number(descr[3]);
    const big = descr[1] === '>';
    const signed = descr[2] === 'i';
    if (buf.length < start + n * size) throw new MpoError(`"${path}" is truncated: its shape (${shapeText}) needs ${n * size} data bytes`);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const at = start + i * size;
      out[i] = size === 8
        ? Number(signed ? (big ? buf.readBigInt64BE(at) : buf.readBigInt64LE(at)) : (big ? buf.readBigUInt64BE(at) : buf.readBigUInt64LE(at)))
        : size === 2
        ? (signed ? (big ? buf.readInt16BE(at) : buf.readInt16LE(at)) : (big ? buf.readUInt16BE(at) : buf.readUInt16LE(at)))
        : (signed ? buf.readInt8(at) : buf.readUInt8(at));
    }
    return { data: out, shape, dtype: 'int32' };
  }
  return decodeNpy(buf, `"${path}"`);
}

/** Reads one split of the NumPy convention. */
function loadNpySplit(dir: string, split: 'train' | 'test', limit?: number): Omit<Dataset, 'numClasses' | 'classNames'> & { classesSeen: number; } {
  const xPath = join(dir, NPY_FILES[split].x);
  const yPath = join(dir, NPY_FILES[split].y);
  for (const p of [xPath, yPath]) {
    if (!existsSync(p)) {
      throw new MpoError(`"${p}" does not exist: a NumPy dataset folder holds ${Object.values(NPY_FILES).flatMap((f) => [f.x, f.y]).join(', ')}`);
    }
  }
  const x = readNpy(xPath);
  const y = readNpy(yPath);
  if (x.shape.length !== 3 && x.shape.length !== 4) {
    throw new MpoError(`"${xPath}" has shape (${x.shape.join(', ')}): give images as [N, H, W] (grey) or [N, H, W, C]`);
  }
  const n0 = x.shape[0]!;
  const [h, w, c] = [x.shape[1]!, x.shape[2]!, x.shape[3] ?? 1];
  if (n0 === 0 || h === 0 || w === 0 || c === 0) throw new MpoError(`"${xPath}" has shape (${x.shape.join(', ')}): it holds no images`);
  const oneHot = y.shape.length === 2 && y.shape[1]! > 1;
  if (!(y.shape.length === 1 || (y.shape.length === 2 && (y.shape[1] === 1 || oneHot))) || y.shape[0] !== n0) {
    throw new MpoError(
      `"${yPath}" has shape (${y.shape.join(', ')}) but "${xPath}" holds ${n0} images: give ${n0} labels as [N], [N, 1] or one-hot [N, classes]`,
    );
  }
  const n = Math.min(n0, limit ?? n0);
  const labels = new Int32Array(n);
  let classes = oneHot ? y.shape[1]! : 0;
  for (let i = 0; i < n; i++) {
    let v: number;
    if (oneHot) {
      const k = y.shape[1]!;
      v = 0;
      for (let j = 1; j < k; j++) if (y.data[i * k + j]! > y.data[i * k + v]!) v = j;
    } else {
      v = y.data[i]!;
      if (!Number.isInteger(v) || v < 0) throw new MpoError(`"${yPath}" holds the label ${v} at index ${i}: labels must be whole class numbers from 0`);
      classes = Math.max(classes, v + 1);
    }
    labels[i] = v;
  }
  const size = h * w * c;
  const images = new Float32Array(n * size);
  const scale = x.dtype === 'uint8' ? 1 / 255 : 1;
  for (let i = 0; i < n * size; i++) {
    const v = x.data[i]! * scale;
    if (!Number.isFinite(v)) throw new MpoError(`"${xPath}" holds a non-finite value (${x.data[i]}) at flat index ${i}: clean the images first`);
    images[i] = v;
  }
  return { name: dir, split, images, labels, n, height: h, width: w, channels: c, source: `NumPy arrays ${xPath}, ${yPath}`, classesSeen: classes };
}

/**
 * Reads your own dataset folder `dir` (a `--dataset` that is not a built-in name) as train and
 * test {@link Dataset}s: the NumPy convention when `dir` holds `x_train.npy`, else an image folder
 * (see {@link loadImageFolder}). One-line MpoErrors for a missing folder, a missing file, shapes
 * that do not fit, train and test images of different shapes, or bad labels.
 */
export function loadOwnData(dir: string, opts: OwnDataOptions = {}): { train: Dataset; test: Dataset; } {
  if (!existsSync(dir)) {
    throw new MpoError(`--dataset "${dir}" is neither a built-in dataset (${DATASET_NAMES.join(', ')}) nor an existing folder: `
      + 'pass a folder of class folders of images, or of x_train.npy, y_train.npy, x_test.npy, y_test.npy');
  }
  if (!statSync(dir).isDirectory()) {
    throw new MpoError(`--dataset "${dir}" is a file: pass the folder that holds the class folders or the .npy arrays`);
  }
  if (!existsSync(join(dir, NPY_FILES.train.x))) return loadImageFolder(dir, opts);
  const tr = loadNpySplit(dir, 'train', opts.trainLimit);
  const te = loadNpySplit(dir, 'test', opts.testLimit);
  if (tr.height !== te.height || tr.width !== te.width || tr.channels !== te.channels) {
    throw new MpoError(
      `"${dir}": the training images are ${tr.height}x${tr.width}x${tr.channels} but the test images ${te.height}x${te.width}x${te.channels}: give both splits one shape`,
    );
  }
  const numClasses = Math.max(tr.classesSeen, te.classesSeen);
  if (numClasses < 2) throw new MpoError(`"${dir}" has labels of ${numClasses} class: a classifier needs at least 2 classes`);
  const classNames = Array.from({ length: numClasses }, (_, i) => String(i));
  const done = ({ classesSeen: _, ...d }: typeof tr): Dataset => ({ ...d, numClasses, classNames });
  return { train: done(tr), test: done(te) };
}
