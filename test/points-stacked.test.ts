// The CNNs' stacked-points forward pass (`points: 'stacked'`): K points of the plane in a number
// of kernels that does not grow with K, equal to the per-point loop; and its ops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '../src/node/tf-node.js';
import '@tensorflow/tfjs-backend-wasm';
import { createCnn, type CnnOptions } from '../src/core/models/cnn.js';
import { withInputPool } from '../src/core/models/study-models.js';
import { logitsAtPoints, type Model } from '../src/core/models/model.js';
import { frameOf, pointsAt } from '../src/core/plane/manifold.js';
import { createPlaneState, disposePlaneState, thetaOf } from '../src/core/training/plane-state.js';
import { CORE_GRADIENTS } from '../src/core/gradients.js';
import { batchNorm } from '../src/core/ops/batch-norm.js';
import { patches } from '../src/core/ops/patches.js';
import { mixPoints, pointCoefficients, pointsBatchNorm } from '../src/core/ops/points.js';
import { assertClose, randn, useCpu } from './helpers.js';

await useCpu();

/** The paper's CNN, small enough for the cpu backend: 12x12 inputs, pools to 6, 3, 1. */
const PAPER: CnnOptions = { inputShape: [12, 12, 1], numClasses: 4, channels: [3, 5, 6], hidden: 7 };
/** The 6-conv model with batch norm (no pooling), reduced. */
const BN6: CnnOptions = { inputShape: [5, 5, 2], numClasses: 3, channels: [2, 2, 4, 4, 6, 6], pool: false, batchNorm: true, hidden: 5 };

/** K coordinates in d dimensions, spread over [-2, 2]. */
function coordsOf(k: number, d: number): number[][] {
  return Array.from({ length: k }, (_, i) => Array.from({ length: d }, (_, j) => 2 * Math.sin(1.3 * i + 0.7 * j + 0.2)));
}

/** The per-point loop that `logitsAtPoints` runs for a model without `forwardPoints`. */
function loopLogits(model: Model, frame: ReturnType<typeof frameOf>, coords: number[][], x: tf.Tensor4D): tf.Tensor3D {
  return tf.stack(pointsAt(frame, coords).map((w) => model.forward(w, x))) as tf.Tensor3D;
}

/** Logits and the gradients of sum(logits * up) with respect to every theta variable, by the loop or stacked. */
function logitsAndGrads(opts: CnnOptions, stacked: boolean, d: number, k: number, b: number): { logits: Float32Array; grads: Float32Array[]; } {
  const model = createCnn({ ...opts, points: stacked ? 'stacked' : 'loop' });
  const state = createPlaneState(model, { seed: 11, scaleInit: 0.4, dims: d });
  try {
    return tf.tidy(() => {
      const x = randn([b, ...model.inputShape], 5) as tf.Tensor4D;
      const coords = coordsOf(k, d);
      const run = (): tf.Tensor3D => {
        const frame = frameOf(thetaOf(model, state));
        return stacked ? model.forwardPoints!(frame, coords, x) : loopLogits(model, frame, coords, x);
      };
      const logits = run();
      const up = randn(logits.shape, 6);
      const vars = Object.values(state.vars);
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(run(), up)) as tf.Scalar, vars);
      return { logits: logits.dataSync() as Float32Array, grads: vars.map((v) => (grads[v.name] ?? tf.zerosLike(v)).dataSync() as Float32Array) };
    });
  } finally {
    disposePlaneState(state);
  }
}

/** Asserts the stacked pass equals the loop: logits to 1e-5 relative, gradients to 1e-4 of the largest. */
function assertStackedEqualsLoop(opts: CnnOptions, d: number, what: string, k = 3, b = 3): void {
  const loop = logitsAndGrads(opts, false, d, k, b);
  const stacked = logitsAndGrads(opts, true, d, k, b);
  assertClose(stacked.logits, loop.logits, 1e-5, 0, `${what}: logits`);
  // Biases right before batch norm have a zero gradient (up to rounding): compare on the scale of all gradients.
  const largest = Math.max(...loop.grads.map((g) => g.reduce((m, v) => Math.max(m, Math.abs(v)), 0)));
  assert.ok(largest > 0, `${what}: gradients are not all zero`);
  loop.grads.forEach((g, i) => assertClose(stacked.grads[i]!, g, 1e-4, 1e-5 * largest, `${what}: gradient ${i}`));
}

