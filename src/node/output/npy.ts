import { check } from '../../core/errors.js';
import { writeFileAtomic } from './atomic.js';

/**
 * NumPy `.npy` files (format version 1.0 written; 1.0, 2.0 and 3.0 read), so results
 * open with `np.load`. Data is little-endian and C order (row-major, last index fastest).
 */

/** Typed arrays that can be written. */
export type NpyArray = Float32Array | Float64Array | Int32Array | Uint8Array;
/** Element types: the NumPy dtypes float32, float64, int32, uint8. */
export type NpyDtype = 'float32' | 'float64' | 'int32' | 'uint8';

/** A decoded array. */
export interface NpyData {
  /** Values in C order. */
  data: NpyArray;
  /** Size of each dimension ([] for a scalar). */
  shape: number[];
  /** Element type. */
  dtype: NpyDtype;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

interface DtypeInfo {
  dtype: NpyDtype;
  descr: string;
  size: number;
}
const INFOS: readonly DtypeInfo[] = [
  { dtype: 'float32', descr: '<f4', size: 4 },
  { dtype: 'float64', descr: '<f8', size: 8 },
  { dtype: 'int32', descr: '<i4', size: 4 },
  { dtype: 'uint8', descr: '|u1', size: 1 },
];

function infoOf(data: NpyArray): DtypeInfo {
  if (data instanceof Float32Array) return INFOS[0];
  if (data instanceof Float64Array) return INFOS[1];
  if (data instanceof Int32Array) return INFOS[2];
  check(data instanceof Uint8Array, 'NPY data must be a Float32Array, Float64Array, Int32Array or Uint8Array: convert it first');
  return INFOS[3];
}

function checkShape(shape: readonly number[], length: number): void {
  check(Array.isArray(shape) && shape.every((d) => Number.isInteger(d) && d >= 0), `NPY shape [${shape}] is invalid: pass a list of non-negative integers`);
  const n = shape.reduce((p, d) => p * d, 1);
  check(n === length, `NPY shape [${shape}] holds ${n} values but the data has ${length}: pass a matching shape`);
}

/** The header dictionary text, e.g. `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`. */
function headerDict(descr: string, shape: readonly number[]): string {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  return `{'descr': '${descr}', 'fortran_order': False, 'shape': ${dims}, }`;
}

/**
 * Encodes an array as NPY format 1.0: magic, version, header length, and the header
 * dictionary padded with spaces and a final '\n' so the data starts at a multiple of
 * 64 bytes; then the values, little-endian, in C order. Throws an MpoError if `shape`
 * does not match the data's length.
 */
export function encodeNpy(data: NpyArray, shape: readonly number[]): Buffer {
  const info = infoOf(data);
  checkShape(shape, data.length);
  const dict = headerDict(info.descr, shape);
  const unpadded = 10 + dict.length + 1;
  const headerLen = dict.length + 1 + ((64 - (unpadded % 64)) % 64);
  check(headerLen <= 0xffff, `NPY shape [${shape}] needs a header over 65535 bytes: use fewer dimensions`);
  const header = dict.padEnd(headerLen - 1, ' ') + '\n';
  const out = Buffer.alloc(10 + headerLen + data.length * info.size);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(headerLen, 8);
  out.write(header, 10, 'latin1');
  const view = new DataView(out.buffer, out.byteOffset + 10 + headerLen, data.length * info.size);
  for (let i = 0; i < data.length; i++) {
    if (info.dtype === 'float32') view.setFloat32(i * 4, data[i], true);
    else if (info.dtype === 'float64') view.setFloat64(i * 8, data[i], true);
    else if (info.dtype === 'int32') view.setInt32(i * 4, data[i], true);
    else view.setUint8(i, data[i]);
  }
  return out;
}

/**
 * Decodes NPY bytes (versions 1.0-3.0; dtypes float32, float64, int32 little- or
 * big-endian, uint8 and bool; C order). Throws an MpoError naming `source` (default
 * "NPY data") and what to do for anything else.
 */
export function decodeNpy(buf: Uint8Array, source = 'NPY data'): NpyData {
  check(buf.length >= 10 && MAGIC.every((b, i) => buf[i] === b), `${source} is not an NPY file (no \\x93NUMPY magic): pass a file written by numpy.save`);
  const major = buf[6];
  check(major >= 1 && major <= 3, `${source} has NPY format version ${major}.${buf[7]}: only 1.x-3.x are supported`);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = 8 + lenBytes;
  check(buf.length >= start + headerLen, `${source} is truncated inside its header: the file is incomplete`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(buf.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  check(descr !== undefined && fortran !== undefined && shapeText !== undefined,
    `${source} has an NPY header without descr, fortran_order and shape: the file is damaged`);
  check(fortran === 'False', `${source} is stored in Fortran order: save it with numpy.save(np.ascontiguousarray(a))`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map((s) => Number(s.replace(/L$/, '')));
  check(shape.every((d) => Number.isInteger(d) && d >= 0), `${source} has an invalid NPY shape (${shapeText}): the file is damaged`);
  const n = shape.reduce((p, d) => p * d, 1);
  const m = /^([<>|=])([fiub])(\d+)$/.exec(descr);
  const kind = m ? `${m[2]}${m[3]}` : '';
  const little = !m || m[1] !== '>';
  const dtype: NpyDtype | undefined = kind === 'f4'
    ? 'float32'
    : kind === 'f8'
    ? 'float64'
    : kind === 'i4'
    ? 'int32'
    : kind === 'u1' || kind === 'b1'
    ? 'uint8'
    : undefined;
  check(dtype !== undefined, `${source} has dtype '${descr}': only float32, float64, int32, uint8 and bool are supported; convert with a.astype(np.float32)`);
  const size = dtype === 'float64' ? 8 : dtype === 'uint8' ? 1 : 4;
  const offset = start + headerLen;
  check(buf.length >= offset + n * size, `${source} is truncated: shape (${shape.join(', ')}) needs ${n * size} data bytes, found ${buf.length - offset}`);
  const body = new DataView(buf.buffer, buf.byteOffset + offset, n * size);
  let data: NpyArray;
  if (dtype === 'float32') {
    data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = body.getFloat32(i * 4, little);
  } else if (dtype === 'float64') {
    data = new Float64Array(n);
    for (let i = 0; i < n; i++) data[i] = body.getFloat64(i * 8, little);
  } else if (dtype === 'int32') {
    data = new Int32Array(n);
    for (let i = 0; i < n; i++) data[i] = body.getInt32(i * 4, little);
  } else {
    data = Uint8Array.from(buf.subarray(offset, offset + n));
  }
  return { data, shape, dtype };
}

/** Encodes an array as NPY (see {@link encodeNpy}) and writes it to `path` atomically. */
export function writeNpy(path: string, data: NpyArray, shape: readonly number[]): void {
  writeFileAtomic(path, encodeNpy(data, shape));
}
