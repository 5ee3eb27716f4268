import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MpoError } from '../../core/errors.js';
import { writeJsonAtomic } from '../output/atomic.js';
import { RUN_FILES, runFit } from '../run/fit.js';
import type { StudyRun } from './plan.js';

/**
 * Executes a study's runs: each (model, p, seed) is an independent `mpo fit` in its own folder
 * `DIR/runs/<name>/`. A folder with `summary.json` is a finished run and is skipped; one with a
 * checkpoint is resumed; anything else is started afresh. With `jobs >= 2` the runs go to child
 * processes (`node <cli> fit --quiet --config DIR/configs/<name>.json --out DIR/runs/<name>`,
 * or `fit --quiet --resume DIR/runs/<name>`), `jobs` at a time: the WASM backend is
 * single-threaded, so one process per core uses every core. With `jobs = 1` runs go in-process.
 */

/** Options of {@link executeRuns}. */
export interface ExecuteOptions {
  /** The study folder (holds `runs/`, `configs/`, `logs/`). */
  readonly dir: string;
  /** Runs at a time; >= 2 uses child processes, 1 runs in this process. */
  readonly jobs: number;
  /** Receives one progress line per finished or skipped run. */
  readonly log: (line: string) => void;
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

/** `finished`: summary.json present; `resume`: a checkpoint to continue from; `fresh`: start (again). */
export function runStatus(folder: string): 'finished' | 'resume' | 'fresh' {
  if (existsSync(join(folder, RUN_FILES.summary))) return 'finished';
  if (existsSync(join(folder, RUN_FILES.checkpoint)) && existsSync(join(folder, RUN_FILES.config))) return 'resume';
  return 'fresh';
}

function readSummary(folder: string): Record<string, unknown> {
  const path = join(folder, RUN_FILES.summary);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new MpoError(`"${path}" is not valid JSON (${(e as Error).message.split('\n')[0]}): delete that run's folder and rerun the study`);
  }
}

/** The `mpo` CLI entry next to this module (`main.ts` under tsx, `main.js` when built) and the node flags it needs. */
export function cliCommand(): { execArgs: string[]; entry: string } {
  const here = fileURLToPath(import.meta.url);
  const ext = extname(here);
  const entry = join(dirname(here), '..', '..', 'cli', `main${ext}`);
  return { execArgs: ext === '.ts' ? ['--import', import.meta.resolve('tsx')] : [], entry };
}

function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** Runs `fit` in a child process; resolves when it exits 0, else rejects with its error line. */
function runChild(dir: string, run: StudyRun, resume: boolean, children: Set<ReturnType<typeof spawn>>): Promise<void> {
  const { execArgs, entry } = cliCommand();
  const folder = runDir(dir, run);
  const args = resume
    ? [...execArgs, entry, 'fit', '--quiet', '--resume', folder]
    : [...execArgs, entry, 'fit', '--quiet', '--config', join(dir, 'configs', `${run.name}.json`), '--out', folder];
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const logPath = join(dir, 'logs', `${run.name}.log`);
  const logFile = createWriteStream(logPath, { flags: 'a' });
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stderr = '';
    child.stdout.pipe(logFile, { end: false });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); logFile.write(d); });
    child.on('error', (e) => { children.delete(child); logFile.end(); reject(new MpoError(`run ${run.name} could not start node (${e.message}): check the installation`)); });
    child.on('close', (code) => {
      children.delete(child);
      logFile.end();
      if (code === 0) return resolvePromise();
      const line = stderr.split('\n').reverse().find((l) => /^mpo: (internal )?error:/.test(l)) ?? `exit code ${code}`;
      reject(new MpoError(`run ${run.name} failed: ${line.replace(/^mpo: /, '')} (log: ${logPath})`, code === 130 ? 130 : 1));
    });
  });
}

async function runInProcess(dir: string, run: StudyRun, resume: boolean): Promise<void> {
  await runFit(run.config, { out: runDir(dir, run), resume, quiet: true, log: () => {} });
}

/**
 * Executes `runs` (skipping finished ones, resuming interrupted ones), `jobs` at a time, and
 * logs a line per run with the time left. Returns the outcomes in the order of `runs`. When
 * runs fail, the others still run; then an MpoError names the first failure.
 */
export async function executeRuns(runs: readonly StudyRun[], opts: ExecuteOptions): Promise<RunOutcome[]> {
  const { dir, log } = opts;
  const jobs = Math.max(1, Math.floor(opts.jobs));
  const outcomes = new Array<RunOutcome | undefined>(runs.length);
  const failures: MpoError[] = [];
  const children = new Set<ReturnType<typeof spawn>>();
  let interrupted = false;
  const onSigint = () => { interrupted = true; };
  process.on('SIGINT', onSigint);
  const t0 = performance.now();
  let doneCount = 0, next = 0;
  const pending = new Set(runs.filter((r) => runStatus(runDir(dir, r)) !== 'finished').map((r) => r.index));
  const seconds = new Map<string, number[]>();
  /** Time left: each pending run at its model's mean duration so far (else the overall mean), spread over the jobs. */
  const eta = (): string => {
    const all = [...seconds.values()].flat();
    if (all.length === 0 || pending.size === 0) return '';
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    let total = 0;
    for (const i of pending) total += mean(seconds.get(runs.find((r) => r.index === i)!.model) ?? all);
    return `, about ${formatDuration(total / Math.min(jobs, pending.size))} left`;
  };
  const report = (i: number, text: string) => {
    doneCount++;
    log(`[${doneCount}/${runs.length}] ${runs[i].name}: ${text} | elapsed ${formatDuration((performance.now() - t0) / 1000)}${eta()}`);
  };
  const worker = async () => {
    while (next < runs.length && !interrupted) {
      const i = next++;
      const run = runs[i];
      const folder = runDir(dir, run);
      const status = runStatus(folder);
      if (status === 'finished') {
        outcomes[i] = { run, summary: readSummary(folder), skipped: true };
        report(i, 'finished earlier, skipped');
        continue;
      }
      if (status === 'fresh') rmSync(folder, { recursive: true, force: true });
      writeJsonAtomic(join(dir, 'configs', `${run.name}.json`), run.config);
      const start = performance.now();
      try {
        if (jobs >= 2) await runChild(dir, run, status === 'resume', children);
        else await runInProcess(dir, run, status === 'resume');
        const summary = readSummary(folder);
        const took = (performance.now() - start) / 1000;
        pending.delete(run.index);
        if (status === 'fresh') seconds.set(run.model, [...(seconds.get(run.model) ?? []), took]);
        outcomes[i] = { run, summary, skipped: false };
        const f = (k: string) => (typeof summary[k] === 'number' ? (summary[k] as number).toFixed(3) : '?');
        report(i, `acc_diff ${f('acc_diff_test')} auc ${f('auc_test')} in ${formatDuration(took)}${status === 'resume' ? ' (resumed)' : ''}`);
      } catch (e) {
        if (!(e instanceof MpoError)) throw e;
        if (e.exitCode === 130) interrupted = true;
        failures.push(e);
        pending.delete(run.index);
        report(i, `FAILED: ${e.message}`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(jobs, runs.length) }, worker));
  } finally {
    process.off('SIGINT', onSigint);
  }
  if (interrupted) {
    throw new MpoError('interrupted: finished runs are kept and interrupted ones have checkpoints; rerun the same command to continue', 130);
  }
  if (failures.length > 0) {
    throw new MpoError(`${failures.length} of ${runs.length} runs failed, first: ${failures[0].message}; rerun the same command to retry them (finished runs are skipped)`);
  }
  return outcomes as RunOutcome[];
}
