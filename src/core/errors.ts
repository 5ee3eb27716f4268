/**
 * Errors that reach a user. Every message is one line that names the problem and
 * says what to do about it, e.g.
 * `pattern "foo.png" is all white: draw at least one black cell (low loss) in it`.
 * The CLI prints `mpo: error: <message>` and exits with a non-zero code; any other
 * exception is a bug.
 */
export class MpoError extends Error {
  /** Process exit code the CLI uses for this error. */
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message.replace(/\s*\n\s*/g, ' '));
    this.name = 'MpoError';
    this.exitCode = exitCode;
  }
}

/** Throws an {@link MpoError} with `message` unless `condition` holds. */
export function check(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) throw new MpoError(typeof message === 'function' ? message() : message);
}

/**
 * The first line of an error's message (or of `String(err)` for a non-Error), trimmed, for
 * wrapping a caught error into a one-line message; `fallback` when that line is empty.
 */
export function firstLine(err: unknown, fallback = 'unknown error'): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split(/\r?\n/)[0].trim() || fallback;
}
