import { appendFileSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MpoError } from '../../core/errors.js';
import { resolveConfig, type FitConfig } from '../../core/config.js';
import type { Checkpoint } from '../../core/io/checkpoint.js';
import { manifoldDims } from '../../core/plane/manifold.js';
import { createSession, type Session } from '../../core/session/session.js';
import { runConfigText } from '../../core/session/run-config.js';
import type { StepResult } from '../../core/training/loop.js';
import { loadCheckpoint, saveCheckpoint } from '../checkpoint.js';
import { writeFileAtomic } from '../output/atomic.js';
import { toolVersion } from '../version.js';
import { createProgress } from '../progress.js';
import { chunkSizeFor, headOf } from './setup.js';
import { openRun, type OpenRun } from './open.js';
import { writeFinalOutputs, writePatternOutputs, type RunSummary } from './outputs.js';
import { runFolderState } from '../jobs/folder.js';
import { isIncidental, lockFolder } from './lock.js';
import { checkFitFolder, folderKind, readRunConfig, RUN_FILES, startAfresh, STOPPED_RUNS } from './folder.js';

/** Options of {@link runFit} beyond the config. */
export interface FitRunOptions {
  /** Output folder. */
  readonly out: string;
  /** Continue the run in `out` from its checkpoint (the config is read from `out/config.json`). */
  readonly resume?: boolean;
  /** Stop after this many steps of this invocation (for tests of resume); the run stays resumable. */
  readonly stopAfter?: number;
  /** Ends the run early (checkpoint saved, no final outputs, returns null) when it returns true for a metrics line. */
  readonly stopWhen?: (line: Record<string, number>) => boolean;
  /** No progress output. */
  readonly quiet?: boolean;
  /** Receives log lines (default: stderr). */
  readonly log?: (line: string) => void;
  /** Aborting it (Ctrl-C in the CLI) stops the run between steps: the checkpoint is saved and an MpoError (exit 130) says how to resume. */
  readonly signal?: AbortSignal;
}

export { RUN_FILES } from './folder.js';

/**
 * Checks, before anything is read or locked, that `dir` can be resumed: a folder of `mpo fit`
 * (not missing, not a network of `mpo train` or a curve of `mpo connect`) with a `config.json`.
 * Throws a one-line MpoError saying what the folder is and what to do.
 */
export function checkResumable(dir: string): void {
  const kind = folderKind(dir);
  if (kind === 'missing') {
    throw new MpoError(`"${dir}" has no config.json: --resume takes the output folder of an earlier mpo fit, and there is no such folder`);
  }
  if (kind === 'other') {
    const stopped = statSync(dir).isDirectory() && readdirSync(dir).every(isIncidental);
    throw new MpoError(`"${dir}" has no config.json: --resume takes the output folder of an earlier mpo fit` +
      (stopped ? `; this one was stopped before it wrote one: start it again with mpo fit --out ${dir} and its options` : ''));
  }
  checkFitFolder(dir, dir, '--resume', 'continue the --out folder of an mpo fit');
}

/**
 * The config to continue the run in `dir` with (`mpo fit --resume`): its `config.json` (see
 * {@link readRunConfig}) with `backend` over it when given. Checks the folder first ({@link checkResumable}).
 */
export function resumeConfigOf(dir: string, flags: Partial<FitConfig> = {}): FitConfig {
  checkResumable(dir);
  return resolveConfig(readRunConfig(dir), flags);
}

/**
 * Checks the locked folder `out` and says how the fit starts there: true to continue from its
 * checkpoint, false to start afresh. A fresh start takes a missing or empty folder, or one stopped
 * before its first checkpoint (only `config.json`, metrics and pattern pictures: the rule of
 * `mpo gallery`, see {@link runFolderState}), whose files are removed first. `--resume` of such a
 * folder starts it again from its `config.json`, with a note.
 */
function prepareOutDir(out: string, resume: boolean, log: (line: string) => void): boolean {
  const kind = folderKind(out);
  if (kind === 'network' || kind === 'curve') {
    if (resume) checkResumable(out);
    throw new MpoError(`output folder "${out}" holds ${kind === 'network' ? 'a network from mpo train' : 'a curve from mpo connect'}: choose another --out`);
  }
  const state = runFolderState(out, 'output folder');
  if (resume) {
    if (state !== 'fresh') return true;
    if (!existsSync(join(out, RUN_FILES.config))) checkResumable(out);
    log(`note: "${out}" was stopped before its first checkpoint, so there is nothing to resume: starting it again from its config.json`);
    startAfresh(out, STOPPED_RUNS.fit.early, null);
    return false;
  }
  if (state !== 'fresh') {
    const done = state === 'finished';
    throw new MpoError(`output folder "${out}" is not empty${done ? ' (it holds a finished run)' : ''}: choose another --out` +
      `${done ? '' : `, or continue that run with mpo fit --resume ${out}`}`);
  }
  startAfresh(out, STOPPED_RUNS.fit.early, log);
  return false;
}

