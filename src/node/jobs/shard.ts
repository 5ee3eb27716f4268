import { MpoError } from '../../core/errors.js';

/**
 * Shards of a batch (`mpo study bn --shard`, `mpo gallery --shard`): shard i of N (1-based) takes
 * the items whose position mod N is i - 1. `--shard i/N` names it; `--shard auto` reads it from the
 * job array the process runs in:
 *
 * - SLURM job array (`sbatch --array=0-9`): index `SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN`
 *   (divided by `SLURM_ARRAY_TASK_STEP` when set), count `SLURM_ARRAY_TASK_COUNT`. Arrays may start
 *   anywhere (`--array=1-10` works too), but must be one contiguous range (a step is allowed) of
 *   all N tasks: to run only some shards, pass `--shard i/N` instead.
 * - Kubernetes Indexed Job (`completionMode: Indexed`): index `JOB_COMPLETION_INDEX` (0-based).
 *   Kubernetes puts no count in the environment, so the manifest sets `MPO_SHARD_COUNT` to the
 *   Job's `completions` (or the command says `--shard auto/N`).
 *
 * Every count given (`auto/N`, `MPO_SHARD_COUNT`, `SLURM_ARRAY_TASK_COUNT`) must agree, so that a
 * manifest whose count drifted from its array size fails at once instead of silently skipping runs.
 */

/** A shard: 1-based index i of N. */
export interface Shard {
  readonly index: number;
  readonly count: number;
  /** Where `--shard auto` found it, for logs (e.g. `SLURM_ARRAY_TASK_ID=3, SLURM_ARRAY_TASK_COUNT=4`); absent for `i/N`. */
  readonly source?: string;
}

/** Environment variables as `process.env` holds them. */
export type ShardEnv = Readonly<Record<string, string | undefined>>;

/** The variable a Kubernetes manifest sets to the Job's `completions` (Kubernetes does not export it). */
export const SHARD_COUNT_VAR = 'MPO_SHARD_COUNT';

/** The value of `name`, or undefined when unset or blank. */
function value(env: ShardEnv, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** A whole number >= `min` from a variable (its name in the error). */
function whole(text: string, name: string, min: number, what: string): number {
  const v = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(v) || v < min) throw new MpoError(`${name} is "${text}": expected a whole number >= ${min} (${what})`);
  return v;
}

/**
 * The shard of this process in a SLURM job array or a Kubernetes Indexed Job, read from `env`
 * (see the module comment); `count` is N of `--shard auto/N`. Throws a one-line MpoError naming
 * the variable that is missing, malformed or out of range, and what to set.
 */
