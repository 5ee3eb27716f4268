import { join } from 'node:path';
import { MpoError } from '../../core/errors.js';
import { planFits, readRunSummary, runFits } from '../jobs/index.js';
import type { StudyRun } from './plan.js';

/**
 * Executes a study's runs: each (model, p, seed) is an independent `mpo fit` in its own folder
 * `DIR/runs/<name>/`, run by the batch-jobs module (src/node/jobs): a finished run is skipped,
 * one with a checkpoint resumed, anything else started afresh; configs go to
 * `DIR/configs/<name>.json` and child-process output to `DIR/logs/<name>.log`. With `jobs >= 2`
 * the runs go to child processes, `jobs` at a time (the WASM backend is single-threaded, so one
 * process per core uses every core); with `jobs = 1` they run in this process.
 */

/** Options of {@link executeRuns}. */
export interface ExecuteOptions {
  /** The study folder (holds `runs/`, `configs/`, `logs/`). */
  readonly dir: string;
  /** Runs at a time; >= 2 uses child processes, 1 runs in this process. */
  readonly jobs: number;
  /** Receives the progress lines. */
  readonly log: (line: string) => void;
  /** Aborting it (Ctrl-C) starts no further run and stops the running ones at a checkpoint. */
  readonly signal?: AbortSignal;
}

/** What became of one run. */
export interface RunOutcome {
  readonly run: StudyRun;
  /** `summary.json` of the finished run. */
  readonly summary: Record<string, unknown>;
  /** True when the run had finished before this invocation. */
  readonly skipped: boolean;
}

/** Folder of a run inside the study folder. */
export function runDir(dir: string, run: Pick<StudyRun, 'name'>): string {
  return join(dir, 'runs', run.name);
}

/**
 * Executes `runs` (skipping finished ones, resuming interrupted ones), `jobs` at a time, with a
 * progress line per run. Returns the outcomes in the order of `runs`. When runs fail, the others
 * still run; then an MpoError names the first failure. Ctrl-C ends with an MpoError (exit 130).
 */
export async function executeRuns(runs: readonly StudyRun[], opts: ExecuteOptions): Promise<RunOutcome[]> {
  const { dir, log } = opts;
  const jobs = planFits(runs.map((run) => ({ name: run.name, dir: runDir(dir, run), config: run.config, kind: run.model, run })), 'study run folder');
  const skipped = jobs.filter((j) => j.state === 'finished').length;
  if (skipped) log(`${skipped} of ${runs.length} runs finished earlier, skipped`);
  const { failures } = await runFits(jobs, {
    jobs: Math.max(1, Math.floor(opts.jobs)),
    signal: opts.signal,
    log,
    configDir: join(dir, 'configs'),
    logDir: join(dir, 'logs'),
    interrupted: 'interrupted: finished runs are kept and interrupted ones have checkpoints; rerun the same command to continue',
  });
  if (failures.length > 0) {
    throw new MpoError(`${failures.length} of ${runs.length} runs failed, first: run ${failures[0].name} failed: ${failures[0].reason}; ` +
      'rerun the same command to retry them (finished runs are skipped)');
  }
  return jobs.map((j) => ({ run: j.run, summary: readRunSummary(j.dir), skipped: j.state === 'finished' }));
}
