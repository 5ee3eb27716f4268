import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_KEYS, flagName, type FitConfig } from '../../core/config.js';
import { check, firstLine, MpoError } from '../../core/errors.js';
import { checkUnlocked, isIncidental } from '../run/lock.js';
import { RUN_FILES, STOPPED_RUNS } from '../run/folder.js';

/**
 * The state of a batch run's folder, one convention for `mpo gallery` and `mpo study bn`:
 * `finished` (it has `summary.json`: skip it), `resume` (it has a checkpoint and `config.json`:
 * continue it) or `fresh` (missing, or stopped before its first checkpoint: start it).
 */
export type RunFolderState = 'finished' | 'resume' | 'fresh';

/** Files `mpo fit` writes before its first checkpoint: a folder holding only these can start afresh (see {@link STOPPED_RUNS}). */
export const EARLY_RUN_FILES: ReadonlySet<string> = STOPPED_RUNS.fit.early;

/**
 * The {@link RunFolderState} of `dir`, without changing anything. `label` names the folder in
 * errors (e.g. `gallery folder`). Throws an MpoError for a folder that is not an mpo run
 * (files other than {@link EARLY_RUN_FILES}), a checkpoint without `config.json`, or a file
 * where the folder should be.
 */
export function runFolderState(dir: string, label = 'run folder'): RunFolderState {
  if (existsSync(join(dir, RUN_FILES.summary))) return 'finished';
  const checkpoint = existsSync(join(dir, RUN_FILES.checkpoint));
  if (checkpoint && existsSync(join(dir, RUN_FILES.config))) return 'resume';
  if (!existsSync(dir)) return 'fresh';
  check(statSync(dir).isDirectory(), `${label} "${dir}" is a file, not a folder: move it away or choose another --out`);
  check(!checkpoint,
    `${label} "${dir}" has ${RUN_FILES.checkpoint} but no ${RUN_FILES.config}, so it cannot be resumed: delete the folder to start that run again`);
  const foreign = readdirSync(dir).filter((f) => !EARLY_RUN_FILES.has(f) && !isIncidental(f));
  check(foreign.length === 0, () =>
    `${label} "${dir}" holds ${foreign.slice(0, 3).join(', ')} but no ${RUN_FILES.checkpoint} or ${RUN_FILES.summary}: ` +
    'it is not an mpo run; move it away or choose another --out');
  return 'fresh';
}

/**
 * Whether `dir` holds files of a run stopped before its first checkpoint (`config.json`,
 * metrics, pattern pictures: {@link EARLY_RUN_FILES}), as opposed to nothing at all (besides a lock
 * and temporary files).
 */
export function hasEarlyFiles(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir).some((f) => EARLY_RUN_FILES.has(f));
}

/**
 * {@link runFolderState}, and for a `fresh` folder that exists (a run stopped before its first
 * checkpoint) removes its early files so that `mpo fit --out` can start there again. Throws an
 * MpoError naming the pid when another process holds the folder's lock (a run still writing it).
 */
export function prepareRunFolder(dir: string, label = 'run folder'): RunFolderState {
  checkUnlocked(dir, label);
  const state = runFolderState(dir, label);
  if (state === 'fresh' && existsSync(dir)) {
    for (const f of readdirSync(dir)) rmSync(join(dir, f), { recursive: true, force: true });
  }
  return state;
}

/**
 * The settings of the run folder's `config.json` that differ from `config` (backend and
 * workers aside: they do not change results), each as `flag-name <saved> -> <config>`; empty
 * when the folder has no `config.json`.
 */
export function configChanges(dir: string, config: FitConfig): string[] {
  const path = join(dir, RUN_FILES.config);
  if (!existsSync(path)) return [];
  let saved: Record<string, unknown>;
  try {
    saved = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new MpoError(`"${path}" is not valid JSON (${firstLine(e)}): delete "${dir}" to redo that run`);
  }
  return CONFIG_KEYS.filter((k) => k !== 'backend' && k !== 'workers' && JSON.stringify(saved[k]) !== JSON.stringify(config[k]))
    .map((k) => `${flagName(k)} ${JSON.stringify(saved[k])} -> ${JSON.stringify(config[k])}`);
}

/** Reads `summary.json` of a finished run folder; an MpoError naming the file when it is not JSON. */
export function readRunSummary(dir: string): Record<string, unknown> {
  const path = join(dir, RUN_FILES.summary);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new MpoError(`"${path}" is not valid JSON (${firstLine(e)}): delete that run's folder and rerun the same command`);
  }
}