/**
 * Whether a resumed run has nothing left to do: its checkpoint is past `--steps` (a config.json
 * edited down), or at it in a finished run (`summary.json`). Then says so in one line to `log`,
 * pointing at `mpo eval` (which redraws the landscapes of the checkpoint); nothing is written.
 * A run at its last step without `summary.json` (stopped while writing its results) is not done:
 * the resume writes them.
 */
function nothingToTrain(out: string, step: number, steps: number, log: (line: string) => void): boolean {
  const finished = existsSync(join(out, RUN_FILES.summary));
  if (step < steps || (step === steps && !finished)) return false;
  log(`note: "${out}" is already at step ${step} of ${steps}${finished ? ' (a finished run: its results stay as they are)' : ''}: nothing to train; ` +
    `mpo eval ${out} redraws its landscapes`);
  return true;
}

/** Keeps the metrics lines of steps <= `step` (the rest came after the checkpoint). */
function truncateMetrics(path: string, step: number): void {
  if (!existsSync(path)) return;
  const keep = readFileSync(path, 'utf8').split('\n').filter((l) => {
    if (!l.trim()) return false;
    try {
      return (JSON.parse(l) as { step: number; }).step <= step;
    } catch {
      return false;
    }
  });
  writeFileAtomic(path, keep.map((l) => `${l}\n`).join(''));
}

/** The batch size a run can use: at most the number of training images (with a warning naming the new value). */
function clampBatch(config: FitConfig, n: number, log: (line: string) => void): FitConfig {
  if (config.batchSize <= n) return config;
  log(`warning: --batch-size ${config.batchSize} is larger than the ${n} training images: using --batch-size ${n}`);
  return { ...config, batchSize: n };
}

/**
 * Fits a plane to a pattern: drives the core's {@link trainLoop}, checkpoints atomically every
 * `checkpointEvery` steps and when `signal` aborts (Ctrl-C), then evaluates the train and test
 * landscapes and writes pictures, grids, metrics, `report.html` and, last, `summary.json`
 * (so a folder without it is not a finished run). Holds the folder's lock throughout
 * (src/node/run/lock.ts: a second writer is refused); a folder stopped before its first
 * checkpoint starts afresh, with `--resume` too (see `prepareOutDir`). Returns the summary, or
 * null when the run stopped early (`stopAfter`, `stopWhen`) or a resumed run had nothing to train
 * (at or past its `--steps` and finished, or past them: a one-line note, nothing written).
 */
export async function runFit(configIn: FitConfig, opts: FitRunOptions): Promise<RunSummary | null> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const out = resolve(opts.out);
  if (opts.resume) checkResumable(out); // before the lock, which would make a missing folder
  const lock = lockFolder(out, { command: opts.resume ? 'mpo fit --resume' : 'mpo fit', log });
  try {
    const resume = prepareOutDir(out, !!opts.resume, log);
    const ckpt = resume ? loadCheckpoint(join(out, RUN_FILES.checkpoint), log) : null;
    if (ckpt && nothingToTrain(out, ckpt.step, configIn.steps, log)) return null;
    return await fitIn(out, configIn, ckpt, opts, log);
  } finally {
    lock.release();
  }
}

/** The metrics line of a step (`metrics.jsonl`), with the quick evaluation when it ran. */
function metricsLine(r: StepResult): Record<string, number> {
  const line: Record<string, number> = {
    step: r.step,
    loss: r.loss,
    ce_black: r.ceBlack,
    ce_white: r.ceWhite,
    grad_norm: r.gradNorm,
    scale: r.scale,
    lr: r.lr,
    seconds: Number(r.seconds.toFixed(3)),
  };
  if (r.quick) Object.assign(line, { auc_test_quick: r.quick.auc, acc_diff_test_quick: r.quick.accDiff, acc_black_test_quick: r.quick.accBlack });
  return line;
}