test('stacked points equal the per-point loop for the paper CNN on a line, a plane and a volume', () => {
  for (const d of [1, 2, 3]) assertStackedEqualsLoop(PAPER, d, `paper CNN, d = ${d}`);
});

test('stacked points equal the loop for the 6-conv BN model in both bnScale conventions, and without BN', () => {
  assertStackedEqualsLoop(BN6, 2, 'BN, paper');
  assertStackedEqualsLoop({ ...BN6, bnScale: 'original' }, 2, 'BN, original');
  assertStackedEqualsLoop({ ...BN6, bnScale: 'original' }, 3, 'BN, original, d = 3');
  assertStackedEqualsLoop({ ...BN6, batchNorm: false }, 1, 'no BN, d = 1');
});

test('stacked points equal the loop for a single network (d = 0), one point, and a pass split by maxStackedElements', () => {
  assertStackedEqualsLoop(PAPER, 0, 'd = 0', 2);
  assertStackedEqualsLoop(PAPER, 2, 'K = 1', 1);
  // The first layer's 3 blocks of 3 channels on 12x12 images: 1,296 elements per image, so 2,000
  // elements do not fit a point of a batch of 3: five passes of one point each.
  assertStackedEqualsLoop({ ...PAPER, maxStackedElements: 2000 }, 2, 'split', 5);
});

test('withInputPool keeps a stacked inner model stacked and equal to its loop', () => {
  const inner = createCnn({ ...BN6, inputShape: [3, 3, 2], points: 'stacked' });
  const model = withInputPool(inner, { name: 'pooled', description: 'pooled', inputShape: [6, 6, 2], factor: 2 });
  assert.ok(model.forwardPoints);
  const state = createPlaneState(model, { seed: 2, scaleInit: 0.3 });
  tf.tidy(() => {
    const frame = frameOf(thetaOf(model, state));
    const x = randn([4, 6, 6, 2], 3) as tf.Tensor4D;
    const coords = coordsOf(3, 2);
    assertClose(logitsAtPoints(model, frame, coords, x).dataSync(), loopLogits(model, frame, coords, x).dataSync(), 1e-5, 0, 'pooled');
  });
  disposePlaneState(state);
});

/** The kernels of `f` as tf.profile lists them (read at once: tf.profile reuses its result object). */
async function kernelsOf(f: () => tf.Tensor): Promise<{ name: string; inputs: number; }[]> {
  const info = await tf.profile(() => tf.tidy(f));
  return info.kernels.map((k) => ({ name: k.name, inputs: k.inputShapes.length }));
}

/** The kernels of one forward and backward pass (frame included) at K points. */
async function stepKernels(opts: CnnOptions, stacked: boolean, k: number): Promise<{ name: string; inputs: number; }[]> {
  const model = createCnn({ ...opts, points: stacked ? 'stacked' : 'loop' });
  const state = createPlaneState(model, { seed: 1, scaleInit: 0.5 });
  const x = randn([2, ...model.inputShape], 1) as tf.Tensor4D;
  try {
    return await kernelsOf(() => {
      const vars = Object.values(state.vars);
      const { value, grads } = tf.variableGrads(() => tf.sum(logitsAtPoints(model, frameOf(thetaOf(model, state)), coordsOf(k, 2), x)) as tf.Scalar, vars);
      return tf.stack([value, ...Object.values(grads).map((g) => tf.sum(g))]);
    });
  } finally {
    disposePlaneState(state);
    x.dispose();
  }
}

