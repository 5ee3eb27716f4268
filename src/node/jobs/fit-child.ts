/**
 * The entry of a child fit of `mpo gallery` and `mpo study bn` ({@link runFits} with two or more
 * jobs): a Node process that calls {@link runFit} directly, without the CLI. Arguments, as
 * {@link fitChildArgs} writes them:
 *
 *     fit-child.(ts|js) --config <file> --out <dir>       a fresh run from the job's config file
 *     fit-child.(ts|js) --resume <dir> --backend <name>   a stopped run, from its own config.json
 *
 * It behaves as `mpo fit ... --quiet` did: the lock of the run folder, its notes and warnings on
 * stderr (the parent prefixes them with the run's name), a one-line `mpo: error: ...` and a non-zero
 * exit code on failure, Ctrl-C (SIGINT) saves a checkpoint and exits 130, and the process ends when
 * its parent is gone (the IPC channel closes, see {@link handleInterrupts}).
 */
import { parseConfig, resolveConfig, type FitConfig } from '../../core/config.js';
import { MpoError } from '../../core/errors.js';
import { readConfigFile } from '../config-file.js';
import { resumeConfigOf, runFit } from '../run/fit.js';
import { handleInterrupts, reportError } from './entry.js';
import { summaryText, type fitChildArgs, type runFits } from './fit-jobs.js';

/** What a child fit does: a fresh run from a config file, or the resume of a folder with a backend. */
export type FitChildTask =
  | { readonly kind: 'fresh'; readonly config: string; readonly out: string; }
  | { readonly kind: 'resume'; readonly dir: string; readonly backend: string; };

/** Reads the arguments of {@link fitChildArgs}; an MpoError names anything else. */
export function parseFitChildArgs(args: readonly string[]): FitChildTask {
  const [a, x, b, y, ...rest] = args;
  if (rest.length === 0 && a === '--config' && b === '--out' && x && y) return { kind: 'fresh', config: x, out: y };
  if (rest.length === 0 && a === '--resume' && b === '--backend' && x && y) return { kind: 'resume', dir: x, backend: y };
  throw new MpoError(`fit-child: arguments "${args.join(' ')}" are not --config FILE --out DIR or --resume DIR --backend NAME: ` +
    'start child fits through runFits (mpo gallery, mpo study bn)');
}

/** The config a task runs with: its file resolved as `mpo fit --config` does, or the folder's own with the backend over it. */
function configOf(task: FitChildTask): FitConfig {
  if (task.kind === 'fresh') return resolveConfig(readConfigFile(task.config));
  return resumeConfigOf(task.dir, parseConfig({ backend: task.backend }, 'the child fit'));
}

/**
 * Runs one child fit from `args` ({@link parseFitChildArgs}) and returns the process's exit code:
 * 0 when the run finished (or a resumed run had nothing left to train), else the error's code
 * (130 when interrupted) after its one-line report.
 */
export async function fitChildMain(args: readonly string[]): Promise<number> {
  const interrupts = handleInterrupts();
  try {
    const task = parseFitChildArgs(args);
    const config = configOf(task);
    const out = task.kind === 'fresh' ? task.out : task.dir;
    const summary = await runFit(config, { out, resume: task.kind === 'resume', quiet: true, signal: interrupts.take() });
    // for the run's log file (the parent reads summary.json)
    if (summary) process.stdout.write(`${summaryText(summary as unknown as Record<string, unknown>)}\nresults in ${out}\n`);
    return 0;
  } catch (e) {
    return reportError(e);
  } finally {
    interrupts.dispose();
  }
}

if (process.argv[1] && /jobs[\\/]fit-child\.(ts|js)$/.test(process.argv[1])) {
  fitChildMain(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
