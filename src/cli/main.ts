#!/usr/bin/env node
import { Command } from 'commander';
import { CONFIG_KEYS, type FitConfig, flagName, MpoError, parseConfig, resolveConfig } from '../core/index.js';
import { folderKind, handleInterrupts, readConfigFile, readRunConfig, reportError, resumeConfigOf, RUN_FILES, runEval, runFit } from '../node/index.js';
import { runPatternsCommand } from './patterns.js';
import { registerGallery } from './gallery.js';
import { registerExport } from './export.js';
import { settingHelpText, settingOptions } from './setting-options.js';
import { registerStudy } from './study.js';
import { registerConnect } from './connect.js';
import { registerTrain } from './train.js';
import { registerView } from './view.js';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';

/**
 * The settings of `--config FILE`: a YAML or JSON file, or the `config.json` of a run folder, read
 * as `mpo eval` and `--resume` read it ({@link readRunConfig}: a line's or volume's run made before
 * its config.json named the manifold's pattern is read as the pattern it fitted), so that
 * `mpo fit --config DIR/config.json` repeats any run.
 */
function configFileLayer(file: string): Partial<FitConfig> {
  const dir = dirname(file);
  return basename(file) === RUN_FILES.config && folderKind(dir) === 'fit' ? readRunConfig(dir) : readConfigFile(file);
}

/** `path` relative to the working folder when it lies inside it (as the user would type it), else absolute. */
function relativeOrAbsolute(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

function defaultOut(config: FitConfig): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  const base = (path: string) => path.replace(/[\\/]+$/, '').replace(/^.*[\\/]/, '').replace(/\.[a-z]+$/i, '');
  const name = config.randomMask !== null ? `random${config.randomMask}` : base(config.pattern);
  // a --model file is named by its folder (model.json is everyone's name), e.g. runs/heart-my-net-<time>
  const folder = base(dirname(config.model));
  const model = !/\.json$/i.test(config.model) ? config.model : folder && folder !== '.' ? folder : base(config.model);
  return join('runs', `${name}-${model}-${stamp}`);
}

/**
 * The headline numbers of a summary, then in brackets the seconds: a fit's training seconds, or,
 * for `mpo eval` (`evalOf`), the evaluation's own seconds beside the training seconds of the fit
 * it re-drew.
 */
function summaryLine(s: Record<string, unknown>, evalOf?: string): string {
  const f = (k: string) => (typeof s[k] === 'number' ? (s[k] as number).toFixed(3) : String(s[k]));
  const secs = (k: string) => (typeof s[k] === 'number' ? (s[k] as number).toFixed(1) : '?');
  const time = evalOf === undefined ? `${f('seconds')} s` : `eval ${secs('eval_seconds')} s; the fit in ${evalOf} trained ${secs('seconds')} s`;
  return `auc_test ${f('auc_test')}  acc_black_test ${f('acc_black_test')}  acc_white_test ${f('acc_white_test')}  acc_diff_test ${
    f('acc_diff_test')
  }  (${time})${s.untrained ? '\nnote: the plane is untrained (--steps 0): these numbers describe its initialisation' : ''}`;
}

/**
 * Builds the `mpo` command line. `interrupt` gives the signal that Ctrl-C aborts (see
 * {@link main}); a command that calls it stops cleanly on the first Ctrl-C.
 */
export function buildProgram(interrupt: () => AbortSignal = () => new AbortController().signal): Command {
  const program = new Command('mpo')
    .description('Multi-point optimization: shape and see the loss landscape of neural networks')
    .showHelpAfterError('(run with --help for usage)')
    .option('--debug', 'print stack traces of internal errors');

  registerFit(program, interrupt);
  registerEval(program);
  program.command('patterns')
    .description('list the built-in pictures and write their previews')
    .option('--out <dir>', 'folder for the previews', 'patterns')
    .option('--size <n>', 'cells per side', '24')
    .action((o: { out: string; size: string; }) => runPatternsCommand(o.out, o.size));
  registerGallery(program, interrupt);
  registerExport(program);
  registerStudy(program, interrupt);
  registerTrain(program, interrupt);
  registerView(program);
  registerConnect(program, interrupt);
  return program;
}

