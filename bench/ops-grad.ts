/**
 * Speed check (printed, not asserted) of the custom-gradient ops in src/core/ops against plain
 * TF.js autodiff on the WASM backend. Run with `npx tsx bench/ops-grad.ts`.
 *
 * Each figure is the median wall time of a forward + backward pass (`tf.grads` of a sum)
 * after warm-up, results read back. Plain autodiff cannot compute the conv2d weight gradient on
 * WASM (no Conv2DBackpropFilter kernel), so for conv2d the autodiff column is dx only, while the
 * custom op computes dx and dW (and dW alone with `inputGrad: false`).
 */
import * as tf from '../src/node/tf-node.js';
import { initBackend } from '../src/node/backend.js';
import { batchNorm, conv2d, maxPool2x2 } from '../src/core/ops/index.js';

type Shape4 = [number, number, number, number];

/** Median wall time in ms of `fn` over `runs` runs after `warmup` runs; reads the results back. */
function time(fn: () => tf.Tensor[], runs = 9, warmup = 2): number {
  const times: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const start = performance.now();
    tf.tidy(() => {
      for (const t of fn()) t.dataSync();
    });
    if (i >= warmup) times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const ms = (t: number): string => `${t.toFixed(1)} ms`;

function benchConv(x: tf.Tensor4D, f: tf.Tensor4D, pad: 'same' | 'valid'): void {
  const forward = time(() => [tf.conv2d(x, f, 1, pad)]);
  const customBoth = time(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(conv2d(a as tf.Tensor4D, b as tf.Tensor4D, undefined, { pad })))([x, f]));
  const customW = time(() => tf.grads((b: tf.Tensor) => tf.sum(conv2d(x, b as tf.Tensor4D, undefined, { pad, inputGrad: false })))([f]));
  const autoDx = time(() => tf.grads((a: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, f, 1, pad)))([x]));
  console.log(
    `conv2d x [${x.shape}] -> ${f.shape[3]} ch ${f.shape[0]}x${f.shape[1]} ${pad}: forward ${ms(forward)} | ` +
      `custom dx+dW ${ms(customBoth)}, custom dW only ${ms(customW)} | autodiff dx only ${ms(autoDx)} (dW fails on wasm)`,
  );
}

function benchPool(x: tf.Tensor4D): void {
  const custom = time(() => tf.grads((a: tf.Tensor) => tf.sum(maxPool2x2(a as tf.Tensor4D)))([x]));
  const auto = time(() => tf.grads((a: tf.Tensor) => tf.sum(tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid')))([x]));
  console.log(`maxPool2x2 x [${x.shape}]: custom ${ms(custom)} | tf.maxPool autodiff ${ms(auto)} (wrong for all-negative windows on wasm)`);
}

function benchBatchNorm(x: tf.Tensor4D): void {
  const c = x.shape[3];
  const g = tf.ones([c]) as tf.Tensor1D;
  const b = tf.zeros([c]) as tf.Tensor1D;
  const custom = time(() =>
    tf.grads((a: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.square(batchNorm(a, gg as tf.Tensor1D, bb as tf.Tensor1D))))([x, g, b])
  );
  const auto = time(() =>
    tf.grads((a: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => {
      const { mean, variance } = tf.moments(a, [0, 1, 2]);
      return tf.sum(tf.square(tf.add(tf.mul(tf.mul(tf.sub(a, mean), tf.rsqrt(tf.add(variance, 1e-5))), gg), bb)));
    })([x, g, b])
  );
  console.log(`batchNorm x [${x.shape}]: custom ${ms(custom)} | autodiff through tf.moments ${ms(auto)}`);
  tf.dispose([g, b]);
}

async function main(): Promise<void> {
  await initBackend('wasm');
  console.log(`backend ${tf.getBackend()}, tfjs-core ${tf.version_core}; forward + backward, median ms`);
  const convCases: Array<{ x: Shape4; f: Shape4; }> = [
    { x: [128, 28, 28, 1], f: [3, 3, 1, 8] },
    { x: [128, 14, 14, 8], f: [3, 3, 8, 32] },
  ];
  for (const c of convCases) {
    for (const pad of ['valid', 'same'] as const) {
      const x = tf.randomNormal(c.x, 0, 1, 'float32', 1) as tf.Tensor4D;
      const f = tf.randomNormal(c.f, 0, 0.3, 'float32', 2) as tf.Tensor4D;
      benchConv(x, f, pad);
      tf.dispose([x, f]);
    }
  }
  for (const shape of [[128, 26, 26, 8], [128, 11, 11, 32]] as Shape4[]) {
    const x = tf.randomNormal(shape, 0, 1, 'float32', 3) as tf.Tensor4D;
    benchPool(x);
    x.dispose();
  }
  for (const shape of [[128, 28, 28, 8], [128, 28, 28, 32]] as Shape4[]) {
    const x = tf.randomNormal(shape, 0, 1, 'float32', 4) as tf.Tensor4D;
    benchBatchNorm(x);
    x.dispose();
  }
}

await main();
