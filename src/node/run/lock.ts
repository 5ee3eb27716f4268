import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { firstLine, MpoError } from '../../core/errors.js';

/**
 * One writer per run folder. A command that writes a folder (`mpo fit`, `--resume`, `mpo eval`,
 * `mpo train`, `mpo connect`, `mpo view`, and the fits of `mpo gallery` and `mpo study bn`) first
 * takes its lock with {@link lockFolder}: the file {@link LOCK_FILE} in the folder, created with
 * O_EXCL (`open(..., 'wx')`, so of two processes exactly one creates it), holding the pid, the
 * host, the start time and the command. A second writer gets a one-line MpoError naming the pid.
 * A lock whose process is gone (same host, `kill(pid, 0)` fails with ESRCH: a SIGKILL, a crash, a
 * power cut) is taken over with a warning. The lock is released when the command ends, however
 * it ends short of SIGKILL: by `release()`, or by an `exit` handler (errors, Ctrl-C, SIGTERM
 * through the CLI's handler). Taking the lock also removes the temporary files of atomic writes
 * (`<name>.tmp-<pid>-<hex>`, see src/node/output/atomic.ts) that dead processes left behind.
 *
 * Readers take no lock: `mpo export` (a cell of a fit's plane), `mpo eval` (of the fit folder it
 * reads; it locks only its own `--out`), and `mpo view` and `mpo connect` (of the networks they
 * read). Every file a writer replaces is written atomically (a temporary file renamed over it:
 * `checkpoint.mpo`, `config.json`, `pattern.txt`), so a reader sees a whole old or a whole new
 * file, never half of one, and the checksum of `checkpoint.mpo` would catch anything else; a
 * checkpoint read while a fit runs is simply that fit's state at its last checkpoint. A lock
 * would only refuse to export or evaluate a run while it trains. `mpo export` writes its own
 * folder (`<dir>/export-r<row>-c<col>`, or `--out`), again atomically, file by file: no writer of
 * the run folder touches it (their lock's clean-up removes only temporary files of dead processes),
 * and two exports of one cell write the same files (at worst a `model.json` and a `weights.bin`
 * from two checkpoints of a fit in progress, both whole).
 */

/** The lock file's name inside a locked folder. */
export const LOCK_FILE = '.mpo-lock';

/** What a lock file holds. */
export interface LockInfo {
  /** Process id of the writer. */
  readonly pid: number;
  /** Host name of the writer (a pid means something only on its own host). */
  readonly host: string;
  /** When the lock was taken (ISO 8601). */
  readonly started: string;
  /** The command that holds it, e.g. `mpo fit`. */
  readonly command: string;
  /** Random token: a lock is released only by its owner. */
  readonly token: string;
}

/** A held lock (see {@link lockFolder}). */
export interface FolderLock {
  /** The locked folder. */
  readonly dir: string;
  /** The lock file. */
  readonly path: string;
  /** Removes the lock file (if it is still this lock's); safe to call more than once. */
  release(): void;
}

/** Options of {@link lockFolder}. */
export interface LockOptions {
  /** Names the holder in the lock file and in other writers' errors (default `mpo`). */
  readonly command?: string;
  /** Receives the warning when a dead process's lock is taken over (default: stderr). */
  readonly log?: (line: string) => void;
  /** Names the folder in errors (default `output folder`). */
  readonly label?: string;
}

/**
 * Whether a file name in a folder is not part of its contents: the lock, its take-over guard, or a
 * temporary file of an atomic write (`<name>.tmp-<pid>-<hex>`). Such files do not make a folder non-empty.
 */
export function isIncidental(name: string): boolean {
  return name === LOCK_FILE || name.startsWith(`${LOCK_FILE}.`) || /\.tmp-/.test(name);
}

/** An unreadable lock file younger than this is being written right now (open, then write). */
const FRESH_MS = 10_000;

/** Temporary files of atomic writes: `<name>.tmp-<pid>-<hex>`. */
const TEMP_FILE = /\.tmp-(\d+)-[0-9a-f]+$/;

const held = new Map<string, LockInfo>();

function releaseAll(): void {
  for (const path of [...held.keys()]) releaseLock(path);
}

function releaseLock(path: string): void {
  const mine = held.get(path);
  if (!mine) return;
  held.delete(path);
  if (held.size === 0) process.off('exit', releaseAll);
  try {
    if (readLock(path)?.token === mine.token) unlinkSync(path);
  } catch { /* already gone, or the folder was removed: nothing to release */ }
}

/** The lock file of `path` parsed, or null when it is missing, empty or not a lock. */
function readLock(path: string): LockInfo | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const o = JSON.parse(text) as Partial<LockInfo>;
    if (Number.isInteger(o.pid) && typeof o.host === 'string' && typeof o.token === 'string') {
      return { pid: o.pid!, host: o.host, started: String(o.started ?? '?'), command: String(o.command ?? 'mpo'), token: o.token };
    }
  } catch { /* not JSON: a lock being written, or a damaged one */ }
  return null;
}

/** Whether process `pid` of this host is running (ESRCH: gone; EPERM: running as another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the lock `info` at `path` may still be held: by a process of another host (which this
 * host cannot check), a live process, or this process (only if it took that very lock: a lock
 * with this pid but another token was left by an earlier process that had the same pid).
 */
function live(path: string, info: LockInfo): boolean {
  if (info.host !== hostname()) return true;
  if (info.pid === process.pid) return held.get(path)?.token === info.token;
  return processAlive(info.pid);
}