/** Adds `mpo fit`: a new run from `--config` and the settings' flags, or `--resume DIR`; prints the summary line. */
function registerFit(program: Command, interrupt: () => AbortSignal): void {
  const fit = program.command('fit')
    .description('fit a plane in weight space so that its loss landscape draws a pattern (a picture); with --manifold line, a 1D strip ' +
      '(--pattern 1d:##..##..##), with --manifold volume, a 3D pattern (--pattern cube-frame, ball, sphere-shell or a .txt grid of slices)')
    .option('--config <file>', 'JSON or YAML config file (flags override it) (default: none, the defaults below)')
    .option('--out <dir>', 'output folder (default: runs/<pattern>-<model>-<time>)')
    .option('--resume <dir>', 'continue the run in this folder from its last checkpoint, with its own config.json (default: none, a new run)')
    .option('--quiet', 'no progress output');
  // Every setting of the table (src/core/settings.ts) with its help, range, default and per-model defaults.
  for (const key of CONFIG_KEYS) for (const option of settingOptions(key)) fit.addOption(option);
  fit.action(async (opts: Record<string, unknown>) => {
    const { config: file, out, resume, quiet, ...rest } = opts;
    const flags: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(rest)) if (v !== undefined) flags[k] = v;
    if (resume) {
      const extra = Object.keys(flags).filter((k) => k !== 'backend');
      if (extra.length || file) {
        throw new MpoError(
          `--resume continues a run with its own config.json: drop ${[...extra.map((k) => `--${flagName(k)}`), ...(file ? ['--config'] : [])].join(', ')}`,
        );
      }
      const config = resumeConfigOf(String(resume), parseConfig(flags, 'the command line'));
      const s = await runFit(config, { out: String(resume), resume: true, quiet: !!quiet, signal: interrupt() });
      if (s) process.stdout.write(`${summaryLine(s as unknown as Record<string, unknown>)}\nresults in ${resume}\n`);
      return;
    }
    const config = resolveConfig(file ? configFileLayer(String(file)) : {}, parseConfig(flags, 'the command line'));
    const dir = out ? String(out) : defaultOut(config);
    const s = await runFit(config, { out: dir, quiet: !!quiet, signal: interrupt() });
    if (s) process.stdout.write(`${summaryLine(s as unknown as Record<string, unknown>)}\nresults in ${dir} (open ${join(dir, 'report.html')})\n`);
  });
}

/** Adds `mpo eval DIR`: the landscapes of a saved run re-drawn; prints the summary line. */
function registerEval(program: Command): void {
  program.command('eval')
    .description('re-draw the train and test landscapes of a saved plane (or line or volume), e.g. at another padding or resolution')
    .argument('<dir>', 'output folder of mpo fit')
    .option('--out <dir>', 'where to write (default: <dir>/eval-p<padding>-r<resolution>)')
    .option('--padding <n>', settingHelpText('evalPadding', {}, "the run's --eval-padding"))
    .option('--resolution <n>', settingHelpText('evalResolution', {}, "the run's --eval-resolution"))
    .option('--images <n>', settingHelpText('evalImages', {}, "the run's --eval-images"))
    .option('--backend <name>', settingHelpText('backend', {}, "the run's --backend"))
    .option('--force', "allow --out to be the fit's own folder, replacing its summary.json, landscape/ and report.html")
    .option('--quiet', 'no progress output')
    .action(async (dir: string, o: Record<string, string | boolean | undefined>) => {
      const parsed = parseConfig({
        ...(o.padding !== undefined ? { evalPadding: o.padding } : {}),
        ...(o.resolution !== undefined ? { evalResolution: o.resolution } : {}),
        ...(o.images !== undefined ? { evalImages: o.images } : {}),
        ...(o.backend !== undefined ? { backend: o.backend } : {}),
      }, 'the command line');
      const s = await runEval({
        dir,
        out: o.out as string | undefined,
        padding: parsed.evalPadding,
        resolution: parsed.evalResolution,
        images: parsed.evalImages,
        backend: parsed.backend,
        force: !!o.force,
        quiet: !!o.quiet,
      });
      const out = relativeOrAbsolute(s.out);
      process.stdout.write(`${summaryLine(s as unknown as Record<string, unknown>, dir)}\nresults in ${out} (open ${join(out, 'report.html')})\n`);
    });
}

/**
 * Runs the CLI: one-line errors, a non-zero exit code, never a stack trace unless --debug.
 * Ctrl-C is handled here, once ({@link handleInterrupts}): the first SIGINT aborts the signal of
 * the commands that took it (`mpo fit` stops between steps and saves its checkpoint; `mpo gallery`,
 * `mpo study bn`: no new run starts, running fits save a checkpoint, exit code 130); a second
 * SIGINT, or the first during a command that did not take it, exits at once with code 130.
 */
export async function main(argv: string[]): Promise<number> {
  const interrupts = handleInterrupts();
  const program = buildProgram(() => interrupts.take());
  program.exitOverride();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    const err = e as Error & { code?: string; exitCode?: number; };
    if (err.code?.startsWith('commander.')) return err.exitCode ?? 1;
    return reportError(e, argv.includes('--debug'));
  } finally {
    interrupts.dispose();
  }
}

if (process.argv[1] && /cli[\\/]main\.(ts|js)$/.test(process.argv[1])) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
