import { firstLine, MpoError } from '../../core/errors.js';

/**
 * What every `mpo` process entry does around its work, shared by the CLI (`src/cli/main.ts`) and
 * the child fits of `mpo gallery` and `mpo study bn` (`fit-child.ts`): Ctrl-C, SIGTERM and SIGHUP,
 * the end of the parent, and one-line errors with an exit code.
 */

/** The signal handlers of {@link handleInterrupts}. */
export interface Interrupts {
  /**
   * The signal that the first SIGINT (or the parent's end) aborts. A work that calls this stops
   * cleanly on the first Ctrl-C; until something calls it, the first Ctrl-C exits at once.
   */
  take(): AbortSignal;
  /** Removes the handlers (the process's other code sees signals as before). */
  dispose(): void;
}

/**
 * Installs the process's signal handlers: the first SIGINT aborts the signal of {@link Interrupts.take}
 * (`mpo fit` stops between steps and saves its checkpoint; a batch starts no new run, its running
 * fits save a checkpoint), a second SIGINT, or the first when nothing took the signal, exits at
 * once with code 130. SIGTERM and SIGHUP exit through `process.exit` (codes 143, 129), so that exit
 * handlers run (run-folder locks are released). A process started with an IPC channel (a child fit
 * of `mpo gallery` or `mpo study bn`) ends when that parent is gone, however it ended: it stops at
 * the next step with a checkpoint, and in any case within 2 s; the channel alone keeps it alive.
 */
export function handleInterrupts(): Interrupts {
  const interrupt = new AbortController();
  let taken = false;
  let sigints = 0;
  const onSigint = () => {
    if (++sigints === 1 && taken) {
      process.stderr.write('\nmpo: stopping at the next checkpoint (Ctrl-C again to stop at once)\n');
      interrupt.abort();
      return;
    }
    if (taken) process.stderr.write('\nmpo: error: interrupted twice: stopped at once; the last checkpoints are kept\n');
    process.exit(130);
  };
  const onTerm = (sig: NodeJS.Signals) => process.exit(sig === 'SIGHUP' ? 129 : 143);
  const onDisconnect = () => {
    // The parent read our output through pipes that are closed now: a write must not crash this
    // process before its exit handlers release the run folder's lock.
    for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
    process.stderr.write('\nmpo: error: the parent process is gone: stopping (the last checkpoint is kept)\n');
    interrupt.abort();
    setTimeout(() => process.exit(130), 2000).unref();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onTerm);
  process.on('SIGHUP', onTerm);
  if (process.channel) {
    process.channel.unref();
    process.on('disconnect', onDisconnect);
  }
  return {
    take: () => {
      taken = true;
      return interrupt.signal;
    },
    dispose: () => {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onTerm);
      process.off('SIGHUP', onTerm);
      process.off('disconnect', onDisconnect);
    },
  };
}

/**
 * Reports an error that ended an entry's work and returns the exit code: an {@link MpoError} as
 * one line `mpo: error: <message>` (its exit code), anything else as one line
 * `mpo: internal error: <first line> (rerun with --debug ...)` (code 2), with the stack trace
 * only when `debug`. Never a stack trace otherwise.
 */
export function reportError(e: unknown, debug = false): number {
  if (e instanceof MpoError) {
    process.stderr.write(`\nmpo: error: ${e.message}\n`);
    return e.exitCode;
  }
  process.stderr.write(`\nmpo: internal error: ${firstLine(e)} (rerun with --debug for details, and please report it)\n`);
  if (debug) process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
  return 2;
}
