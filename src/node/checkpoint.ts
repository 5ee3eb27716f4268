import { existsSync, readFileSync, statSync } from 'node:fs';
import { firstLine, MpoError } from '../core/errors.js';
import { checkpointFormat, decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../core/io/checkpoint.js';
import { writeFileAtomic } from './output/atomic.js';

/**
 * Checkpoint files. The format itself (`MPOCKPT2` with a CRC-32, and reading the older
 * `MPOCKPT1`; encoding, decoding, the {@link Checkpoint} type, state <-> checkpoint) lives in the
 * core, `src/core/io/checkpoint.ts`, shared with browsers; this module reads and writes the files.
 */
export { checkpointFormat, checkpointOf, CHECKPOINT_MAGIC, CHECKPOINT_MAGIC_V1, decodeCheckpoint, encodeCheckpoint,
  stateOfCheckpoint } from '../core/io/checkpoint.js';
export type { Checkpoint } from '../core/io/checkpoint.js';

/** Writes a checkpoint atomically (a crash leaves the previous one intact), in the checksummed format. */
export function saveCheckpoint(path: string, c: Checkpoint): void {
  writeFileAtomic(path, encodeCheckpoint(c));
}

/**
 * Reads a checkpoint, with a one-line MpoError when it is missing, unreadable or corrupt (a
 * checksum mismatch names the file). An old `MPOCKPT1` checkpoint (no checksum) is read with a
 * one-line note to `log` (default: stderr) that it is unchecked.
 */
export function loadCheckpoint(path: string, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Checkpoint {
  if (!existsSync(path)) throw new MpoError(`no checkpoint at "${path}": pass the output folder of an mpo fit run`);
  let bytes: Buffer;
  try {
    if (statSync(path).isDirectory()) throw new MpoError(`checkpoint "${path}" is a folder, not a file: move it away and start the run again`);
    bytes = readFileSync(path);
  } catch (e) {
    if (e instanceof MpoError) throw e;
    throw new MpoError(`cannot read checkpoint "${path}" (${firstLine(e)}): check the file's permissions`);
  }
  const c = decodeCheckpoint(bytes, path);
  if (checkpointFormat(bytes) === 1) {
    log(`note: checkpoint "${path}" is in the old MPOCKPT1 format, which has no checksum: it is read unchecked (the next save adds one)`);
  }
  return c;
}
