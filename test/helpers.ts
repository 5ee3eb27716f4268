import * as tf from '@tensorflow/tfjs';

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
