import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
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
 * What to do about the corrupt checkpoint `path`, from its folder: a finished run (`summary.json`)
 * keeps its results, only the checkpoint cannot be resumed or evaluated; an unfinished run starts
 * again or gets its checkpoint back from a copy; a checkpoint outside a run folder is replaced by a copy.
 */
function corruptAdvice(path: string): string {
  const dir = dirname(path);
  const file = basename(path);
  if (!existsSync(join(dir, 'config.json'))) return 'it cannot be read; use an undamaged copy';
  if (existsSync(join(dir, 'summary.json'))) {
    return `the results of that finished run in "${dir}" are intact, but its checkpoint cannot be resumed or evaluated: restore ${file} from a copy to do that`;
  }
  return `the unfinished run in "${dir}" cannot continue from it: start it again with another --out (or delete that folder first), or restore ${file} from a copy`;
}

/**
 * Reads a checkpoint, with a one-line MpoError when it is missing, unreadable or corrupt (a
 * checksum mismatch names the file, and the advice fits its folder: a finished run's results
 * are intact, an unfinished run starts again or restores a copy). An old `MPOCKPT1` checkpoint (no
 * checksum) is read with a one-line note to `log` (default: stderr) that it is unchecked.
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
  let c: Checkpoint;
  try {
    c = decodeCheckpoint(bytes, path);
  } catch (e) {
    const head = `checkpoint "${path}" is corrupt (`;
    if (!(e instanceof MpoError) || !e.message.startsWith(head)) throw e;
    const why = e.message.slice(head.length, e.message.indexOf('): ', head.length));
    throw new MpoError(`${head}${why}): ${corruptAdvice(path)}`);
  }
  if (checkpointFormat(bytes) === 1) {
    log(`note: checkpoint "${path}" is in the old MPOCKPT1 format, which has no checksum: it is read unchecked (the next save adds one)`);
  }
  return c;
}
