/** What {@link estimateRemaining} needs to know about a batch of runs. */
export interface EtaInput {
  /** Wall-clock seconds of the runs that finished in this invocation (fresh runs only), with their kind (e.g. the model). */
  readonly finished: readonly { readonly kind: string; readonly seconds: number; }[];
  /** Kinds of the runs not started yet. */
  readonly waiting: readonly string[];
  /** The runs going on now: kind and seconds since each started. */
  readonly running: readonly { readonly kind: string; readonly elapsed: number; }[];
  /** Runs at a time (>= 1). */
  readonly jobs: number;
}

/**
 * Seconds until a batch is done: each waiting run takes the mean duration of the finished runs
 * of its kind (the mean of all finished runs when none of its kind has finished), each running
 * run the rest of that mean (at least 0), and the total is shared by the runs that can go at
 * once, `min(jobs, waiting + running)`. 0 when nothing is left; NaN (unknown) when no run has
 * finished yet.
 */
export function estimateRemaining(input: EtaInput): number {
  const left = input.waiting.length + input.running.length;
  if (left === 0) return 0;
  if (input.finished.length === 0) return NaN;
  const sums = new Map<string, { total: number; n: number; }>();
  let total = 0;
  for (const f of input.finished) {
    const s = sums.get(f.kind) ?? { total: 0, n: 0 };
    s.total += f.seconds;
    s.n++;
    sums.set(f.kind, s);
    total += f.seconds;
  }
  const overall = total / input.finished.length;
  const mean = (kind: string) => {
    const s = sums.get(kind);
    return s ? s.total / s.n : overall;
  };
  let work = 0;
  for (const kind of input.waiting) work += mean(kind);
  for (const r of input.running) work += Math.max(0, mean(r.kind) - r.elapsed);
  return work / Math.max(1, Math.min(Math.floor(input.jobs), left));
}
