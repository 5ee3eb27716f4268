/** Reading files that may or may not be gzip-compressed, detected by content, not by name. */
import { gunzipSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { MpoError } from '../../core/errors.js';

/** True when `bytes` starts with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Returns `bytes` uncompressed when they are gzip data, unchanged otherwise.
 * Corrupt or truncated gzip data throws an {@link MpoError} naming `file`.
 */
export function gunzipIfNeeded(bytes: Uint8Array, file: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new MpoError(
      `file "${file}" is not valid gzip data (${why}): re-download it or delete it so mpo fetches it again`,
    );
  }
}

/** Reads a whole file; an unreadable file throws an {@link MpoError} naming it. */
export async function readBytes(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new MpoError(`cannot read "${file}" (${why}): check the path and its permissions`);
  }
}

/** Reads a file and uncompresses it if it is gzip data. */
export async function readMaybeGzip(file: string): Promise<Uint8Array> {
  return gunzipIfNeeded(await readBytes(file), file);
}
