/**
 * The official CIFAR-10 binary format: records of 1 label byte followed by 3072 pixel bytes,
 * the 32x32 red plane, then green, then blue, each row-major. Files may be gzip-compressed.
 */
import { MpoError } from '../../core/errors.js';
import { fmtCount } from './catalog.js';
import { gunzipIfNeeded, readBytes } from './gzip.js';

/** Side of a CIFAR image in pixels. */
export const CIFAR_SIDE = 32;
/** Bytes per record: 1 label + 3 planes of 32x32. */
export const CIFAR_RECORD_BYTES = 1 + 3 * CIFAR_SIDE * CIFAR_SIDE;
/** Per-channel (R, G, B) mean of the original code's normalisation, on the [0, 1] scale. */
export const CIFAR_MEAN: readonly number[] = [0.4914, 0.4822, 0.4465];
/** Per-channel (R, G, B) standard deviation of the original code's normalisation. */
export const CIFAR_STD: readonly number[] = [0.2023, 0.1994, 0.201];

/** The validated records of one CIFAR-10 binary file. */
export interface CifarRecords {
  /** Number of records. */
  n: number;
  /** `n * 3073` bytes, as in the file (a view into it). */
  bytes: Uint8Array;
}

/**
 * Checks CIFAR-10 binary data (plain or gzip): its length is a positive multiple of 3073
 * bytes and every label byte is below 10. `file` names the source in error messages.
 */
export function parseCifarRecords(data: Uint8Array, file: string): CifarRecords {
  const bytes = gunzipIfNeeded(data, file);
  if (bytes.length === 0 || bytes.length % CIFAR_RECORD_BYTES !== 0) {
    throw new MpoError(
      `CIFAR-10 file "${file}" has ${fmtCount(bytes.length)} bytes, not a positive multiple of ${CIFAR_RECORD_BYTES} ` +
        `(1 label byte + 3072 pixel bytes per record): it is truncated or not a CIFAR-10 binary file; ` +
        're-download it or delete it so mpo fetches it again',
    );
  }
  const n = bytes.length / CIFAR_RECORD_BYTES;
  for (let i = 0; i < n; i++) {
    const label = bytes[i * CIFAR_RECORD_BYTES];
    if (label > 9) {
      throw new MpoError(
        `CIFAR-10 file "${file}" has label ${label} in record ${i}, expected 0..9: ` +
          'it is not a CIFAR-10 binary file (CIFAR-100 has 2 label bytes per record); use the CIFAR-10 binary version',
      );
    }
  }
  return { n, bytes };
}

/** Reads and checks a CIFAR-10 binary file (plain or gzip). */
export async function readCifarRecords(file: string): Promise<CifarRecords> {
  return parseCifarRecords(await readBytes(file), file);
}

/**
 * Converts the first `limit` records (default all) of the given parts, in order, to NHWC
 * float32 images normalised per channel as `(x / 255 - mean[c]) / std[c]`, and int32 labels.
 */
export function decodeCifar(parts: CifarRecords[], limit = Infinity): { n: number; images: Float32Array; labels: Int32Array; } {
  const total = parts.reduce((a, p) => a + p.n, 0);
  const n = Math.min(total, limit);
  const plane = CIFAR_SIDE * CIFAR_SIDE;
  const lut = new Float32Array(3 * 256);
  for (let c = 0; c < 3; c++) {
    for (let v = 0; v < 256; v++) lut[c * 256 + v] = (v / 255 - CIFAR_MEAN[c]) / CIFAR_STD[c];
  }
  const images = new Float32Array(n * plane * 3);
  const labels = new Int32Array(n);
  let k = 0;
  for (const part of parts) {
    for (let r = 0; r < part.n && k < n; r++, k++) {
      const rec = r * CIFAR_RECORD_BYTES;
      labels[k] = part.bytes[rec];
      const out = k * plane * 3;
      for (let c = 0; c < 3; c++) {
        const src = rec + 1 + c * plane;
        const table = c * 256;
        for (let p = 0; p < plane; p++) images[out + p * 3 + c] = lut[table + part.bytes[src + p]];
      }
    }
  }
  return { n, images, labels };
}
