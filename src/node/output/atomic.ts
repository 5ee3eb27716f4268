import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { firstLine, MpoError } from '../../core/errors.js';

/**
 * Writing output files so that a reader (or a crash) never sees half a file: the bytes go
 * to a temporary file `<path>.tmp-<pid>-<random>` in the same folder, are flushed to disk
 * (fsync), and the temporary file is renamed over `path` in one step. Synchronous, so it
 * can also be used from exit and signal handlers.
 */

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException | undefined;
  const first = firstLine(err);
  return e instanceof Error && e.code && !first.startsWith(e.code) ? `${e.code}: ${first}` : first;
}

/**
 * Atomically writes `data` (a string is written as UTF-8) to `path`, creating missing
 * parent folders. Replaces an existing file. Throws an MpoError naming the file if the
 * folder cannot be created or the file cannot be written; the temporary file is removed.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const file = openFileAtomic(path);
  file.write(data);
  file.commit();
}

/** A file being written atomically (see {@link openFileAtomic}). */
export interface AtomicFile {
  /** The file that {@link AtomicFile.commit} creates or replaces. */
  readonly path: string;
  /** Appends `data` (a string as UTF-8) to the temporary file; an MpoError (temporary file removed) when that fails. */
  write(data: string | Uint8Array): void;
  /** Flushes the temporary file to disk and renames it over `path`; an MpoError (temporary file removed) when that fails. */
  commit(): void;
  /** Removes the temporary file and leaves `path` as it was; does nothing after commit or a failure. */
  discard(): void;
}

/**
 * Starts writing `path` atomically, for data that arrives in pieces (a download): write the
 * pieces, then {@link AtomicFile.commit} (or {@link AtomicFile.discard} to keep `path` as it
 * was). Missing parent folders are created now. Errors are MpoErrors naming the file.
 */
export function openFileAtomic(path: string): AtomicFile {
  if (typeof path !== 'string' || path.length === 0) {
    throw new MpoError('output path is empty: pass a file name to write');
  }
  const dir = dirname(path);
  try {
    ensureFolder(dir);
  } catch (err) {
    throw new MpoError(`cannot create folder "${dir}" for "${path}" (${describe(err)}): choose a writable output folder`);
  }
  if (!statSync(dir).isDirectory()) throw new MpoError(`cannot write "${path}": "${dir}" is a file, not a folder: choose another output folder`);
  const tmp = join(dir, `${basename(path)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  let fd: number | undefined;
  let pending = true;
  const discard = () => {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch { /* already failing or discarding: keep the first error */ }
      fd = undefined;
    }
    if (pending) {
      try {
        rmSync(tmp, { force: true });
      } catch { /* the temporary file could not even be made: nothing to remove */ }
    }
    pending = false;
  };
  const fail = (err: unknown): MpoError => {
    discard();
    return new MpoError(`cannot write "${path}" (${describe(err)}): check that the folder is writable and the disk not full`);
  };
  try {
    fd = openSync(tmp, 'wx');
  } catch (err) {
    throw fail(err);
  }
  const usable = (): number => {
    if (fd === undefined) throw new MpoError(`"${path}" was already committed or discarded: open it again with openFileAtomic`);
    return fd;
  };
  return {
    path,
    write(data) {
      const f = usable();
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      try {
        let off = 0;
        while (off < bytes.length) off += writeSync(f, bytes, off, bytes.length - off);
      } catch (err) {
        throw fail(err);
      }
    },
    commit() {
      const f = usable();
      try {
        fsyncSync(f);
        closeSync(f);
        fd = undefined;
        renameSync(tmp, path);
        pending = false;
      } catch (err) {
        throw fail(err);
      }
      syncFolder(dir);
    },
    discard,
  };
}

/**
 * Creates `dir` and its missing ancestors one by one (not `mkdirSync(recursive)`, which
 * loops forever on Node 20 for a path under /proc).
 */
function ensureFolder(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) {
    missing.push(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** Flushes the folder entry of a rename to disk where the platform allows it (best effort). */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms (Windows) cannot open or fsync a folder; the rename itself is done.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * JSON replacer for output files: typed arrays become plain arrays, bigints strings,
 * and -Infinity/Infinity/NaN become null (as JSON.stringify does for numbers).
 */
function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  return value;
}

/**
 * Atomically writes `value` as pretty-printed JSON (2-space indent) plus a final newline.
 * Typed arrays are written as arrays and bigints as strings. Throws an MpoError naming
 * the file for values JSON cannot represent (e.g. cycles, or `undefined` at the top).
 */
export function writeJsonAtomic(path: string, value: unknown): void {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, replacer, 2);
  } catch (err) {
    throw new MpoError(`cannot write "${path}": the value is not JSON (${describe(err)}): pass plain data without cycles`);
  }
  if (text === undefined) {
    throw new MpoError(`cannot write "${path}": the value is ${typeof value}, which JSON cannot represent: pass plain data`);
  }
  writeFileAtomic(path, text + '\n');
}