test('a stacked forward and backward pass runs the same kernels for 4, 8 and 16 points, never an addN of 8 or more', async (t) => {
  for (const [opts, what] of [[PAPER, 'paper CNN'], [BN6, '6-conv BN']] as const) {
    const counts: number[] = [];
    for (const k of [4, 8, 16]) {
      const kernels = await stepKernels(opts, true, k);
      counts.push(kernels.length);
      const wide = kernels.filter((kk) => kk.name === 'AddN' && kk.inputs >= 8);
      assert.equal(wide.length, 0, `${what}, K = ${k}: an addN of ${wide[0]?.inputs} inputs (WebGPU returns zeros from 8)`);
    }
    assert.deepEqual(counts, [counts[0], counts[0], counts[0]], `${what}: kernels for K = 4, 8, 16`);
    // The loop's count grows with K (about 155 kernels a point for the paper CNN); both share
    // the frame's (Gram-Schmidt and its gradient: about 750).
    const loop = [(await stepKernels(opts, false, 4)).length, (await stepKernels(opts, false, 8)).length];
    t.diagnostic(`${what}: ${counts[0]} kernels stacked for any K; the loop ${loop[0]} for 4 points, ${loop[1]} for 8`);
    assert.ok(counts[0]! < loop[1]! && loop[1]! - loop[0]! > 400, `${what}: ${counts[0]} kernels stacked, ${loop} as a loop of 4 and 8 points`);
  }
});

