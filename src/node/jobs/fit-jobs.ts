import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FitConfig } from '../../core/config.js';
import { firstLine, MpoError } from '../../core/errors.js';
import { writeJsonAtomic } from '../output/atomic.js';
import { resumeConfigOf, RUN_FILES, runFit } from '../run/fit.js';
import { prepareRunFolder, readRunSummary, type RunFolderState } from './folder.js';
import { runJobs, type Job, type JobsResult } from './queue.js';

/**
 * Batches of `mpo fit` runs, for `mpo gallery` and `mpo study bn`: each run has its own folder
 * (see {@link prepareRunFolder}); with `jobs >= 2` each goes to a child process, a Node entry that
 * calls the fit directly (`fit-child.ts --config <configDir>/<name>.json --out <dir>`, or
 * `fit-child.ts --resume <dir> --backend <backend>`; its stdout and stderr appended to
 * `<logDir>/<name>.log`); with `jobs = 1` the runs go one after another in this process.
 */

/** Jobs by default: 2 when the machine has at least 2 cores (one fit per core), else 1. */
export function defaultJobs(): number {
  return availableParallelism() >= 2 ? 2 : 1;
}

/**
 * The entry of a child fit, `fit-child` next to this module (`fit-child.ts` under tsx, `.js` when
 * built), and the node flags it needs: what {@link runFits} starts for each fit with two or more jobs.
 */
export function fitChildCommand(): { execArgs: string[]; entry: string; } {
  const here = fileURLToPath(import.meta.url);
  const ext = extname(here);
  const entry = join(dirname(here), `fit-child${ext}`);
  return { execArgs: ext === '.ts' ? ['--import', import.meta.resolve('tsx')] : [], entry };
}

/** One fit of a batch: what {@link planFits} takes. */
export interface FitJobSpec {
  /** Unique and file-safe: names the log lines, `<configDir>/<name>.json` and `<logDir>/<name>.log`. */
  readonly name: string;
  /** The run folder. */
  readonly dir: string;
  /** The resolved config of a fresh run (a resumed run keeps its folder's `config.json`, except the backend). */
  readonly config: FitConfig;
  /** Runs of a kind share a mean duration for the ETA (default: the model). */
  readonly kind?: string;
}

/** A fit with its folder's state, from {@link planFits}. */
export interface FitJob extends FitJobSpec, Job {
  readonly kind: string;
  readonly state: RunFolderState;
}

/**
 * The state of every fit's folder ({@link prepareRunFolder}: early leftovers of fresh runs are
 * removed), checked before any run starts; throws an MpoError for a folder that is not an mpo
 * run. `label` names the folders in errors.
 */
export function planFits<S extends FitJobSpec>(specs: readonly S[], label = 'run folder'): (S & FitJob)[] {
  const states = specs.map((s) => prepareRunFolder(s.dir, label));
  return specs.map((s, i) => ({ ...s, kind: s.kind ?? s.config.model, state: states[i], resume: states[i] === 'resume' }));
}

/** Options of {@link runFits}. */
export interface FitJobsOptions {
  /** Runs at a time: >= 2 in child processes, 1 in this process. */
  readonly jobs: number;
  /** Aborting it (the CLI's Ctrl-C) starts no further run and sends SIGINT to the running ones (they save a checkpoint). */
  readonly signal?: AbortSignal;
  /** Receives the progress lines, and the runs' own lines prefixed with `<name>: `. */
  readonly log: (line: string) => void;
  /** Folder of `<name>.json`, the config each run is started with. */
  readonly configDir: string;
  /** Folder of `<name>.log`, the output of each child process. */
  readonly logDir: string;
  /** Message of the MpoError (exit code 130) thrown when Ctrl-C stopped the batch. */
  readonly interrupted: string;
  /** Node arguments that start the child fit's entry, before its arguments ({@link fitChildArgs}; default: {@link fitChildCommand}). */
  readonly command?: readonly string[];
  /** Node executable of the child processes (default `process.execPath`). */
  readonly execPath?: string;
}

/** A finished run's headline numbers, as the batch log lines show them. */
export function summaryText(summary: Record<string, unknown>): string {
  const f = (k: string) => (typeof summary[k] === 'number' ? (summary[k] as number).toFixed(3) : '?');
  return `auc_test ${f('auc_test')}, acc_diff_test ${f('acc_diff_test')}`;
}

/** The arguments of a fit's child process (after the node arguments that start its entry, {@link fitChildCommand}; read by `fit-child.ts`). */
export function fitChildArgs(job: Pick<FitJob, 'dir' | 'config' | 'state'>, configFile: string): string[] {
  return job.state === 'resume' ? ['--resume', job.dir, '--backend', job.config.backend] : ['--config', configFile, '--out', job.dir];
}

/**
 * Runs the fits that are not finished (see {@link runJobs} for the log lines, failures and
 * Ctrl-C). Each run's config goes to `<configDir>/<name>.json` first; a fresh run without
 * `workers` gets `cores / jobs` worker threads (at least 1), so the runs share the cores.
 */