/** The live holder of `dir`'s lock: its info, or null when the folder is not locked or its holder is gone. */
export function lockHolder(dir: string): LockInfo | null {
  const path = join(dir, LOCK_FILE);
  const info = readLock(path);
  return info && live(path, info) ? info : null;
}

/** Throws the one-line MpoError of {@link lockFolder} (naming the pid) when a live process holds `dir`'s lock; `label` names the folder. */
export function checkUnlocked(dir: string, label = 'output folder'): void {
  const info = lockHolder(dir);
  if (info) throw inUse(dir, info, label, join(dir, LOCK_FILE));
}

/** The one-line error of a folder in use by `info`. */
function inUse(dir: string, info: LockInfo, label: string, path: string): MpoError {
  const who = `${info.command} (pid ${info.pid}${info.host === hostname() ? '' : ` on host ${info.host}`}, since ${info.started})`;
  return new MpoError(`${label} "${dir}" is in use by ${who}: one process writes a run folder at a time; wait for it to end or stop it` +
    (info.host === hostname() ? '' : `, or delete ${path} if that process is gone`));
}

/**
 * Takes the lock of folder `dir`, creating the folder when it is missing. Throws a one-line
 * MpoError when another live process holds it (naming the pid) or the folder cannot be made;
 * takes over, with a warning, a lock whose process is gone. Then removes stale temporary files
 * in the folder and its subfolders (those of dead processes, not in separately locked subfolders).
 */
export function lockFolder(folder: string, opts: LockOptions = {}): FolderLock {
  const dir = resolve(folder);
  const label = opts.label ?? 'output folder';
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  makeFolder(dir, label);
  const path = join(dir, LOCK_FILE);
  const info: LockInfo = {
    pid: process.pid,
    host: hostname(),
    started: new Date().toISOString(),
    command: opts.command ?? 'mpo',
    token: randomBytes(8).toString('hex'),
  };
  for (let attempt = 0;; attempt++) {
    if (create(path, info, label, dir)) break;
    const holder = readLock(path);
    if (holder && live(path, holder)) throw inUse(dir, holder, label, path);
    if (!holder && ageMs(path) < FRESH_MS) {
      throw new MpoError(`${label} "${dir}" is being locked by another process right now: one process writes a run folder at a time; ` +
        'wait for it to end or stop it');
    }
    if (attempt >= 2) throw new MpoError(`${label} "${dir}": cannot take its lock ${path}: delete that file if no mpo command runs there`);
    if (takeOver(path, holder)) {
      log(holder
        ? `warning: ${label} "${dir}" was locked by ${holder.command} (pid ${holder.pid}, since ${holder.started}), which is no longer running: ` +
          'taking it over'
        : `warning: ${label} "${dir}" had an unreadable lock file: taking it over`);
    }
  }
  if (held.size === 0) process.on('exit', releaseAll);
  held.set(path, info);
  removeStaleTemps(dir);
  return { dir, path, release: () => releaseLock(path) };
}

function makeFolder(dir: string, label: string): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new MpoError(`${label} "${dir}" is a file, not a folder: choose another --out`);
    return;
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new MpoError(code === 'ENOTDIR' || code === 'EEXIST'
      ? `${label} "${dir}" cannot be made: a file is in the way on its path: choose another --out`
      : `${label} "${dir}" cannot be made (${code ?? firstLine(e)}): choose a writable --out`);
  }
}

/** Creates the lock file with O_EXCL; false when it exists. */
function create(path: string, info: LockInfo, label: string, dir: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new MpoError(`${label} "${dir}" cannot be locked (${(e as NodeJS.ErrnoException).code ?? firstLine(e)}): choose a writable --out`);
  }
  try {
    writeSync(fd, `${JSON.stringify(info)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return Infinity;
  }
}

/**
 * Removes the dead lock at `path` (still `holder`: checked again under a second O_EXCL file, so
 * that of two processes taking over the same dead lock only one removes it). False when another
 * process is taking it over right now.
 */
function takeOver(path: string, holder: LockInfo | null): boolean {
  const guard = `${path}.takeover`;
  let fd: number;
  try {
    fd = openSync(guard, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    if (ageMs(guard) > FRESH_MS) rmSync(guard, { force: true }); // left by a process killed while taking over
    return false;
  }
  closeSync(fd);
  try {
    const now = readLock(path);
    if (now?.token === holder?.token) rmSync(path, { force: true });
    return now?.token === holder?.token;
  } finally {
    rmSync(guard, { force: true });
  }
}

/** A temporary file is stale when its process is gone, or it has this process's pid (reused) but is older than this process. */
function staleTemp(path: string, pid: number): boolean {
  if (pid !== process.pid) return !processAlive(pid);
  return ageMs(path) > process.uptime() * 1000 + 1000;
}

/**
 * Removes the temporary files of atomic writes (`<name>.tmp-<pid>-<hex>`) whose process is gone,
 * in `dir` and its subfolders, except subfolders with a lock of their own. Returns how many it removed.
 */
export function removeStaleTemps(dir: string): number {
  let removed = 0;
  const walk = (d: string, top: boolean) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    if (!top && entries.some((e) => e.name === LOCK_FILE)) return;
    for (const e of entries) {
      if (e.isDirectory()) walk(join(d, e.name), false);
      else {
        const m = TEMP_FILE.exec(e.name);
        if (m && staleTemp(join(d, e.name), Number(m[1]))) {
          rmSync(join(d, e.name), { force: true });
          removed++;
        }
      }
    }
  };
  walk(dir, true);
  return removed;
}
