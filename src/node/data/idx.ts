/**
 * The IDX file format of MNIST and FashionMNIST: a 4-byte magic number (0, 0, type 0x08 =
 * unsigned byte, number of dimensions), one big-endian uint32 per dimension, then the data.
 * Images are 3-D (n, rows, columns), labels 1-D (n). Files may be gzip-compressed.
 */
import { gunzipIfNeeded, readBytes } from './gzip.js';
import { parseIdxImagesRaw, parseIdxLabelsRaw, type IdxImages, type IdxLabels } from '../../core/data/idx.js';

// The parser itself is pure (bytes in) and lives in the core, shared with the browser app.
export { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, encodeIdx, type IdxImages, type IdxLabels } from '../../core/data/idx.js';

/** Parses IDX image data (plain or gzip); `file` names the source in error messages. */
export function parseIdxImages(bytes: Uint8Array, file: string): IdxImages {
  return parseIdxImagesRaw(gunzipIfNeeded(bytes, file), file);
}

/**
 * Parses IDX label data (plain or gzip) and checks every label is below `numClasses`.
 * `file` names the source in error messages.
 */
export function parseIdxLabels(bytes: Uint8Array, file: string, numClasses: number): IdxLabels {
  return parseIdxLabelsRaw(gunzipIfNeeded(bytes, file), file, numClasses);
}

/** Reads and parses an IDX images file (plain or gzip). */
export async function readIdxImages(file: string): Promise<IdxImages> {
  return parseIdxImages(await readBytes(file), file);
}

/** Reads and parses an IDX labels file (plain or gzip), checking labels are below `numClasses`. */
export async function readIdxLabels(file: string, numClasses: number): Promise<IdxLabels> {
  return parseIdxLabels(await readBytes(file), file, numClasses);
}
