import { existsSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { resolveConfig, type FitConfig } from '../../core/config.js';
import { check, MpoError } from '../../core/errors.js';
import { BUILTIN_NAMES, isBuiltinPattern } from '../../core/pattern/builtins.js';
import { configChanges, planFits, runFits, type JobsResult } from '../jobs/index.js';
import { describeShard, shardItems, type Shard } from '../jobs/shard.js';
import { formatDuration } from '../progress.js';
import { writeGalleryFiles } from './gallery-figure.js';
import { readRow, type GalleryEntry, type GalleryRow } from './gallery-rows.js';
import { RUN_FILES } from './folder.js';
import { runPatternOf } from './setup.js';

export { GALLERY_COLUMNS, galleryCsv, readRow, type GalleryEntry, type GalleryRow } from './gallery-rows.js';

/** Folders of a gallery besides the patterns' (each fit's config, each child process's output). */
const GALLERY_FOLDERS = ['configs', 'logs'];

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
  /** Fits run at the same time (>= 1): each in its own child process, or one after another in this process for 1. */
  readonly jobs: number;
  /** Node arguments that start the `mpo` CLI, before the command (default: the CLI next to this module). */
  readonly cli?: readonly string[];
  /** Node executable of the child processes (default `process.execPath`). */
  readonly execPath?: string;
  /** No progress lines. */
  readonly quiet?: boolean;
  /** Receives progress lines (default: stderr). */
  readonly log?: (line: string) => void;
  /** Aborting it (the CLI's Ctrl-C) starts no further fit; running ones stop at a checkpoint; then an MpoError (exit 130). */
  readonly signal?: AbortSignal;
  /**
   * Fit only this shard's patterns (those whose position in the gallery mod N is i - 1) and write no
   * gallery files: shards share `out` (or are copied into one), and the same gallery run without a
   * shard once all are done skips every finished fit and draws the whole gallery.
   */
  readonly shard?: Shard;
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
  const used = new Set<string>(GALLERY_FOLDERS); // a pattern named "logs" goes to logs-2/
  const unique = (n: string) => {
    let name = n;
    for (let k = 2; used.has(name); k++) name = `${n}-${k}`;
    used.add(name);
    return name;
  };
  const sources = [...patterns.map((p) => ({ name: p, spec: p })), ...images.map((f) => ({ name: imageName(f), spec: resolve(f) }))];
  return sources.map(({ name, spec }) => {
    const config = resolveConfig(GALLERY_DEFAULTS, opts.settings ?? {}, { pattern: spec, randomMask: null });
    runPatternOf(config); // fail now, with the pattern's own message (or the manifold's), rather than in a child process
    const n = unique(name);
    return { name: n, config, dir: join(opts.out, n) };
  });
}

/**
 * Fits every pattern of the gallery with the batch-jobs module (src/node/jobs), `jobs` at a
 * time, each as `mpo fit` (or `mpo fit --resume`) writing to `<out>/<name>/` (its config in
 * `<out>/configs/`, a child process's output in `<out>/logs/`); skips finished ones. Then writes
 * `gallery.png`, `gallery.csv`, `gallery.json` and `report.html` in `out`, and returns the rows.
 * A failed pattern does not stop the others; afterwards an MpoError names the failures.
 * With a shard, fits only the shard's patterns, returns their rows and writes no gallery files
 * (see {@link GalleryOptions.shard}).
 */
export async function runGallery(opts: GalleryOptions): Promise<GalleryRow[]> {
  check(Number.isInteger(opts.jobs) && opts.jobs >= 1, `--jobs is ${opts.jobs}: give a whole number >= 1`);
  const log = opts.quiet ? () => {} : (opts.log ?? ((l: string) => process.stderr.write(`${l}\n`)));
  const out = resolve(opts.out);
  const all = galleryEntries({ ...opts, out }); // every shard names and checks all patterns alike
  const entries = shardItems(all, opts.shard);
  const jobs = planFits(entries, 'gallery folder');
  for (const j of jobs) {
    const changes = j.state === 'fresh' ? [] : configChanges(j.dir, j.config);
    if (changes.length) {
      log(
        `warning: ${j.name} was ${j.state === 'finished' ? 'made' : 'started'} with other settings (${
          changes.join(', ')
        }); its own config is kept: delete "${j.dir}" to redo it`,
      );
    }
  }
  const skipped = jobs.filter((j) => j.state === 'finished');
  const which = opts.shard ?
    `${describeShard(opts.shard)}: ${entries.length} of ${all.length} patterns (${entries.map((e) => e.name).join(', ') || 'none'})` :
    `${entries.length} patterns`;
  log(`gallery: ${which} in ${out}, ${Math.min(opts.jobs, Math.max(1, jobs.length - skipped.length))} at a time` +
    (skipped.length ? `; skipping finished ${skipped.map((e) => e.name).join(', ')}` : ''));
  const finishedRows = () => entries.filter((e) => existsSync(join(e.dir, RUN_FILES.summary))).map(readRow);
  let result: JobsResult;
  try {
    result = await runFits(jobs, {
      jobs: opts.jobs,
      signal: opts.signal,
      log,
      configDir: join(out, 'configs'),
      logDir: join(out, 'logs'),
      command: opts.cli,
      execPath: opts.execPath,
      interrupted: 'interrupted: finished runs and checkpoints are kept; run the same mpo gallery command again to continue',
    });
  } catch (e) {
    if (e instanceof MpoError && e.exitCode === 130) {
      const rows = finishedRows(); // what was finished before Ctrl-C is drawn
      if (rows.length && !opts.shard) writeGalleryFiles(out, entries, rows);
    }
    throw e;
  }
  const rows = finishedRows();
  if (rows.length && !opts.shard) writeGalleryFiles(out, entries, rows);
  const minAuc = rows.length ? Math.min(...rows.map((r) => r.auc_test)).toFixed(3) : '-';
  const next = opts.shard
    ? '; when every shard is done, run the same mpo gallery command without --shard to draw the gallery (finished patterns are skipped)'
    : `; see ${join(out, 'report.html')}`;
  const shardTag = opts.shard ? `shard ${opts.shard.index}/${opts.shard.count}: ` : '';
  log(`gallery: ${shardTag}${rows.length} of ${entries.length} patterns done in ${formatDuration(result.seconds)}; min auc_test ${minAuc}${next}`);
  if (result.failures.length) {
    throw new MpoError(`gallery patterns failed: ${result.failures.map((f) => `${f.name} (${f.reason})`).join('; ')}: ` +
      'fix the cause and rerun the same command (finished patterns are skipped)');
  }
  return rows;
}
