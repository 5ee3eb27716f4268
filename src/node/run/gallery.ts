import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import { CONFIG_KEYS, DEFAULT_FIT_CONFIG, flagName, resolveConfig, type FitConfig } from '../../core/config.js';
import { check, MpoError } from '../../core/errors.js';
import { BUILTIN_NAMES, isBuiltinPattern } from '../../core/pattern/builtins.js';
import { writeGalleryFiles } from './gallery-figure.js';
import { RUN_FILES } from './fit.js';
import type { RunSummary } from './outputs.js';
import { patternOf } from './setup.js';

/** The built-in pictures a gallery fits when none are named. */
export const DEFAULT_GALLERY_PATTERNS: readonly string[] = ['heart', 'ring', 'star', 'smiley', 'letter-a', 'digit-8'];

/**
 * Settings of a gallery that differ from the `mpo fit` defaults (applied under a config file
 * and flags). Measured with the default MLP, 24x24 cells, 600 steps: at the fit's scale 0.1 the
 * smiley's eyes and mouth never appeared (test AUC 0.930; 0.948 after 1,500 steps), at 0.2
 * every default picture reached test AUC >= 0.987 (smiley 0.989), at 0.3 the smiley 0.990 with a
 * smaller accuracy difference (docs/reproduction.md).
 */
export const GALLERY_DEFAULTS: Readonly<Partial<FitConfig>> = Object.freeze({ scaleInit: 0.2 });

/** The columns of `gallery.csv` (and keys of each `gallery.json` row), in order. */
export const GALLERY_COLUMNS = ['pattern', 'auc_test', 'acc_diff_test', 'acc_black_test', 'acc_white_test',
  'corr_train_test_loss', 'steps', 'seconds'] as const;

/** One finished pattern of a gallery: its name and headline numbers (from its `summary.json`). */
export type GalleryRow = { pattern: string } & Pick<RunSummary, Exclude<(typeof GALLERY_COLUMNS)[number], 'pattern'>>;

/** One pattern of a gallery: its name, the resolved config of its fit and its run folder. */
export interface GalleryEntry {
  readonly name: string;
  readonly config: FitConfig;
  readonly dir: string;
}

/** What a gallery fits, where, and how. */
export interface GalleryOptions {
  /** Built-in picture names (default {@link DEFAULT_GALLERY_PATTERNS} when no images are given either). */
  readonly patterns?: readonly string[];
  /** PNG, JPEG or .txt files, each fitted as its own pattern named after the file. */
  readonly images?: readonly string[];
  /** Gallery folder: each pattern runs in `<out>/<name>/`; the gallery files go to `<out>/`. */
  readonly out: string;
  /** Settings for every fit (config file, then flags, merged), over {@link GALLERY_DEFAULTS}. */
  readonly settings?: Partial<FitConfig>;
  /** Fits run at the same time, each in its own child process (>= 1). */
  readonly jobs: number;
  /** Node arguments that start the `mpo` CLI, before the command (e.g. `[...process.execArgv, process.argv[1]]`). */
  readonly cli: readonly string[];
  /** Node executable of the child processes (default `process.execPath`). */
  readonly execPath?: string;
  /** No progress lines. */
  readonly quiet?: boolean;
  /** Receives progress lines (default: stderr). */
  readonly log?: (line: string) => void;
}

/** Jobs by default: 2 when the machine has at least 2 cores (each fit uses one core), else 1. */
export function defaultJobs(): number {
  return availableParallelism() >= 2 ? 2 : 1;
}

/** A folder-safe name for an image pattern: its base name without extension, `[a-z0-9_-]` only. */
function imageName(path: string): string {
  const stem = basename(path, extname(path)).toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  return stem || 'image';
}

/**
 * The patterns of a gallery with their configs: defaults, {@link GALLERY_DEFAULTS}, the
 * settings, then the pattern. Names are unique (a repeated image name gets `-2`, `-3`...).
 * Throws an MpoError for an unknown built-in, a missing image, a random mask in the settings,
 * or a picture that cannot be fitted (all white, too large...).
 */
export function galleryEntries(opts: Pick<GalleryOptions, 'patterns' | 'images' | 'out' | 'settings'>): GalleryEntry[] {
  const images = opts.images ?? [];
  const patterns = opts.patterns ?? (images.length ? [] : DEFAULT_GALLERY_PATTERNS);
  check(patterns.length + images.length > 0, 'the gallery has no patterns: pass --patterns heart,ring,... or --images a.png,...');
  check(opts.settings?.randomMask == null, 'a gallery fits pictures, not random masks: remove "random-mask" from the config file or flags');
  for (const p of patterns) {
    check(isBuiltinPattern(p), `--patterns "${p}" is not a built-in picture: use ${BUILTIN_NAMES.join(', ')}; pass image files with --images`);
  }
  for (const f of images) check(existsSync(f), `--images file "${f}" does not exist: check the path (PNG, JPEG or .txt)`);
  const used = new Set<string>();
  const unique = (n: string) => {
    let name = n;
    for (let k = 2; used.has(name); k++) name = `${n}-${k}`;
    used.add(name);
    return name;
  };
  const sources = [...patterns.map((p) => ({ name: p, spec: p })), ...images.map((f) => ({ name: imageName(f), spec: resolve(f) }))];
  return sources.map(({ name, spec }) => {
    const config = resolveConfig(GALLERY_DEFAULTS, opts.settings ?? {}, { pattern: spec, randomMask: null });
    patternOf(config); // fail now, with the pattern's own message, rather than in a child process
    const n = unique(name);
    return { name: n, config, dir: join(opts.out, n) };
  });
}

