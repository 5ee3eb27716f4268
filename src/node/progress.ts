import cliProgress from 'cli-progress';

/** A progress display: a bar with ETA on a terminal, plain lines otherwise. */
export interface Progress {
  /** Sets the count done and an optional short status text (e.g. `loss -1.23`). */
  update(done: number, status?: string): void;
  /** Ends the display (prints the final line). */
  stop(): void;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Label in front of the bar, e.g. `fit` or `landscape`. */
  readonly label: string;
  /** Total count. */
  readonly total: number;
  /** Stream to write to (default process.stderr). */
  readonly stream?: NodeJS.WriteStream;
  /** Force plain lines even on a terminal (default: plain when the stream is not a TTY). */
  readonly plain?: boolean;
  /** Plain mode: print a line every this fraction of the total (default 0.1). */
  readonly every?: number;
  /** Silence everything. */
  readonly quiet?: boolean;
}

/**
 * A duration for progress lines, the one format of the project: `42s`, `3m05s`, `2h07m`
 * (rounded to whole seconds, minutes from an hour on); negative values show as `0s`, and
 * NaN or infinity (unknown) as `?`.
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Creates a progress display (cli-progress on a TTY, plain lines with elapsed time and ETA otherwise). */
export function createProgress(opts: ProgressOptions): Progress {
  const stream = opts.stream ?? process.stderr;
  if (opts.quiet) return { update() {}, stop() {} };
  const start = Date.now();
  if (!opts.plain && stream.isTTY) {
    const bar = new cliProgress.SingleBar({
      format: `${opts.label.padEnd(10)} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted} | {status}`,
      stream,
      hideCursor: true,
      etaBuffer: 50,
      fps: 5,
    }, cliProgress.Presets.shades_classic);
    bar.start(opts.total, 0, { status: '' });
    return {
      update: (done, status) => bar.update(done, { status: status ?? '' }),
      stop: () => bar.stop(),
    };
  }
  const every = Math.max(1, Math.round(opts.total * (opts.every ?? 0.1)));
  let last = -1;
  let lastStatus = '';
  const line = (done: number, status: string) => {
    const el = (Date.now() - start) / 1000;
    const eta = done > 0 ? (el / done) * (opts.total - done) : NaN;
    stream.write(
      `${opts.label} ${done}/${opts.total} (${Math.round((100 * done) / opts.total)}%) elapsed ${formatDuration(el)} eta ${formatDuration(eta)}${
        status ? ` ${status}` : ''
      }\n`,
    );
  };
  return {
    update(done, status) {
      lastStatus = status ?? lastStatus;
      if (done === opts.total || Math.floor(done / every) > Math.floor(last / every)) {
        if (done !== last) line(done, lastStatus);
      }
      last = done;
    },
    stop() {
      if (last !== opts.total && last >= 0) line(last, lastStatus);
    },
  };
}
