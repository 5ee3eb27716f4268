import type { Command } from 'commander';
import { type FitConfig, MpoError, parseConfig, resolveConfig } from '../core/index.js';
import { readConfigFile, runTrain, TRAIN_KEYS } from '../node/index.js';
import { settingOptions } from './setting-options.js';

/** Flags given on the command line (commander leaves absent ones undefined). */
export function givenFlags(opts: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const flags: Record<string, unknown> = {};
  for (const k of keys) if (opts[k] !== undefined) flags[k] = opts[k];
  return flags;
}

/** Adds `mpo train`: one ordinary network trained with Adam, saved as a checkpoint for `mpo view` and `mpo connect`. */
export function registerTrain(program: Command, interrupt: () => AbortSignal): void {
  const cmd = program.command('train')
    .description('train one ordinary network with Adam (a 0-dimensional manifold) and save it: the end points of mpo connect and mpo view')
    .requiredOption('--out <dir>', 'output folder (config.json, checkpoint.mpo, summary.json, report.html)')
    .option('--config <file>', 'JSON or YAML config file (flags override it) (default: none, the defaults below)')
    .option('--save-path <n>', 'keep the weights every N steps (and at step 0 and the last) as path.npy + path.json, for mpo view path ' +
      '(default: none, no path is kept)')
    .option('--quiet', 'no progress output');
  for (const key of TRAIN_KEYS) for (const option of settingOptions(key as keyof FitConfig)) cmd.addOption(option);
  cmd.action(async (opts: Record<string, unknown>) => {
    const config = resolveConfig(opts.config ? readConfigFile(String(opts.config)) : {}, parseConfig(givenFlags(opts, TRAIN_KEYS), 'the command line'));
    const savePath = opts.savePath === undefined ? undefined : Number(opts.savePath);
    if (savePath !== undefined && (!Number.isInteger(savePath) || savePath < 1)) {
      throw new MpoError(`--save-path must be a whole number of steps >= 1, got "${String(opts.savePath)}"`);
    }
    const s = await runTrain(config, { out: String(opts.out), savePath, quiet: !!opts.quiet, signal: interrupt() });
    process.stdout.write(
      `test_loss ${s.test_loss.toFixed(4)}  test_acc ${s.test_acc.toFixed(4)}  (uniform ${
        s.uniform_loss.toFixed(3)
      }, chance ${s.chance_acc})  ${s.seconds} s\nnetwork in ${String(opts.out)}${
        s.path_snapshots ? ` (with its training path: ${s.path_snapshots} snapshots)` : ''
      }\n`,
    );
  });
}
