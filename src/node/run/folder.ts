import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MpoError } from '../../core/errors.js';
import { resolveConfig, SETTINGS, type FitConfig } from '../../core/config.js';
import { withManifoldDefaults } from '../../core/pattern/manifold-patterns.js';
import { readConfigFile } from '../config-file.js';
import { isIncidental, lockFolder, type LockOptions } from './lock.js';

/**
 * The run-folder contract, one place for `mpo fit`, `mpo train`, `mpo connect` and `mpo view`:
 * the file names ({@link RUN_FILES}), what each command writes before there is anything to keep
 * ({@link STOPPED_RUNS}, {@link viewStopped}), what a folder holds ({@link folderKind}) and the
 * checks and rules built on them ({@link checkFitFolder}, {@link checkNetworkFolder},
 * {@link startAfresh}, {@link inEmptyFolder}).
 */

/**
 * File names inside a run folder: `config.json` (the run config that reproduces it), the
 * checkpoint (`checkpoint.mpo` of a fit or a network, `bend.mpo` of a curve), `metrics.jsonl`
 * (one line per logged step), `summary.json` (written last: the run finished), `report.html`
 * and a view's `figure.png`; `mpo train --save-path N` adds the training path (`path.npy`: one row
 * of weights per snapshot, `path.json`: their steps).
 */
export const RUN_FILES = {
  config: 'config.json',
  checkpoint: 'checkpoint.mpo',
  bend: 'bend.mpo',
  metrics: 'metrics.jsonl',
  summary: 'summary.json',
  report: 'report.html',
  figure: 'figure.png',
  path: 'path.npy',
  pathSteps: 'path.json',
} as const;

/**
 * What a folder holds: `fit` (an `mpo fit` run: a plane, line or volume), `network` (one network
 * of `mpo train`), `curve` (a Bezier curve of `mpo connect`), `other` (anything else: empty, a
 * view, foreign files) or `missing` (no such folder).
 */
export type FolderKind = 'fit' | 'network' | 'curve' | 'other' | 'missing';

/** The {@link FolderKind} of `dir`, from its `config.json` (or `bend.mpo`), without changing anything. */
export function folderKind(dir: string): FolderKind {
  if (!existsSync(dir)) return 'missing';
  if (!statSync(dir).isDirectory()) return 'other';
  if (existsSync(join(dir, RUN_FILES.bend))) return 'curve';
  const path = join(dir, RUN_FILES.config);
  if (!existsSync(path)) return 'other';
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return 'fit'; // a damaged config.json: the fit's own reader names the problem
  }
  if (!config || typeof config !== 'object') return 'other';
  const provenance = (config.provenance ?? {}) as Record<string, unknown>;
  if (provenance.command === 'train') return 'network';
  if (typeof config.a === 'string' && typeof config.b === 'string' && !('pattern' in config)) return 'curve';
  return 'fit';
}

const KIND_TEXT: Record<Exclude<FolderKind, 'fit'>, string> = {
  network: 'a network from mpo train',
  curve: 'a curve from mpo connect',
  other: 'not an mpo run folder (no config.json)',
  missing: 'not an mpo run folder (there is no such folder)',
};

/**
 * Checks that `dir` holds an `mpo fit` run before anything reads or writes it; `what` is the
 * command (`mpo eval`, `--resume`) and `fix` what to pass instead. Throws a one-line MpoError
 * naming what the folder is, e.g. `"n" is a network from mpo train, not an mpo fit run: ...`.
 */
export function checkFitFolder(dir: string, shown: string, what: string, fix = 'pass the --out folder of mpo fit'): void {
  const kind = folderKind(dir);
  if (kind === 'fit') return;
  const hint = kind === 'network' ? `; look at a network with mpo view random-plane ${shown} --out DIR` : '';
  throw new MpoError(`${what}: "${shown}" is ${KIND_TEXT[kind]}${kind === 'network' || kind === 'curve' ? ', not an mpo fit run' : ''}: ${fix}${hint}`);
}

/** Checks that `dir` holds a network of `mpo train` (for `mpo view` and `mpo connect`); a one-line MpoError naming what it holds otherwise. */
export function checkNetworkFolder(dir: string, shown: string): void {
  const kind = folderKind(dir);
  if (kind === 'network') return;
  const text = kind === 'fit' ? 'an mpo fit run (a manifold of networks), not one network' : kind === 'curve' ?
    'a curve from mpo connect, not one network'
    : kind === 'missing'
    ? 'not there (no such folder)'
    : 'not a trained network (no config.json of mpo train)';
  throw new MpoError(`"${shown}" is ${text}: pass the --out folder of mpo train`);
}

/**
 * The config of a run folder's `config.json` (every key checked, see {@link readConfigFile}).
 * Runs of `--manifold line|volume` made before the config named the manifold's pattern recorded
 * the plane's default (`heart`) while fitting the manifold's: that is read as what was fitted.
 */
export function readRunConfig(dir: string): FitConfig {
  const saved = resolveConfig(readConfigFile(join(dir, RUN_FILES.config)));
  return saved.manifold !== 'plane' && saved.pattern === SETTINGS.pattern.default ? withManifoldDefaults(saved) : saved;
}