export function shardFromEnv(env: ShardEnv, count?: number): Shard {
  const slurmId = value(env, 'SLURM_ARRAY_TASK_ID'), k8sIndex = value(env, 'JOB_COMPLETION_INDEX');
  if (slurmId !== undefined && k8sIndex !== undefined) {
    throw new MpoError('--shard auto found both SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX set: unset the one that does not apply, or pass --shard i/N');
  }
  if (slurmId === undefined && k8sIndex === undefined) {
    throw new MpoError('--shard auto found neither SLURM_ARRAY_TASK_ID (sbatch --array) nor JOB_COMPLETION_INDEX (Kubernetes Indexed Job): ' +
      'run it as a task of a job array, or pass --shard i/N');
  }
  const counts: { name: string; n: number; }[] = [];
  if (count !== undefined) counts.push({ name: `--shard auto/${count}`, n: count });
  const own = value(env, SHARD_COUNT_VAR);
  if (own !== undefined) counts.push({ name: SHARD_COUNT_VAR, n: whole(own, SHARD_COUNT_VAR, 1, 'the number of shards') });
  let index: number, from: string, fix: string;
  if (slurmId !== undefined) {
    const id = whole(slurmId, 'SLURM_ARRAY_TASK_ID', 0, 'set by sbatch --array');
    const minText = value(env, 'SLURM_ARRAY_TASK_MIN'), stepText = value(env, 'SLURM_ARRAY_TASK_STEP');
    const min = minText === undefined ? 0 : whole(minText, 'SLURM_ARRAY_TASK_MIN', 0, 'set by sbatch --array');
    const step = stepText === undefined ? 1 : whole(stepText, 'SLURM_ARRAY_TASK_STEP', 1, 'set by sbatch --array');
    const countText = value(env, 'SLURM_ARRAY_TASK_COUNT');
    if (countText !== undefined) counts.push({ name: 'SLURM_ARRAY_TASK_COUNT', n: whole(countText, 'SLURM_ARRAY_TASK_COUNT', 1, 'set by sbatch --array') });
    if (id < min || (id - min) % step !== 0) {
      throw new MpoError(`SLURM_ARRAY_TASK_ID=${id} is not in the range SLURM_ARRAY_TASK_MIN=${min}, step ${step}: ` +
        'submit one contiguous array (e.g. --array=0-9), or pass --shard i/N');
    }
    index = (id - min) / step;
    from = `SLURM_ARRAY_TASK_ID=${id}${minText === undefined ? '' : `, SLURM_ARRAY_TASK_MIN=${min}`}${
      stepText === undefined ? '' : `, SLURM_ARRAY_TASK_STEP=${step}`
    }`;
    fix = 'submit the array with N tasks (sbatch --array=0-<N-1>)';
    if (counts.length === 0) {
      throw new MpoError(`SLURM_ARRAY_TASK_COUNT is not set: pass --shard auto/N or set ${SHARD_COUNT_VAR}=N, N the array's number of tasks`);
    }
  } else {
    index = whole(k8sIndex!, 'JOB_COMPLETION_INDEX', 0, 'set by a Kubernetes Indexed Job');
    from = `JOB_COMPLETION_INDEX=${index}`;
    fix = `set ${SHARD_COUNT_VAR} to the Job's completions`;
    if (counts.length === 0) {
      throw new MpoError(`${SHARD_COUNT_VAR} is not set: Kubernetes does not export the Job's completions, so set env ${SHARD_COUNT_VAR} ` +
        'to spec.completions in the manifest (or pass --shard auto/N)');
    }
  }
  const n = counts[0].n;
  const other = counts.find((c) => c.n !== n);
  if (other) {
    throw new MpoError(`${counts[0].name} says ${n} shards but ${other.name} says ${other.n}: make them equal (${fix})`);
  }
  if (index >= n) throw new MpoError(`${from} gives shard index ${index}, outside 0..${n - 1} for ${n} shards (${counts[0].name}): ${fix}`);
  return { index: index + 1, count: n, source: `${from}, ${counts.map((c) => (c.name.startsWith('--') ? c.name : `${c.name}=${c.n}`)).join(', ')}` };
}

/**
 * Parses `--shard`: `i/N` (1 <= i <= N), `auto` (read from `env`, see {@link shardFromEnv}) or
 * `auto/N` (index from `env`, N given). `env` defaults to `process.env`.
 */
export function parseShard(text: string, env: ShardEnv = process.env): Shard {
  const auto = /^\s*auto\s*(?:\/\s*(\S*)\s*)?$/.exec(String(text));
  if (auto) {
    if (auto[1] === undefined) return shardFromEnv(env);
    const n = /^\d+$/.test(auto[1]) ? Number(auto[1]) : NaN;
    if (!(n >= 1)) throw new MpoError(`--shard is "${text}": give auto/N with N the number of shards, a whole number >= 1 (e.g. auto/4)`);
    return shardFromEnv(env, n);
  }
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(String(text));
  if (!m) {
    throw new MpoError(`--shard is "${text}": give i/N with whole numbers 1 <= i <= N, e.g. --shard 1/4, ` +
      'or auto inside a SLURM job array or Kubernetes Indexed Job');
  }
  const index = Number(m[1]), count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) {
    throw new MpoError(`--shard ${index}/${count} is out of range: i must be in 1..N (here 1..${Math.max(count, 1)})`);
  }
  return { index, count };
}

/** True when the item at `position` (0-based) belongs to `shard`: position mod N is i - 1. */
export function inShard(position: number, shard: Shard): boolean {
  return position % shard.count === shard.index - 1;
}

/** The items of one shard (all of them without a shard), in order. */
export function shardItems<T>(items: readonly T[], shard?: Shard): T[] {
  return shard ? items.filter((_, i) => inShard(i, shard)) : [...items];
}

/** `shard 2/4` and, for `--shard auto`, where it came from: for log lines. */
export function describeShard(shard: Shard): string {
  return `shard ${shard.index}/${shard.count}${shard.source ? ` (${shard.source})` : ''}`;
}
