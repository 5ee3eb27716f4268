import { existsSync, readFileSync } from 'node:fs';
import { MpoError } from '../core/errors.js';
import { encodeCheckpoint, decodeCheckpoint, type Checkpoint } from '../core/io/checkpoint.js';
import { writeFileAtomic } from './output/atomic.js';

/**
 * Checkpoint files. The `MPOCKPT1` format itself (encoding, decoding, the {@link Checkpoint}
 * type, state <-> checkpoint) lives in the core, `src/core/io/checkpoint.ts`, shared with
 * browsers; this module reads and writes the files.
 */
export { encodeCheckpoint, decodeCheckpoint, checkpointOf, stateOfCheckpoint, CHECKPOINT_MAGIC } from '../core/io/checkpoint.js';
export type { Checkpoint } from '../core/io/checkpoint.js';

/** Writes a checkpoint atomically (a crash leaves the previous one intact). */
export function saveCheckpoint(path: string, c: Checkpoint): void {
  writeFileAtomic(path, encodeCheckpoint(c));
}

/** Reads a checkpoint, with a one-line MpoError when it is missing or corrupt. */
export function loadCheckpoint(path: string): Checkpoint {
  if (!existsSync(path)) throw new MpoError(`no checkpoint at "${path}": pass the output folder of an mpo fit run`);
  return decodeCheckpoint(readFileSync(path), path);
}