/**
 * The `mpo fit` flags that give `config`: `--model` unless it is the default, and the settings
 * that differ from that model's defaults (`resolveConfig({ model })`, where `mpo fit` starts too).
 */
export function fitArgs(config: FitConfig): string[] {
  const args: string[] = [];
  const base = { ...resolveConfig({ model: config.model }), model: DEFAULT_FIT_CONFIG.model };
  for (const key of CONFIG_KEYS) {
    const v = config[key];
    const def = base[key];
    if (v === def || v === null || v === undefined) continue;
    if (typeof def === 'boolean') args.push(def ? `--no-${flagName(key)}` : `--${flagName(key)}`);
    else args.push(`--${flagName(key)}`, String(v));
  }
  return args;
}

/** The settings of a run folder's `config.json` that differ from `config` (backend and workers aside: same results), as `key a -> b`. */
function configChanges(dir: string, config: FitConfig): string[] {
  const path = join(dir, RUN_FILES.config);
  if (!existsSync(path)) return [];
  const saved = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  return CONFIG_KEYS.filter((k) => k !== 'backend' && k !== 'workers' && JSON.stringify(saved[k]) !== JSON.stringify(config[k]))
    .map((k) => `${flagName(k)} ${JSON.stringify(saved[k])} -> ${JSON.stringify(config[k])}`);
}

/** Files `mpo fit` writes before its first checkpoint: a folder holding only these can start afresh. */
const EARLY_FILES = new Set<string>([RUN_FILES.config, RUN_FILES.metrics, 'pattern.png', 'mask.png', 'pattern.txt']);

/**
 * What to do with a pattern's folder: `skip` (it has `summary.json`), `resume` (it has a
 * checkpoint) or `start` (missing, or stopped before its first checkpoint: those early files
 * are removed). Throws an MpoError for a folder holding anything else.
 */
export function prepareRunFolder(dir: string): 'skip' | 'resume' | 'start' {
  if (existsSync(join(dir, RUN_FILES.summary))) return 'skip';
  if (existsSync(join(dir, RUN_FILES.checkpoint))) return 'resume';
  if (existsSync(dir)) {
    const files = readdirSync(dir);
    const foreign = files.filter((f) => !EARLY_FILES.has(f) && !/\.tmp-/.test(f));
    check(foreign.length === 0, `gallery folder "${dir}" holds ${foreign.slice(0, 3).join(', ')} but no ${RUN_FILES.checkpoint} or ${RUN_FILES.summary}: ` +
      'it is not an mpo run; move it away or choose another --out');
    for (const f of files) rmSync(join(dir, f), { force: true }); // stopped before its first checkpoint: start again
  }
  return 'start';
}

