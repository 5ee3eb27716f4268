import { firstLine, MpoError } from '../../core/errors.js';
import { formatDuration } from '../progress.js';
import { estimateRemaining } from './eta.js';

/** One job of a batch. */
export interface Job {
  /** Name in log lines and failures. */
  readonly name: string;
  /** Jobs of a kind share a mean duration for the ETA (e.g. the model); default: one kind for all. */
  readonly kind?: string;
  /** Continues an interrupted job: logged as such, and its duration is left out of the ETA. */
  readonly resume?: boolean;
}

/** A job that ended with an error (not counting jobs stopped by the abort signal). */
export interface JobFailure {
  readonly name: string;
  /** The error's one-line message. */
  readonly reason: string;
}

/** What {@link runJobs} did. */
export interface JobsResult {
  /** Names of the jobs that finished, in the order they finished. */
  readonly finished: string[];
  /** The jobs that failed, in the order they failed. */
  readonly failures: JobFailure[];
  /** Wall-clock seconds of the whole batch. */
  readonly seconds: number;
}

/** Options of {@link runJobs}. */
export interface JobsOptions {
  /** Jobs at a time (a whole number >= 1). */
  readonly jobs: number;
  /** Aborting it (the CLI's Ctrl-C) starts no further job; running jobs get it to stop themselves. */
  readonly signal?: AbortSignal;
  /** Receives the progress lines (see {@link runJobs}). */
  readonly log: (line: string) => void;
  /** Message of the MpoError (exit code 130) thrown when the signal stopped the batch before every job ended. */
  readonly interrupted: string;
}

/**
 * Runs `jobs` through `execute`, `opts.jobs` at a time, in order. `execute` gets the abort
 * signal and resolves with a short text on the job's result, or rejects with an MpoError whose
 * message is the failure's reason. Log lines, one format for every batch of the project:
 *
 *     <name>: resuming from its checkpoint               (when a resumed job starts)
 *     [k/N] <name>: <text> (<duration>); eta <duration>  (when a job finishes)
 *     [k/N] <name>: FAILED: <reason>                     (when a job fails)
 *
 * The ETA is {@link estimateRemaining} over the finished fresh jobs' durations. A failure does
 * not stop the other jobs: the failures are returned. When the signal aborts, no further job
 * starts, errors of the running ones are not failures, and once they have ended an MpoError
 * with `opts.interrupted` and exit code 130 is thrown (unless every job had ended anyway).
 * An error other than an MpoError (a bug) starts no further job and is rethrown at the end.
 */
export async function runJobs<J extends Job>(
  jobs: readonly J[],
  execute: (job: J, signal: AbortSignal) => Promise<string>,
  opts: JobsOptions,
): Promise<JobsResult> {
  if (!Number.isInteger(opts.jobs) || opts.jobs < 1) throw new MpoError(`--jobs is ${opts.jobs}: give a whole number >= 1`);
  const signal = opts.signal ?? new AbortController().signal;
  const t0 = performance.now();
  const finished: string[] = [];
  const failures: JobFailure[] = [];
  const durations: { kind: string; seconds: number; }[] = [];
  const running = new Map<J, number>();
  let next = 0;
  let fatal: { error: unknown; } | null = null;
  const kind = (j: J) => j.kind ?? '';
  const eta = () =>
    estimateRemaining({
      finished: durations,
      waiting: jobs.slice(next).map(kind),
      running: [...running].map(([j, start]) => ({ kind: kind(j), elapsed: (performance.now() - start) / 1000 })),
      jobs: opts.jobs,
    });
  const count = () => `[${finished.length + failures.length}/${jobs.length}]`;
  const worker = async () => {
    while (next < jobs.length && !signal.aborted && !fatal) {
      const job = jobs[next++];
      if (job.resume) opts.log(`${job.name}: resuming from its checkpoint`);
      const start = performance.now();
      running.set(job, start);
      try {
        const text = await execute(job, signal);
        running.delete(job);
        const seconds = (performance.now() - start) / 1000;
        if (!job.resume) durations.push({ kind: kind(job), seconds });
        finished.push(job.name);
        opts.log(`${count()} ${job.name}: ${text} (${formatDuration(seconds)}); eta ${formatDuration(eta())}`);
      } catch (e) {
        running.delete(job);
        if (!(e instanceof MpoError)) {
          fatal ??= { error: e };
        } else if (!signal.aborted) {
          failures.push({ name: job.name, reason: firstLine(e) });
          opts.log(`${count()} ${job.name}: FAILED: ${firstLine(e)}`);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.jobs, Math.max(1, jobs.length)) }, worker));
  if (fatal) throw (fatal as { error: unknown; }).error;
  if (signal.aborted && finished.length + failures.length < jobs.length) throw new MpoError(opts.interrupted, 130);
  return { finished, failures, seconds: (performance.now() - t0) / 1000 };
}
