import type { Command } from 'commander';
import { CONFIG_KEYS, DEFAULT_FIT_CONFIG, type FitConfig, MpoError, parseConfig } from '../core/index.js';
import { DEFAULT_GALLERY_PATTERNS, defaultJobs, describeShard, GALLERY_DEFAULTS, parseShard, readConfigFile, runGallery } from '../node/index.js';
import { settingOptions } from './setting-options.js';

/** Config keys a gallery sets itself: the pattern per row, and its size through `--size`. */
const OWN_KEYS = new Set<keyof FitConfig>(['pattern', 'patternSize', 'randomMask']);

function list(v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  const items = String(v).split(',').map((s) => s.trim()).filter(Boolean);
  if (!items.length) throw new MpoError(`the list "${String(v)}" is empty: pass names separated by commas, e.g. heart,ring`);
  return items;
}

/** Adds `mpo gallery`: fit several pictures, each in its own folder, then draw them together; `interrupt` gives the Ctrl-C signal. */
export function registerGallery(program: Command, interrupt: () => AbortSignal): void {
  const cmd = program.command('gallery')
    .description('fit several pictures (built-ins and your images) and draw all their landscapes in one figure')
    .option('--patterns <list>', `built-in pictures, comma-separated (default: ${DEFAULT_GALLERY_PATTERNS.join(',')} when no --images)`)
    .option('--images <list>', 'PNG, JPEG or .txt files, comma-separated, each fitted as its own pattern (default: none)')
    .option('--size <n>', `cells per side of each pattern (default: ${GALLERY_DEFAULTS.patternSize ?? DEFAULT_FIT_CONFIG.patternSize})`)
    .option('--out <dir>', 'gallery folder; a rerun skips finished patterns and resumes stopped ones', 'runs/gallery')
    .option('--config <file>', 'JSON or YAML config for every fit (flags override it) (default: none)')
    .option('--jobs <n>', 'fits running at the same time, one child process each (default: 2 on >= 2 cores, else 1)')
    .option('--shard <i/N|auto>', 'fit only the patterns whose position mod N is i-1, no gallery files; auto (or auto/N) reads i and N from a ' +
      'SLURM job array or Kubernetes Indexed Job; afterwards the same command without --shard draws the gallery (docs/cluster.md) (default: none, every pattern and the gallery)')
    .option('--quiet', 'no progress output');
  // Every other setting as mpo fit shows it (range, default, per-model defaults), with the gallery's own defaults.
  for (const key of CONFIG_KEYS) {
    if (OWN_KEYS.has(key)) continue;
    for (const option of settingOptions(key, GALLERY_DEFAULTS, key === 'workers' ? 'cores / jobs per fit' : undefined)) cmd.addOption(option);
  }
  cmd.action(async (opts: Record<string, unknown>) => {
    const { patterns, images, size, out, config: file, jobs, quiet, shard: shardText, ...rest } = opts;
    const flags: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(rest)) if (v !== undefined) flags[k] = v;
    if (size !== undefined) flags.patternSize = size;
    const fromFile = file ? readConfigFile(String(file)) : {};
    const settings = { ...fromFile, ...parseConfig(flags, 'the command line') };
    const nJobs = jobs === undefined ? defaultJobs() : Number(jobs);
    if (!Number.isInteger(nJobs) || nJobs < 1) throw new MpoError(`--jobs is "${String(jobs)}": give a whole number >= 1`);
    const shard = shardText === undefined ? undefined : parseShard(String(shardText));
    const rows = await runGallery({
      patterns: list(patterns),
      images: list(images),
      out: String(out),
      settings,
      jobs: nJobs,
      quiet: !!quiet,
      signal: interrupt(),
      shard,
    });
    const w = Math.max(7, ...rows.map((r) => r.pattern.length));
    const n = (v: number | undefined, width: number) => (typeof v === 'number' ? v.toFixed(4) : 'n/a').padStart(width);
    process.stdout.write(
      `${'pattern'.padEnd(w)}  auc_test  bowl_auc  acc_diff_test  log_loss_gap_train_test\n` +
        rows.map((r) => `${r.pattern.padEnd(w)}  ${n(r.auc_test, 8)}  ${n(r.bowl_auc, 8)}  ${n(r.acc_diff_test, 13)}  ${n(r.log_loss_gap_train_test, 23)}\n`)
          .join('') +
        (shard
          ? `${describeShard(shard)}: ${rows.length} patterns done in ${String(out)}; ` +
            'when every shard is done, run the same command without --shard to draw the gallery\n'
          : `results in ${String(out)} (open ${String(out)}/report.html)\n`),
    );
  });
}