/** Writes a fresh run's `config.json` (the settings that reproduce it, with provenance) and its target pictures. */
function startRunFolder(out: string, config: FitConfig, run: OpenRun): void {
  const { train, test, rp } = run;
  writeFileAtomic(join(out, RUN_FILES.config), runConfigText({ ...config, workers: run.workers }, {
    tool: toolVersion(),
    backend: run.backend,
    node: process.version,
    trainSource: train.source,
    testSource: test.source,
    trainImages: train.n,
    testImages: test.n,
    trainedCells: { black: rp.black.length, white: rp.white.length },
    patternName: rp.pattern.name,
  }));
  writePatternOutputs(out, rp);
}

/**
 * Trains the session in `out` until its steps are done or it is stopped: metrics lines every
 * `logEvery` steps (and with each quick evaluation), a checkpoint every `checkpointEvery` steps and
 * at the last, progress. Returns how it ended: `done`, `stopped` (`stopAfter`/`stopWhen`: the
 * checkpoint is saved) or `interrupted` (`signal`).
 */
async function trainIn(out: string, session: Session, run: OpenRun, config: FitConfig, opts: FitRunOptions): Promise<'done' | 'stopped' | 'interrupted'> {
  const { pool, model } = run;
  const quick = headOf(run.test, config.quickEvalImages);
  const save = async () => saveCheckpoint(join(out, RUN_FILES.checkpoint), await session.checkpoint());
  const stop = new AbortController();
  const stopAfter = opts.stopAfter === undefined ? Infinity : session.state.step + opts.stopAfter;
  const progress = createProgress({ label: 'fit', total: config.steps, quiet: opts.quiet });
  progress.update(session.state.step);
  try {
    if (pool) await pool.addData('quick', quick.plain);
    for await (const r of session.train({
      data: { x: run.train.x, labels: run.train.labels, numClasses: run.train.numClasses },
      chunkSize: await chunkSizeFor(model, config.batchSize, run.backend, session.state.dims),
      signal: AbortSignal.any([stop.signal, ...(opts.signal ? [opts.signal] : [])]),
      gradients: pool ? (s, sample, o) => pool.gradients(s, sample, o) : undefined,
      quick: { every: config.evalEvery, data: quick, evaluator: pool ? (s, pass) => pool.evaluator(s, 'quick', pass) : undefined },
    })) {
      const line = metricsLine(r);
      if (r.step % config.logEvery === 0 || r.quick || r.last) appendFileSync(join(out, RUN_FILES.metrics), `${JSON.stringify(line)}\n`);
      if (r.step % config.checkpointEvery === 0 || r.last) await save();
      progress.update(r.step, `loss ${r.loss.toFixed(3)}${r.quick ? ` auc ${r.quick.auc.toFixed(3)}` : ''}`);
      if (r.step >= stopAfter || opts.stopWhen?.(line)) stop.abort();
    }
  } finally {
    progress.stop();
    quick.x.dispose();
  }
  if (opts.signal?.aborted || stop.signal.aborted || config.steps === 0) await save();
  return opts.signal?.aborted ? 'interrupted' : stop.signal.aborted ? 'stopped' : 'done';
}

/** The fit itself, in the locked and prepared folder `out`; `ckpt` continues a run. */
async function fitIn(out: string, configIn: FitConfig, ckpt: Checkpoint | null, opts: FitRunOptions, log: (line: string) => void): Promise<RunSummary | null> {
  const run = await openRun(configIn, { log, dims: ckpt?.dims ?? manifoldDims(configIn.manifold) });
  const config = clampBatch(configIn, run.train.n, log);
  if (config.steps === 0) log('warning: --steps 0: the plane is not trained; its initialisation is evaluated (summary.json says untrained)');
  let session: Session | null = null;
  try {
    if (ckpt && ckpt.model !== run.model.name) {
      throw new MpoError(`checkpoint in "${out}" is for model ${ckpt.model}, config says ${run.model.name}: do not edit config.json of a run`);
    }
    session = createSession({ config, model: run.model, pattern: run.rp.pattern, checkpoint: ckpt ?? undefined });
    if (!ckpt) startRunFolder(out, config, run);
    else {
      truncateMetrics(join(out, RUN_FILES.metrics), ckpt.step);
      log(`resuming "${out}" at step ${ckpt.step} of ${config.steps}`);
    }
    const end = await trainIn(out, session, run, config, opts);
    if (end === 'interrupted') {
      throw new MpoError(`interrupted at step ${session.state.step}; the checkpoint is saved: continue with mpo fit --resume ${out}`, 130);
    }
    if (end === 'stopped') return null;
    const { rp, train, test, pool, backend } = run;
    return await writeFinalOutputs({ out, config, session, rp, train, test, seconds: session.seconds, backend, quiet: opts.quiet, log, pool });
  } finally {
    session?.dispose();
    await run.close();
  }
}