function fmtTime(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** Reads a finished run's headline numbers. */
export function readRow(entry: Pick<GalleryEntry, 'name' | 'dir'>): GalleryRow {
  const s = JSON.parse(readFileSync(join(entry.dir, RUN_FILES.summary), 'utf8')) as RunSummary;
  const row = { pattern: entry.name } as Record<string, unknown>;
  for (const k of GALLERY_COLUMNS) if (k !== 'pattern') row[k] = s[k];
  return row as GalleryRow;
}

/** `gallery.csv`: a header line, then one line per row; numbers as JSON writes them. */
export function galleryCsv(rows: readonly GalleryRow[]): string {
  const cell = (v: unknown) => (typeof v === 'string' && /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : String(v ?? ''));
  return [GALLERY_COLUMNS.join(','), ...rows.map((r) => GALLERY_COLUMNS.map((k) => cell(r[k])).join(','))].join('\n') + '\n';
}

/** A running child fit. */
interface Job {
  entry: GalleryEntry;
  child: ChildProcess;
  started: number;
}

/**
 * Fits every pattern of the gallery, `jobs` at a time, each as `mpo fit` (or `mpo fit --resume`)
 * in a child process writing to `<out>/<name>/`; skips finished ones. Then writes
 * `gallery.png`, `gallery.csv`, `gallery.json` and `report.html` in `out`, and returns the rows.
 * A failed pattern does not stop the others; afterwards an MpoError names the failures.
 */
export async function runGallery(opts: GalleryOptions): Promise<GalleryRow[]> {
  check(Number.isInteger(opts.jobs) && opts.jobs >= 1, `--jobs is ${opts.jobs}: give a whole number >= 1`);
  const log = opts.quiet ? () => {} : (opts.log ?? ((l: string) => process.stderr.write(`${l}\n`)));
  const out = resolve(opts.out);
  const entries = galleryEntries({ ...opts, out });
  const states = new Map(entries.map((e) => [e.name, prepareRunFolder(e.dir)] as const));
  for (const e of entries) {
    const changes = states.get(e.name) === 'start' ? [] : configChanges(e.dir, e.config);
    if (changes.length) log(`warning: ${e.name} was ${states.get(e.name) === 'skip' ? 'made' : 'started'} with other settings (${changes.join(', ')}); its own config is kept: delete "${e.dir}" to redo it`);
  }
  const skipped = entries.filter((e) => states.get(e.name) === 'skip');
  const queue = entries.filter((e) => states.get(e.name) !== 'skip');
  log(`gallery: ${entries.length} patterns in ${out}, ${Math.min(opts.jobs, Math.max(1, queue.length))} at a time` +
    (skipped.length ? `; skipping finished ${skipped.map((e) => e.name).join(', ')}` : ''));
  const failures: string[] = [];
  const running = new Set<Job>();
  const t0 = Date.now();
  let done = 0;
  let interrupted = false;
  const durations: number[] = [];
  /** Seconds left: the mean wall time of a finished fit for each waiting fit and the rest of each running one, over `jobs`. */
  const eta = () => {
    const mean = durations.reduce((a, b) => a + b, 0) / durations.length;
    const waiting = queue.length - done - failures.length - running.size;
    let work = mean * waiting;
    for (const j of running) work += Math.max(0, mean - (Date.now() - j.started) / 1000);
    return work / Math.max(1, Math.min(opts.jobs, waiting + running.size));
  };
  const onSigint = () => {
    interrupted = true;
    for (const j of running) j.child.kill('SIGINT');
  };
  process.on('SIGINT', onSigint);
  const launch = (entry: GalleryEntry) => new Promise<void>((resolveJob) => {
    const resume = states.get(entry.name) === 'resume';
    // each fit's worker threads share the cores with the other jobs' (unless --workers says otherwise)
    const workers = entry.config.workers ?? Math.max(1, Math.floor(availableParallelism() / opts.jobs));
    const args = resume ? ['fit', '--resume', entry.dir, '--backend', entry.config.backend, '--quiet']
      : ['fit', ...fitArgs({ ...entry.config, workers }), '--out', entry.dir, '--quiet'];
    const child = spawn(opts.execPath ?? process.execPath, [...opts.cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    const job: Job = { entry, child, started: Date.now() };
    running.add(job);
    if (resume) log(`${entry.name}: resuming from its checkpoint`);
    let errLine = '';
    let buf = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) {
        if (/^mpo: (error|internal error):/.test(l)) errLine = l.replace(/^mpo: (error: )?/, '');
        else if (l.trim()) log(`${entry.name}: ${l}`);
      }
    });
    const finish = (why: string | null) => {
      running.delete(job);
      if (why === null) {
        done++;
        durations.push((Date.now() - job.started) / 1000);
        const row = readRow(entry);
        log(`[${done + failures.length}/${queue.length}] ${entry.name}: auc_test ${row.auc_test.toFixed(3)}, acc_diff_test ${row.acc_diff_test.toFixed(3)}` +
          ` (${fmtTime(durations[durations.length - 1])}); eta ${fmtTime(eta())}`);
      } else if (!interrupted) {
        failures.push(`${entry.name} (${why})`);
        log(`[${done + failures.length}/${queue.length}] ${entry.name}: FAILED: ${why}`);
      }
      resolveJob();
    };
    child.on('error', (e) => finish(`cannot start: ${e.message}`));
    child.on('close', (code, signal) => finish(code === 0 && existsSync(join(entry.dir, RUN_FILES.summary)) ? null
      : errLine || `exit ${signal ?? code}`));
  });
  try {
    const pending = [...queue];
    const worker = async () => {
      for (let e = pending.shift(); e && !interrupted; e = pending.shift()) await launch(e);
    };
    await Promise.all(Array.from({ length: Math.min(opts.jobs, Math.max(1, queue.length)) }, worker));
  } finally {
    process.off('SIGINT', onSigint);
  }
  const rows = entries.filter((e) => existsSync(join(e.dir, RUN_FILES.summary))).map(readRow);
  if (rows.length) writeGalleryFiles(out, entries, rows);
  if (interrupted && rows.length < entries.length) {
    throw new MpoError('interrupted: finished runs and checkpoints are kept; run the same mpo gallery command again to continue', 130);
  }
  log(`gallery: ${rows.length} of ${entries.length} patterns done in ${fmtTime((Date.now() - t0) / 1000)}; min auc_test ${rows.length ? Math.min(...rows.map((r) => r.auc_test)).toFixed(3) : '-'}` +
    `; see ${join(out, 'report.html')}`);
  if (failures.length) throw new MpoError(`gallery patterns failed: ${failures.join('; ')}: fix the cause and rerun the same command (finished patterns are skipped)`);
  return rows;
}