export async function runFits(jobs: readonly FitJob[], opts: FitJobsOptions): Promise<JobsResult> {
  const todo = jobs.filter((j) => j.state !== 'finished');
  const workers = Math.max(1, Math.floor(availableParallelism() / opts.jobs));
  return runJobs(todo, async (job, signal) => {
    const configFile = join(opts.configDir, `${job.name}.json`);
    const config = job.config.workers == null ? { ...job.config, workers } : job.config;
    writeJsonAtomic(configFile, config);
    const prefixed = (line: string) => opts.log(`${job.name}: ${line}`);
    if (opts.jobs === 1) await fitInProcess({ ...job, config }, signal, prefixed);
    else await fitChild({ ...job, config }, configFile, join(opts.logDir, `${job.name}.log`), signal, prefixed, opts);
    return summaryText(readRunSummary(job.dir));
  }, opts);
}

/** Runs one fit in this process, as its child process would (a resumed run reads its own config.json). */
async function fitInProcess(job: FitJob, signal: AbortSignal, log: (line: string) => void): Promise<void> {
  const resume = job.state === 'resume';
  const config = resume ? resumeConfigOf(job.dir, { backend: job.config.backend }) : job.config;
  await runFit(config, { out: job.dir, resume, quiet: true, log, signal });
  if (!existsSync(join(job.dir, RUN_FILES.summary))) throw new MpoError(`the run ended without ${RUN_FILES.summary}: rerun the same command`);
}

/**
 * Child fits running now, ended with SIGTERM if this process exits first (a second Ctrl-C exits at
 * once). That covers an orderly exit; a parent that dies otherwise (SIGKILL, a crash) closes the
 * children's IPC channel, and each child exits on its `disconnect` (see `handleInterrupts` in entry.ts).
 */
const children = new Set<ChildProcess>();
const killChildren = () => {
  for (const c of children) c.kill('SIGTERM');
};

function track(child: ChildProcess, running: boolean): void {
  if (running) {
    if (children.size === 0) process.on('exit', killChildren);
    children.add(child);
  } else if (children.delete(child) && children.size === 0) {
    process.off('exit', killChildren);
  }
}

/** The reason in a child's `mpo: error: ...` line (`internal error: ...` kept as such), or null. */
function errorReason(line: string): string | null {
  const m = /^mpo: ((?:internal )?error): (.*)$/.exec(line);
  return m ? (m[1] === 'error' ? m[2] : `internal error: ${m[2]}`) : null;
}

/**
 * Runs one fit in a child process; resolves when it exits 0 with `summary.json` written, else
 * rejects with an MpoError whose message is the child's error line and the log's path.
 */
function fitChild(job: FitJob, configFile: string, logFile: string, signal: AbortSignal, log: (line: string) => void,
  opts: Pick<FitJobsOptions, 'command' | 'execPath'>): Promise<void> {
  const entry = opts.command ?? (({ execArgs, entry }) => [...execArgs, entry])(fitChildCommand());
  mkdirSync(dirname(logFile), { recursive: true });
  const out = createWriteStream(logFile, { flags: 'a' });
  return new Promise((resolveChild, reject) => {
    // Its own process group: a Ctrl-C on the terminal reaches only this process, which
    // forwards one SIGINT (a second one would stop the child at once, without a checkpoint).
    // The IPC channel ends the child when this process dies, however it dies (the OS closes it).
    const child = spawn(opts.execPath ?? process.execPath, [...entry, ...fitChildArgs(job, configFile)], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: process.platform !== 'win32',
    });
    child.channel?.unref(); // the channel alone keeps neither process alive
    const interrupt = () => {
      child.kill('SIGINT');
    };
    signal.addEventListener('abort', interrupt, { once: true });
    track(child, true);
    let settled = false;
    const settle = (error: MpoError | null) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', interrupt);
      track(child, false);
      out.end();
      if (error) reject(error);
      else resolveChild();
    };
    let reason: string | null = null;
    let buf = '';
    const lines = (text: string) => {
      for (const l of text.split('\n')) {
        const r = errorReason(l);
        if (r !== null) reason = r;
        else if (l.trim() && !signal.aborted) log(l); // after Ctrl-C only to the log file
      }
    };
    child.stdout!.on('data', (d: Buffer) => out.write(d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      out.write(d);
      buf += d;
      const cut = buf.lastIndexOf('\n');
      if (cut >= 0) {
        lines(buf.slice(0, cut));
        buf = buf.slice(cut + 1);
      }
    });
    child.on('error', (e) => {
      settle(new MpoError(`cannot start ${opts.execPath ?? process.execPath} (${firstLine(e)}): check the node installation`));
    });
    child.on('close', (code, sig) => {
      lines(buf);
      if (code === 0 && existsSync(join(job.dir, RUN_FILES.summary))) return settle(null);
      const why = reason ?? (sig ? `killed by ${sig}` : code === 0 ? `ended without ${RUN_FILES.summary}` : `exit code ${code}`);
      settle(new MpoError(`${why}; log: ${logFile}`));
    });
    if (signal.aborted) interrupt();
  });
}
