/**
 * The IDX file format of MNIST and FashionMNIST, parsed from uncompressed bytes (isomorphic:
 * Node gunzips files with zlib in `src/node/data/idx.ts`, the browser app with
 * `DecompressionStream`). A 4-byte magic number (0, 0, type 0x08 = unsigned byte, number of
 * dimensions), one big-endian uint32 per dimension, then the data. Images are 3-D
 * (n, rows, columns), labels 1-D (n).
 */
import { MpoError } from '../errors.js';

/** Magic number of an IDX file of unsigned-byte images (3 dimensions). */
export const IDX_IMAGES_MAGIC = 0x00000803;
/** Magic number of an IDX file of unsigned-byte labels (1 dimension). */
export const IDX_LABELS_MAGIC = 0x00000801;

/** Images read from an IDX file. */
export interface IdxImages {
  /** Number of images. */
  n: number;
  /** Rows per image. */
  height: number;
  /** Columns per image. */
  width: number;
  /** `n * height * width` grey levels 0..255, image by image, row-major (a view into the file's bytes). */
  pixels: Uint8Array;
}

/** Labels read from an IDX file. */
export interface IdxLabels {
  /** Number of labels. */
  n: number;
  /** `n` labels, each below the number of classes (a view into the file's bytes). */
  labels: Uint8Array;
}

const hex = (m: number) => '0x' + m.toString(16).padStart(8, '0');
const fmtCount = (n: number) => n.toLocaleString('en-US');
const FIX = 're-download it or delete it so mpo fetches it again';

/**
 * Checks the header and exact length of IDX data of the given kind and returns its
 * dimensions and the data bytes. `file` names the file in error messages.
 */
function parseIdx(bytes: Uint8Array, file: string, kind: 'images' | 'labels'): { dims: number[]; data: Uint8Array; } {
  const expected = kind === 'images' ? IDX_IMAGES_MAGIC : IDX_LABELS_MAGIC;
  const other = kind === 'images' ? 'labels' : 'images';
  if (!(bytes instanceof Uint8Array)) throw new MpoError(`IDX data of "${file}" must be bytes (a Uint8Array)`);
  if (bytes.length < 4) {
    throw new MpoError(`IDX file "${file}" has ${bytes.length} bytes, too short for an IDX header: ${FIX}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (magic !== expected) {
    const hint = magic === (kind === 'images' ? IDX_LABELS_MAGIC : IDX_IMAGES_MAGIC)
      ? `pass the ${kind} file, not the ${other} file`
      : `the file is not an IDX ${kind} file: ${FIX}`;
    throw new MpoError(
      `IDX file "${file}" has magic number ${hex(magic)}, expected ${hex(expected)} (${kind}): ${hint}`,
    );
  }
  const ndim = bytes[3];
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) {
    throw new MpoError(
      `IDX file "${file}" is truncated: ${bytes.length} bytes, shorter than its ${headerBytes}-byte header: ${FIX}`,
    );
  }
  const dims: number[] = [];
  for (let d = 0; d < ndim; d++) dims.push(view.getUint32(4 + 4 * d));
  const expectedBytes = dims.reduce((a, b) => a * b, 1) + headerBytes;
  if (bytes.length !== expectedBytes) {
    const what = bytes.length < expectedBytes ? 'is truncated' : 'is longer than its header says';
    throw new MpoError(
      `IDX file "${file}" ${what}: expected ${fmtCount(expectedBytes)} bytes (${dims.join('x')} ${kind}), ` +
        `got ${fmtCount(bytes.length)}${file.endsWith('.gz') ? ' uncompressed' : ''}: ${FIX}`,
    );
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

/** Parses uncompressed IDX image data; `file` names the source in error messages. */
export function parseIdxImagesRaw(bytes: Uint8Array, file: string): IdxImages {
  const { dims, data } = parseIdx(bytes, file, 'images');
  const [n, height, width] = dims;
  if (height === 0 || width === 0) {
    throw new MpoError(`IDX file "${file}" has images of ${height}x${width} pixels: ${FIX}`);
  }
  return { n, height, width, pixels: data };
}

/**
 * Parses uncompressed IDX label data and checks every label is below `numClasses`.
 * `file` names the source in error messages.
 */
export function parseIdxLabelsRaw(bytes: Uint8Array, file: string, numClasses: number): IdxLabels {
  const { dims, data } = parseIdx(bytes, file, 'labels');
  for (let i = 0; i < data.length; i++) {
    if (data[i] >= numClasses) {
      throw new MpoError(
        `IDX file "${file}" has label ${data[i]} at index ${i}, expected 0..${numClasses - 1}: ` +
          `it is not a ${numClasses}-class labels file; ${FIX}`,
      );
    }
  }
  return { n: dims[0], labels: data };
}

/**
 * Encodes unsigned-byte data as an (uncompressed) IDX file. `dims` are the dimension sizes
 * (`[n, rows, cols]` for images, `[n]` for labels); `data` must hold their product of bytes.
 */
export function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const size = dims.reduce((a, b) => a * b, 1);
  if (data.length !== size) throw new RangeError(`encodeIdx: ${data.length} bytes for dims ${dims.join('x')}`);
  const out = new Uint8Array(4 + 4 * dims.length + size);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x00000800 | dims.length);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
