/**
 * Where dataset files are looked for, in order: `dataDir` (the CLI's --data-dir), the
 * environment variable MPO_DATA_DIR (each holding the files directly or in a sub-folder named
 * after the dataset, the sub-folder tried first), the cache folder (a sub-folder per dataset),
 * then folders the operating system installs (Debian's dataset-fashion-mnist).
 * A file `X` may also be stored as `X.gz`.
 */
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { MpoError } from '../../core/errors.js';

/** Options of the file search. */
export interface LocateOptions {
  /** Folder given by the user (--data-dir); searched first. Must exist when given. */
  dataDir?: string;
  /** Cache folder; default `$XDG_CACHE_HOME/mpo`, else `~/.cache/mpo`. */
  cacheDir?: string;
  /** Environment to read MPO_DATA_DIR, XDG_CACHE_HOME and HOME from; default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Replaces the dataset's system folders (e.g. Debian's); `[]` searches none. For tests. */
  systemDirs?: string[];
}

/** A folder to search and why it is searched. */
export interface SearchPlace {
  /** Folder path. */
  dir: string;
  /** Where the folder came from, for messages: `--data-dir`, `$MPO_DATA_DIR`, `cache`, `system`. */
  origin: string;
}

/** The files found in one folder. */
export interface Located {
  /** The folder they were found in. */
  place: SearchPlace;
  /** Path of each found file by its wanted (uncompressed) name: `X` or `X.gz`. */
  paths: Map<string, string>;
  /** Wanted names not present in that folder (only possible with `need: 'any'`). */
  missing: string[];
}

const isDir = (p: string) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

const nonEmpty = (s: string | undefined) => (s !== undefined && s !== '' ? s : undefined);

/** The cache folder: `cacheDir`, else `$XDG_CACHE_HOME/mpo`, else `$HOME/.cache/mpo`. */
export function cacheRoot(opts: LocateOptions = {}): string {
  const env = opts.env ?? process.env;
  if (nonEmpty(opts.cacheDir)) return opts.cacheDir as string;
  const xdg = nonEmpty(env.XDG_CACHE_HOME);
  if (xdg) return join(xdg, 'mpo');
  return join(nonEmpty(env.HOME) ?? homedir(), '.cache', 'mpo');
}

/**
 * The folders searched for a dataset whose sub-folder name is `subdir`, in search order.
 * A given `dataDir` or MPO_DATA_DIR that is not a folder throws an {@link MpoError}.
 */
export function searchPlaces(subdir: string, systemDirs: string[], opts: LocateOptions = {}): SearchPlace[] {
  const env = opts.env ?? process.env;
  const places: SearchPlace[] = [];
  const dataDir = nonEmpty(opts.dataDir);
  if (dataDir) {
    if (!isDir(dataDir)) {
      throw new MpoError(`data folder "${dataDir}" given by --data-dir is not a folder: pass an existing folder`);
    }
    places.push({ dir: join(dataDir, subdir), origin: '--data-dir' }, { dir: dataDir, origin: '--data-dir' });
  }
  const envDir = nonEmpty(env.MPO_DATA_DIR);
  if (envDir) {
    if (!isDir(envDir)) {
      throw new MpoError(`$MPO_DATA_DIR is "${envDir}", which is not a folder: point it to a folder or unset it`);
    }
    places.push({ dir: join(envDir, subdir), origin: '$MPO_DATA_DIR' }, { dir: envDir, origin: '$MPO_DATA_DIR' });
  }
  places.push({ dir: join(cacheRoot(opts), subdir), origin: 'cache' });
  for (const dir of opts.systemDirs ?? systemDirs) places.push({ dir, origin: 'system' });
  return places;
}

/** The path of `name` or `name.gz` in `dir` (plain name preferred), or undefined. */
export function findFile(dir: string, name: string): string | undefined {
  for (const candidate of [join(dir, name), join(dir, name + '.gz')]) {
    if (existsSync(candidate) && !isDir(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The first place holding the wanted files: all of them (`need: 'all'`) or at least one
 * (`need: 'any'`, e.g. CIFAR-10 training batches), or undefined when no place does.
 */
export function locateFiles(names: string[], places: SearchPlace[], need: 'all' | 'any'): Located | undefined {
  for (const place of places) {
    if (!isDir(place.dir)) continue;
    const paths = new Map<string, string>();
    const missing: string[] = [];
    for (const name of names) {
      const found = findFile(place.dir, name);
      if (found) paths.set(name, found);
      else missing.push(name);
    }
    if (missing.length === 0 || (need === 'any' && paths.size > 0)) return { place, paths, missing };
  }
  return undefined;
}

/** One-line description of the searched places for "not found" messages. */
export function describePlaces(places: SearchPlace[]): string {
  return places.map((p) => `${p.dir} (${p.origin})`).join(', ');
}
