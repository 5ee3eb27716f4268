/**
 * A worker thread of the pool: its own single-threaded TensorFlow.js backend, its own copy of
 * the data, and the model; it computes gradients and landscape points for the theta it is sent.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '../tf-node.js';
import { MpoError } from '../../core/errors.js';
import { createModel } from '../../core/models/registry.js';
import { computeFrame } from '../../core/plane/manifold.js';
import { evaluatePoints } from '../../core/landscape/evaluate.js';
import { stateFromValues, thetaOf, type PlaneState } from '../../core/training/plane-state.js';
import { mpoGradients } from '../../core/training/step.js';
import { oneHot } from '../../core/training/loss.js';
import type { ParamValues } from '../../core/plane/params.js';
import { initBackend } from '../backend.js';
import type { SharedTheta, WorkerInit, WorkerReply, WorkerRequest } from './protocol.js';
import { flatten } from '../../core/training/adam.js';
import { applyAugment } from '../../core/data/augment.js';

const init = workerData as WorkerInit;
const port = parentPort!;
const model = createModel(init.model, init.ctx);
const data = new Map<string, { x: tf.Tensor4D; labels: Int32Array; }>();
let state: PlaneState | null = null;

/** Loads the shared theta into the worker's variables (created on first use). */
function loadTheta(shared: SharedTheta): PlaneState {
  const flat = new Float32Array(shared.buffer);
  const theta: ParamValues = {};
  let at = 0;
  shared.keys.forEach((k, i) => {
    theta[k] = flat.slice(at, at + shared.sizes[i]); // a copy: no tensor may alias the buffer the pool rewrites
    at += shared.sizes[i];
  });
  if (!state) {
    state = stateFromValues(model.params, theta, init.dims, [1, 2, 3, 4], 0);
  } else {
    for (const [k, v] of Object.entries(theta)) state.vars[k].assign(tf.tensor(v, state.vars[k].shape, 'float32'));
  }
  return state;
}

function reply(msg: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port.postMessage(msg, transfer);
}

async function handle(req: WorkerRequest): Promise<void> {
  if (req.kind === 'data') {
    data.get(req.name)?.x.dispose();
    data.set(req.name, { x: tf.tensor4d(req.data.images, req.data.shape), labels: req.data.labels });
    reply({ id: req.id, kind: 'done' });
  } else if (req.kind === 'gradients') {
    const t0 = performance.now();
    const s = loadTheta(req.theta);
    const train = data.get('train')!;
    const x = tf.tidy(() => {
      const batch = tf.gather(train.x, tf.tensor1d(req.batchIdx, 'int32')) as tf.Tensor4D;
      return req.augment ? applyAugment(batch, req.augment.draw, req.augment.options) : batch;
    });
    const labels = oneHot(req.batchIdx.map((i) => train.labels[i]), init.numClasses);
    try {
      const g = mpoGradients(model, s, x, labels, req.points, req.nBlack, req.nWhite, { whiteClip: req.whiteClip, chunkSize: req.chunkSize });
      const flat = flatten(g.grads, req.theta.keys);
      for (const t of Object.values(g.grads)) t.dispose();
      const [grads, loss, ce] = await Promise.all([flat.data(), g.loss.data(), g.ce.data()]);
      for (const t of [flat, g.loss, g.ce]) t.dispose();
      const out = Float32Array.from(grads);
      reply({ id: req.id, kind: 'gradients', grads: out, loss: loss[0], ce: Float32Array.from(ce), ms: performance.now() - t0 }, [out.buffer]);
    } finally {
      x.dispose();
      labels.dispose();
    }
  } else {
    const s = loadTheta(req.theta);
    const set = data.get(req.data)!;
    const { frame, dispose } = computeFrame(thetaOf(model, s));
    try {
      const r = await evaluatePoints(model, frame, req.coords, set, { batchSize: req.batchSize, pointsPerPass: req.pointsPerPass });
      reply({ id: req.id, kind: 'evaluate', loss: r.loss, acc: r.acc }, [r.loss.buffer as ArrayBuffer, r.acc.buffer as ArrayBuffer]);
    } finally {
      dispose();
    }
  }
}

let queue = Promise.resolve();
port.on('message', (req: WorkerRequest) => {
  queue = queue.then(() => handle(req)).catch((e: Error) => {
    reply({ id: req.id, kind: 'error', message: e.message, mpo: e instanceof MpoError, exitCode: e instanceof MpoError ? e.exitCode : 2 });
  });
});

initBackend(init.backend).then(
  () => reply({ id: 0, kind: 'ready' }),
  (e: Error) => reply({ id: 0, kind: 'error', message: e.message, mpo: e instanceof MpoError, exitCode: 1 }),
);
