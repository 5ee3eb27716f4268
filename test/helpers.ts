import * as tf from '../src/node/tf-node.js';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { createRng } from '../src/core/random.js';

/** Runs tests on the cpu backend (exact, no WASM start-up); call at the top of a test file. */
export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

/** Central finite difference of a scalar function of one Float32Array entry. */
export function finiteDiff(f: () => number, arr: Float32Array, i: number, eps = 1e-2): number {
  const old = arr[i];
  arr[i] = old + eps;
  const up = f();
  arr[i] = old - eps;
  const down = f();
  arr[i] = old;
  return (up - down) / (2 * eps);
}

/** Deterministic normal tensor (mean, std) from a seed. */
export function randn(shape: number[], seed: number, mean = 0, std = 1): tf.Tensor {
  const rng = createRng(seed);
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = mean + std * rng.normal();
  return tf.tensor(values, shape);
}

/** Asserts max|a - e| <= atol + rtol * max|e|. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < actual.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  assert.ok(diff <= atol + rtol * scale, `${what}: max abs diff ${diff} > ${atol} + ${rtol} * ${scale}`);
}

/** What a run of the `mpo` command gave: exit code, stdout, stderr. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The `mpo` command as a user runs it (src/cli/main.ts through tsx, in `cwd`, without
 * `MPO_DATA_DIR`), killed after `timeout` ms: `const mpo = mpoIn(tmp); mpo('fit', '--out', 'r')`.
 */
export function mpoIn(cwd: string, timeout = 180_000, env: Record<string, string> = {}): (...args: string[]) => CliResult {
  const main = new URL('../src/cli/main.ts', import.meta.url).pathname;
  return (...args) => {
    const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), main, ...args], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, MPO_DATA_DIR: '', ...env },
      timeout,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
}

/** The one `mpo: error:` line of a failed command, asserting a non-zero exit and no stack trace. */
export function errorLine(r: Pick<CliResult, 'code' | 'stderr'>): string {
  assert.notEqual(r.code, 0, 'a non-zero exit code');
  assert.ok(!/\n\s+at /.test(r.stderr), `no stack trace in:\n${r.stderr}`);
  const err = r.stderr.split('\n').filter((l) => l.startsWith('mpo: error:'));
  assert.equal(err.length, 1, `one error line in:\n${r.stderr}`);
  return err[0]!;
}
