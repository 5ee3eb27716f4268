import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MpoError } from '../../core/errors.js';
import { resolveConfig, SETTINGS, type FitConfig } from '../../core/config.js';
import { withManifoldDefaults } from '../../core/pattern/manifold-patterns.js';
import { readConfigFile } from '../config-file.js';

/** File names inside a run folder of `mpo fit`. */
export const RUN_FILES = {
  config: 'config.json',
  checkpoint: 'checkpoint.mpo',
  metrics: 'metrics.jsonl',
  summary: 'summary.json',
  report: 'report.html',
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
  if (existsSync(join(dir, 'bend.mpo'))) return 'curve';
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
