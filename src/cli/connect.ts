import type { Command } from 'commander';
import { type FitConfig, MpoError, parseConfig, resolveConfig } from '../core/index.js';
import { CONNECT_KEYS, runConnect } from '../node/index.js';
import { settingOptions } from './setting-options.js';
import { givenFlags } from './train.js';

/** Adds `mpo connect A B`: a Bezier curve of low loss between two trained networks (Garipov et al. 2018). */
export function registerConnect(program: Command, interrupt: () => AbortSignal): void {
  const cmd = program.command('connect')
    .description('train a quadratic Bezier curve with one free bend between two networks of mpo train (end points fixed; Garipov et al. 2018)')
    .argument('<a>', 'folder of mpo train (t = 0)')
    .argument('<b>', 'folder of mpo train (t = 1)')
    .requiredOption('--out <dir>', 'output folder (bend.mpo, connect.csv, figure, summary.json, report.html)')
    .option('--points <n>', 'points of t in [0, 1] to evaluate', '21')
    .option('--quiet', 'no progress output');
  for (const key of CONNECT_KEYS) for (const option of settingOptions(key as keyof FitConfig)) cmd.addOption(option);
  cmd.action(async (a: string, b: string, opts: Record<string, unknown>) => {
    const points = Number(opts.points ?? 21);
    if (!Number.isInteger(points) || points < 2) throw new MpoError(`--points must be a whole number >= 2, got "${String(opts.points)}"`);
    const config = resolveConfig(parseConfig(givenFlags(opts, CONNECT_KEYS), 'the command line'));
    const s = await runConnect(a, b, config, { out: String(opts.out), points, quiet: !!opts.quiet, signal: interrupt() });
    process.stdout.write(
      `largest test loss: curve ${s.curve_max_test_loss.toFixed(4)} (${s.curve_ratio.toFixed(2)}x the end points' mean ${
        s.endpoints_mean_test_loss.toFixed(4)
      }), `
        + `straight line ${s.line_max_test_loss.toFixed(4)} (${s.line_ratio.toFixed(2)}x); results in ${String(opts.out)}\n`,
    );
  });
}