/**
 * The rule of a folder stopped before there was anything to keep, one for `mpo fit --out` and
 * for the commands that cannot continue a run (`mpo train`, `mpo connect`, `mpo view`, see
 * {@link inEmptyFolder}): when every file in `dir` (besides lock and temporary files,
 * {@link isIncidental}) is one its command writes before its first checkpoint (`early`), those
 * files are removed and the command starts afresh there, with the note
 * `note: "<dir>" holds a run stopped <when>: starting afresh there` to `log` (none when `log` is
 * null). Returns `empty` (nothing there), `cleared` (a stopped run removed) or `kept` (other files,
 * left alone: the caller refuses the folder, saying what it holds).
 */
export function startAfresh(dir: string, early: ReadonlySet<string>, log: ((line: string) => void) | null, when = 'before its first checkpoint'):
  | 'empty'
  | 'cleared'
  | 'kept' {
  if (!existsSync(dir)) return 'empty';
  const names = readdirSync(dir).filter((f) => !isIncidental(f));
  if (names.length === 0) return 'empty';
  if (!names.every((f) => early.has(f))) return 'kept';
  log?.(`note: "${dir}" holds a run stopped ${when}: starting afresh there`);
  for (const f of names) rmSync(join(dir, f), { recursive: true, force: true });
  return 'cleared';
}

/** What a command that cannot continue a run leaves in its folder before anything worth keeping (see {@link inEmptyFolder}). */
export interface StoppedRun {
  /** The files it writes before its first checkpoint (before `summary.json` when it has none). */
  readonly early: ReadonlySet<string>;
  /** The {@link FolderKind} its `config.json` gives (`other`: it writes none); a folder of another kind is never cleared. */
  readonly kind: FolderKind;
  /** When such a folder was stopped, for the note (default `before its first checkpoint`). */
  readonly when?: string;
}

/**
 * What `mpo fit`, `mpo train` and `mpo connect` write before their first checkpoint: a folder
 * holding only these files was stopped early and starts afresh ({@link startAfresh}). `fit` has
 * its config, metrics and the pattern pictures of `writePatternOutputs`; `train` and `connect`
 * their config and metrics.
 */
export const STOPPED_RUNS = {
  fit: {
    early: new Set<string>([RUN_FILES.config, RUN_FILES.metrics, 'pattern.png', 'pattern.svg', 'mask.png', 'mask.svg', 'pattern.txt']),
    kind: 'fit',
  },
  train: { early: new Set<string>([RUN_FILES.config, RUN_FILES.metrics]), kind: 'network' },
  connect: { early: new Set<string>([RUN_FILES.config, RUN_FILES.metrics]), kind: 'curve' },
} as const satisfies Record<string, StoppedRun>;

/**
 * A view (`mpo view`) has no checkpoint: its folder holding some of its outputs but no
 * `summary.json` (written last) was stopped before it finished and starts afresh
 * ({@link inEmptyFolder}); `data` are the view's data files (e.g. `landscape.json`). The
 * figure's SVG twin (`figure.svg`, written beside `figure.png`) counts as the figure.
 */
export function viewStopped(...data: string[]): StoppedRun {
  return { early: new Set([RUN_FILES.figure, RUN_FILES.figure.replace(/\.png$/, '.svg'), ...data, RUN_FILES.report]), kind: 'other',
    when: 'before it finished' };
}

/**
 * Runs `fn` holding the lock of folder `out` (src/node/run/lock.ts), the output folder of
 * `mpo train`, `mpo connect` and `mpo view`, after checking that the folder is empty (besides
 * lock and temporary files). With `stopped`, a folder holding only the files that command writes
 * before its first checkpoint (a run killed early, e.g. by SIGKILL) starts afresh, with a note:
 * the rule of `mpo fit --out` ({@link startAfresh}). Any other folder is a one-line MpoError
 * saying what it holds and what to do. The lock is released when `fn` settles.
 */
export async function inEmptyFolder<T>(out: string, opts: LockOptions & { readonly stopped?: StoppedRun; }, fn: () => Promise<T>): Promise<T> {
  const lock = lockFolder(out, opts);
  try {
    const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
    const stopped = opts.stopped;
    const mine = !!stopped && folderKind(out) === stopped.kind;
    const state = mine ? startAfresh(out, stopped.early, log, stopped.when) : startAfresh(out, new Set(), null);
    if (state === 'kept') {
      const label = opts.label ?? 'output folder';
      const finished = existsSync(join(out, RUN_FILES.summary));
      // a run of this command known by its config.json (a view writes none: its folder could be anyone's)
      const stoppedLate = mine && stopped.kind !== 'other' && !finished;
      const what = finished
        ? ' (it holds a finished run)'
        : stoppedLate
        ? ` (it holds a run of ${opts.command ?? 'mpo'} stopped after its first checkpoint)`
        : '';
      throw new MpoError(`${label} "${out}" is not empty${what}: choose another --out${stoppedLate ? ', or delete that folder to run again there' : ''}`);
    }
    return await fn();
  } finally {
    lock.release();
  }
}