test('the stacked pass needs only the gradients src/core/gradients.ts registers', () => {
  const kept = new Set(CORE_GRADIENTS.map((g) => g.kernelName));
  const src = readFileSync(join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-core')), 'register_all_gradients.js'), 'utf8');
  const all = [...src.matchAll(/gradients\/(\w+)_grad'/g)].map((m) => m[1]!);
  assert.ok(all.length > 90, `found ${all.length} gradient kernels`);
  const saved = all.map((k) => tf.getGradient(k)).filter((g) => g !== undefined);
  for (const k of all) if (!kept.has(k)) tf.unregisterGradient(k);
  try {
    assertStackedEqualsLoop(PAPER, 2, 'paper CNN, core gradients only', 2, 2);
    assertStackedEqualsLoop(BN6, 1, 'BN, core gradients only', 2, 2);
  } finally {
    for (const g of saved) tf.registerGradient(g);
  }
});

/**
 * Runs `f` on a stand-in GPU backend: the cpu backend's kernels registered under the name
 * `webgpu`, so that `tf.getBackend()` says 'webgpu' and the code takes its GPU paths.
 */
async function onStandInWebgpu(f: () => void | Promise<void>): Promise<void> {
  const cpu = tf.findBackend('cpu') as tf.KernelBackend;
  const kernels = tf.getKernelsForBackend('cpu');
  assert.equal(tf.findBackend('webgpu'), null, 'no real webgpu backend in this test process');
  tf.registerBackend('webgpu', () => new (cpu.constructor as new() => tf.KernelBackend)());
  for (const k of kernels) tf.registerKernel({ ...k, backendName: 'webgpu' });
  try {
    assert.equal(await tf.setBackend('webgpu'), true);
    await f();
  } finally {
    await tf.setBackend('cpu');
    for (const k of kernels) tf.unregisterKernel(k.kernelName, 'webgpu');
    tf.removeBackend('webgpu');
  }
}

test("points: 'auto' loops on cpu and wasm and stacks on a GPU backend, read at each access (also through withInputPool)", async () => {
  const auto = createCnn(PAPER);
  const pooled = withInputPool(createCnn({ ...PAPER, inputShape: [6, 6, 1] }), { name: 'p', description: 'p', inputShape: [12, 12, 1], factor: 2 });
  assert.equal(createCnn({ ...PAPER, points: 'loop' }).forwardPoints, undefined);
  assert.equal(typeof createCnn({ ...PAPER, points: 'stacked' }).forwardPoints, 'function');
  for (const backend of ['cpu', 'wasm']) {
    assert.equal(await tf.setBackend(backend), true);
    assert.equal(auto.forwardPoints, undefined, backend);
    assert.equal(pooled.forwardPoints, undefined, `${backend}, pooled`);
  }
  await tf.setBackend('cpu');
  await onStandInWebgpu(() => {
    assert.equal(typeof auto.forwardPoints, 'function');
    assert.equal(typeof pooled.forwardPoints, 'function');
  });
  assert.equal(auto.forwardPoints, undefined, 'back on cpu');
  assert.throws(() => createCnn({ points: 'fast' as never }), { name: 'MpoError', message: /^cnn: points must be 'auto', 'loop' or 'stacked', got "fast"$/ });
  assert.throws(() => createCnn({ maxStackedElements: 0 }), { name: 'MpoError', message: /^cnn: maxStackedElements must be a positive integer, got 0$/ });
});

test('on a GPU backend a training step through the stacked pass never reads back (no dataSync/arraySync) and matches cpu', async () => {
  const cases: [CnnOptions, string][] = [[PAPER, 'paper CNN'], [{ ...BN6, bnScale: 'original' }, '6-conv BN']];
  const expected = cases.map(([opts]) => logitsAndGrads(opts, false, 2, 3, 3));
  await onStandInWebgpu(() => {
    const proto = tf.Tensor.prototype as unknown as Record<string, unknown>;
    const saved = { dataSync: proto.dataSync, arraySync: proto.arraySync };
    const results: { logits: tf.Tensor; grads: tf.Tensor[]; }[] = [];
    proto.dataSync = proto.arraySync = () => {
      throw new Error('a synchronous read in the forward or backward pass');
    };
    try {
      for (const [opts] of cases) {
        const model = createCnn(opts);
        assert.ok(model.forwardPoints, 'auto stacks on webgpu');
        const state = createPlaneState(model, { seed: 11, scaleInit: 0.4, dims: 2 });
        const x = randn([3, ...model.inputShape], 5) as tf.Tensor4D;
        const coords = coordsOf(3, 2);
        const logits = logitsAtPoints(model, frameOf(thetaOf(model, state)), coords, x);
        const up = randn(logits.shape, 6);
        const vars = Object.values(state.vars);
        const { grads } = tf.variableGrads(() => tf.sum(tf.mul(logitsAtPoints(model, frameOf(thetaOf(model, state)), coords, x), up)) as tf.Scalar, vars);
        results.push({ logits, grads: vars.map((v) => grads[v.name] ?? tf.zerosLike(v)) });
      }
    } finally {
      Object.assign(proto, saved);
    }
    const got = results.map((r) => ({ logits: r.logits.dataSync() as Float32Array, grads: r.grads.map((g) => g.dataSync() as Float32Array) }));
    got.forEach((g, i) => {
      assertClose(g.logits, expected[i]!.logits, 1e-5, 0, `${cases[i]![1]}: logits`);
      const largest = Math.max(...expected[i]!.grads.map((e) => e.reduce((m, v) => Math.max(m, Math.abs(v)), 0)));
      g.grads.forEach((gr, j) => assertClose(gr, expected[i]!.grads[j]!, 1e-4, 1e-5 * largest, `${cases[i]![1]}: gradient ${j}`));
    });
  });
});

test('patches: a 3x3 and a 5x5 convolution as patches times the filter, and its gradient', () => {
  tf.tidy(() => {
    for (const k of [3, 5, 1]) {
      const x = randn([2, 5, 4, 3], k) as tf.Tensor4D;
      const filter = randn([k, k, 3, 4], 10 + k) as tf.Tensor4D;
      const cols = patches(x, k);
      assert.deepEqual(cols.shape, [2, 5, 4, 3 * k * k]);
      const asProduct = tf.matMul(tf.reshape(cols, [40, 3 * k * k]) as tf.Tensor2D,
        tf.reshape(tf.transpose(filter, [2, 0, 1, 3]), [3 * k * k, 4]) as tf.Tensor2D);
      assertClose(asProduct.dataSync(), tf.conv2d(x, filter, 1, 'same').dataSync(), 1e-5, 1e-6, `${k}x${k} conv`);
      // The gradient of a linear op: its adjoint, checked against autodiff of the same conv.
      const up = randn([2, 5, 4, 4], 20 + k);
      const viaPatches = tf.grad((xs: tf.Tensor) =>
        tf.sum(
          tf.mul(
            tf.reshape(
              tf.matMul(tf.reshape(patches(xs as tf.Tensor4D, k), [40, 3 * k * k]) as tf.Tensor2D,
                tf.reshape(tf.transpose(filter, [2, 0, 1, 3]), [3 * k * k, 4]) as tf.Tensor2D),
              [2, 5, 4, 4],
            ),
            up,
          ),
        )
      )(x);
      const viaConv = tf.grad((xs: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(xs as tf.Tensor4D, filter, 1, 'same'), up)))(x);
      assertClose(viaPatches.dataSync(), viaConv.dataSync(), 1e-5, 1e-6, `${k}x${k} gradient`);
    }
  });
  assert.throws(() => patches(tf.zeros([2, 2, 2, 2]) as tf.Tensor4D, 2), { name: 'MpoError',
    message: /^patches: the window side must be a positive odd integer, got 2$/ });
  assert.throws(() => patches(tf.zeros([2, 2, 2]) as unknown as tf.Tensor4D), { name: 'MpoError', message: /^patches: x must be a 4D tensor/ });
});

test('pointsBatchNorm equals batchNorm per point, values and gradients', () => {
  tf.tidy(() => {
    const [k, m, c] = [3, 10, 4];
    const x = tf.add(tf.mul(randn([k, m, c], 1), 3), 2) as tf.Tensor3D;
    const gamma = randn([k, c], 2) as tf.Tensor2D;
    const beta = randn([k, c], 3) as tf.Tensor2D;
    const up = randn([k, m, c], 4);
    const stackedGrads = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(pointsBatchNorm(a as tf.Tensor3D, g as tf.Tensor2D, b as tf.Tensor2D), up))
    )([x, gamma, beta]);
    const perPoint = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor =>
      tf.stack(
        Array.from({ length: k }, (_, i) =>
          batchNorm(tf.reshape(tf.slice(a, [i, 0, 0], [1, m, c]), [m, c]), tf.reshape(tf.slice(g, [i, 0], [1, c]), [c]) as tf.Tensor1D,
            tf.reshape(tf.slice(b, [i, 0], [1, c]), [c]) as tf.Tensor1D)),
      );
    assertClose(pointsBatchNorm(x, gamma, beta).dataSync(), perPoint(x, gamma, beta).dataSync(), 1e-5, 1e-6, 'values');
    const loopGrads = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(perPoint(a, g, b), up)))([x, gamma, beta]);
    ['x', 'gamma', 'beta'].forEach((name, i) => assertClose(stackedGrads[i]!.dataSync(), loopGrads[i]!.dataSync(), 1e-4, 1e-5, name));
  });
  assert.throws(() => pointsBatchNorm(tf.zeros([2, 3, 4]) as tf.Tensor3D, tf.zeros([2, 3]) as tf.Tensor2D, tf.zeros([2, 4]) as tf.Tensor2D), {
    name: 'MpoError',
    message: /^pointsBatchNorm: gamma must have shape \[2, 4\], got \[2,3\]$/,
  });
});

