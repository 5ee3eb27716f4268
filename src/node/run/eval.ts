import type { BackendName } from '../backend.js';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MpoError } from '../../core/errors.js';
import { isBuiltinPattern } from '../../core/pattern/builtins.js';
import { isSolidPattern, isStripSpec } from '../../core/pattern/solids.js';
import { resolveConfig } from '../../core/config.js';
import { stateOfCheckpoint } from '../../core/io/checkpoint.js';
import { disposePlaneState } from '../../core/training/plane-state.js';
import { loadCheckpoint } from '../checkpoint.js';
import { readConfigFile } from '../config-file.js';
import { landscapeOf, writeRunResults, type RunSummary } from './outputs.js';
import { RUN_FILES } from './fit.js';
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
  readonly quiet?: boolean;
  readonly log?: (line: string) => void;
}

/** Re-draws the train and test landscapes of a saved plane, at any padding and resolution. */
export async function runEval(opts: EvalRunOptions): Promise<RunSummary> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const dir = resolve(opts.dir);
  if (!existsSync(join(dir, RUN_FILES.config))) {
    throw new MpoError(`"${opts.dir}" is not an mpo run folder (no ${RUN_FILES.config}): pass the --out folder of mpo fit`);
  }
  const saved = resolveConfig(readConfigFile(join(dir, RUN_FILES.config)));
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
  const ckpt = loadCheckpoint(join(dir, RUN_FILES.checkpoint));
  const run = await openRun(config, { log, evalOnly: true, dims: ckpt.dims });
  const { model, rp, train, test, pool } = run;
  const state = stateOfCheckpoint(model, ckpt);
  const out = resolve(opts.out ?? join(dir, `eval-p${config.evalPadding}-r${config.evalResolution}`));
  try {
    mkdirSync(out, { recursive: true });
    const t0 = performance.now();
    const testLand = await landscapeOf(model, state, rp, test, config, 'test map', opts.quiet, pool);
    const trainLand = await landscapeOf(model, state, rp, train, config, 'train map', opts.quiet, pool);
    const evalSeconds = (performance.now() - t0) / 1000;
    return writeRunResults({
      scale: (await state.vars.scale.data())[0],
      out,
      config,
      model,
      state,
      rp,
      train,
      test,
      seconds: Number(ckpt.extra?.seconds ?? 0),
      backend: run.backend,
      log,
      testLand,
      trainLand,
      evalSeconds,
    });
  } finally {
    disposePlaneState(state);
    await run.close();
  }
}
