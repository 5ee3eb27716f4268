import type { BackendName } from '../backend.js';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MpoError } from '../../core/errors.js';
import { isBuiltinPattern } from '../../core/pattern/builtins.js';
import { isSolidPattern, isStripSpec } from '../../core/pattern/solids.js';
import { resolveConfig, type FitConfig } from '../../core/config.js';
import type { Checkpoint } from '../../core/io/checkpoint.js';
import { createSession } from '../../core/session/session.js';
import { loadCheckpoint } from '../checkpoint.js';
import { landscapeOf, writeRunResults, type RunSummary } from './outputs.js';
import { lockFolder } from './lock.js';
import { checkFitFolder, folderKind, readRunConfig, RUN_FILES } from './folder.js';
import { openRun } from './open.js';

/** Options of `mpo eval`. */
export interface EvalRunOptions {
  /** Folder of a finished or checkpointed fit. */
  readonly dir: string;
  /** Where to write (default `<dir>/eval-p<padding>-r<resolution>`). */
  readonly out?: string;
  /** Extra cells around the pattern (default: the run's). */
  readonly padding?: number;
  /** Points per cell spacing (default: the run's). */
  readonly resolution?: number;
  /** Images of each split (default: the run's `evalImages`). */
  readonly images?: number;
  /** Backend (default: the run's). */
  readonly backend?: BackendName;
  /** Write into an `mpo fit` run folder (`--out` the run itself), replacing its own results. */
  readonly force?: boolean;
  readonly quiet?: boolean;
  readonly log?: (line: string) => void;
}

/**
 * Where `mpo eval` may write: refuses (one-line MpoError) a folder of another run (a network, a
 * curve) and, unless `force`, the folder of an `mpo fit` run itself, whose own results would be replaced.
 */
function checkEvalOut(out: string, shown: string, force: boolean): void {
  const kind = folderKind(out);
  if (kind === 'network' || kind === 'curve') {
    throw new MpoError(`--out "${shown}" holds ${kind === 'network' ? 'a network from mpo train' : 'a curve from mpo connect'}: choose another --out`);
  }
  if (kind === 'fit' && !force) {
    throw new MpoError(`--out "${shown}" is an mpo fit run folder: its own results (summary.json, landscape/, report.html) would be replaced; ` +
      'choose another --out, or pass --force to replace them');
  }
}

/** What {@link runEval} wrote: the summary of `summary.json` (`seconds` the fit's training, `eval_seconds` this evaluation's) and where. */
export type EvalResult = RunSummary & {
  /** The absolute folder the landscapes, figures, report and summary were written to. */
  readonly out: string;
};

/**
 * Re-draws the train and test landscapes of a saved plane, at any padding and resolution. Checks
 * first that `dir` is an `mpo fit` run and that `out` is not one (see {@link EvalRunOptions.force});
 * holds the lock of `out` while writing; `summary.json` records the images used (`test_images`, `train_images`).
 * Returns the summary with the folder it wrote (`out`).
 */
export async function runEval(opts: EvalRunOptions): Promise<EvalResult> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const dir = resolve(opts.dir);
  checkFitFolder(dir, opts.dir, 'mpo eval');
  const saved = readRunConfig(dir);
  const config = resolveConfig(saved, {
    ...(opts.padding !== undefined ? { evalPadding: opts.padding } : {}),
    ...(opts.resolution !== undefined ? { evalResolution: opts.resolution } : {}),
    ...(opts.images !== undefined ? { evalImages: opts.images } : {}),
    ...(opts.backend !== undefined ? { backend: opts.backend } : {}),
    // a picture file that is not where it was (e.g. a browser download): the run folder carries the trained cells
    ...(saved.randomMask === null && !isBuiltinPattern(saved.pattern) && !isStripSpec(saved.pattern) && !isSolidPattern(saved.pattern) &&
        !existsSync(saved.pattern) && existsSync(join(dir, 'pattern.txt'))
      ? { pattern: join(dir, 'pattern.txt') } :
      {}),
  });
  if (!existsSync(join(dir, RUN_FILES.checkpoint))) {
    throw new MpoError(`mpo eval: "${opts.dir}" has no checkpoint yet (the run stopped before its first one): continue it with mpo fit --resume ${opts.dir}`);
  }
  const ckpt = loadCheckpoint(join(dir, RUN_FILES.checkpoint), log);
  const out = resolve(opts.out ?? join(dir, `eval-p${config.evalPadding}-r${config.evalResolution}`));
  checkEvalOut(out, opts.out ?? out, !!opts.force);
  const lock = lockFolder(out, { command: 'mpo eval', log, label: 'eval folder' });
  try {
    return { ...await evalInto(out, dir, config, ckpt, opts, log), out };
  } finally {
    lock.release();
  }
}

async function evalInto(out: string, dir: string, config: FitConfig, ckpt: Checkpoint, opts: EvalRunOptions, log: (l: string) => void): Promise<RunSummary> {
  const run = await openRun(config, { log, evalOnly: true, dims: ckpt.dims });
  const { model, rp, train, test, pool } = run;
  const session = createSession({ config, model, pattern: rp.pattern, checkpoint: ckpt });
  try {
    const t0 = performance.now();
    const testLand = await landscapeOf(session, test, config, 'test map', opts.quiet, pool);
    const trainLand = await landscapeOf(session, train, config, 'train map', opts.quiet, pool);
    const evalSeconds = (performance.now() - t0) / 1000;
    return writeRunResults({
      scale: (await session.state.vars.scale.data())[0],
      out,
      config,
      session,
      rp,
      train,
      test,
      seconds: session.seconds,
      backend: run.backend,
      log,
      testLand,
      trainLand,
      evalSeconds,
    });
  } finally {
    session.dispose();
    await run.close();
  }
}