test('mixPoints and pointCoefficients give each point its weights', () => {
  tf.tidy(() => {
    const coef = pointCoefficients([[1, 2], [0, -1]], tf.scalar(0.5), 2);
    assert.deepEqual(Array.from(coef.dataSync()), [1, 0.5, 1, 1, 0, -0.5]);
    const sets = [tf.tensor2d([[1, 2, 3]]), tf.tensor2d([[10, 20, 30]]), tf.tensor2d([[100, 200, 300]])];
    const mixed = mixPoints(coef, sets, [1, 0]);
    assert.deepEqual(mixed.shape, [2, 3, 1]);
    assertClose(mixed.dataSync(), [106, 212, 318, -49, -98, -147], 1e-6, 0, 'mixed');
    assert.deepEqual(Array.from(pointCoefficients([[], []], tf.scalar(2), 0).dataSync()), [1, 1]);
  });
  assert.throws(() => pointCoefficients([[1]], tf.scalar(1), 2), { name: 'MpoError',
    message: /^coordinates have 1 entries but the manifold has 2 directions$/ });
  assert.throws(() => mixPoints(tf.ones([2, 2]) as tf.Tensor2D, [tf.ones([3])]), { name: 'MpoError',
    message: /^mixPoints: coef \[2,2\] must have one column per tensor \(1\)$/ });
});
