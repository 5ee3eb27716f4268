import { join } from 'node:path';
import type { Command } from 'commander';
import { type FitConfig, MpoError, parseConfig } from '../core/index.js';
import { buildPlan, DEFAULT_FILLS, DEFAULT_SEEDS, defaultJobs, describePlan, describeShard, type MergeResult, mergeStudy, parseFills, parseSeeds, parseShard,
  planRuns, readConfigFile, runStudy, shardRuns, STUDY_SCALES, type StudyScale } from '../node/index.js';

function parseJobs(text: string): number {
  const v = Number(String(text).trim());
  if (!Number.isInteger(v) || v < 1 || v > 256) throw new MpoError(`--jobs is "${text}": give the number of runs at a time, a whole number in 1..256 (e.g. 2)`);
  return v;
}

/** The fit settings of `--config`, with `--backend` over them; undefined when neither is given. */
function studyOverrides(o: Record<string, string | boolean | undefined>): Partial<FitConfig> | undefined {
  const fromFile = typeof o.config === 'string' ? readConfigFile(o.config) : undefined;
  if (typeof o.backend !== 'string') return fromFile;
  return { ...fromFile, ...parseConfig({ backend: o.backend }, 'the command line') };
}

function printMerged(m: MergeResult): void {
  process.stdout.write(`${m.finding}\nresults in ${join(m.dir, 'results.csv')} and ${join(m.dir, 'summary.csv')}; open ${join(m.dir, 'report.html')}\n`);
}

/**
 * Adds `mpo study bn` (the batch-norm study of section 4.2: Figures 3 and 4) and
 * `mpo study merge DIR [DIR2 ...]` (combine shards) to the program; `interrupt` gives the Ctrl-C signal.
 */
export function registerStudy(program: Command, interrupt: () => AbortSignal): void {
  const study = program.command('study').description("reproduce the paper's experiments");
  study.command('bn')
    .description('batch-norm study (section 4.2, Figures 3 and 4): random masks fitted by the 6-conv CNN without and with batch norm')
    .option('--scale <name>', `${Object.keys(STUDY_SCALES).join(' | ')}: cpu finishes on 2 cores in about an hour, paper is the paper's setting`, 'cpu')
    .option('--out <dir>', 'study folder (default: runs/study-bn-<scale>)')
    .option('--shard <i/N|auto>', 'run only the runs whose index mod N is i-1, then merge with mpo study merge; ' +
      'auto (or auto/N) reads i and N from a SLURM job array or a Kubernetes Indexed Job (docs/cluster.md) (default: none, every run)')
    .option('--jobs <n>', 'runs at a time, each in a child process when 2 or more (default: 2 with 2 or more cores, else 1)')
    .option('--seeds <n>', 'seeds 1..n per model and fill (the seed sets the mask and the initialisation)', String(DEFAULT_SEEDS))
    .option('--fills <list>', 'fill probabilities, comma-separated', DEFAULT_FILLS.join(','))
    .option('--config <file>', 'fit settings (YAML or JSON) applied on top of the scale, e.g. "steps: 300" (default: none)')
    .option('--backend <name>', "TensorFlow.js backend of every run, as mpo fit --backend (overrides the one in --config) (default: --config's, else wasm)")
    .option('--dry-run', 'print the plan (scale, models, fills, seeds, the settings of every run) and exit without running anything')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const scale = String(o.scale) as StudyScale;
      if (!Object.prototype.hasOwnProperty.call(STUDY_SCALES, scale)) {
        throw new MpoError(`--scale is "${scale}": choose one of ${Object.keys(STUDY_SCALES).join(', ')}`);
      }
      const shard = typeof o.shard === 'string' ? parseShard(o.shard) : undefined;
      const overrides = studyOverrides(o);
      if (o.dryRun) {
        const plan = buildPlan({
          scale,
          seeds: parseSeeds(String(o.seeds)),
          fills: parseFills(String(o.fills)),
          overrides,
        });
        process.stdout.write(describePlan(plan));
        if (shard) {
          const mine = shardRuns(planRuns(plan), shard);
          process.stdout.write(`${describeShard(shard)}: ${mine.length} runs: ${mine.map((r) => r.name).join(', ')}\n`);
        }
        return;
      }
      const result = await runStudy({
        scale,
        shard,
        out: typeof o.out === 'string' ? o.out : join('runs', `study-bn-${scale}`),
        jobs: typeof o.jobs === 'string' ? parseJobs(o.jobs) : defaultJobs(),
        seeds: parseSeeds(String(o.seeds)),
        fills: parseFills(String(o.fills)),
        overrides,
        signal: interrupt(),
      });
      if (result.shardFile) {
        process.stdout.write(
          `${describeShard(shard!)}: ${result.runs} runs (${result.skipped} finished earlier); results in ${result.shardFile}\n` +
            `when every shard is done: mpo study merge ${typeof o.out === 'string' ? o.out : join('runs', `study-bn-${scale}`)} [other shard folders]\n`,
        );
      } else if (result.merged) {
        printMerged(result.merged);
      }
    });
  study.command('merge')
    .description('combine the shard results of a study (results-shard-i-of-N.csv) into DIR/results.csv, summary.csv, figures and report.html')
    .argument('<dirs...>', 'study folders: the first receives the results; others are shard folders from other machines')
    .action((dirs: string[]) => {
      printMerged(mergeStudy(dirs));
    });
}
