import * as tf from '@tensorflow/tfjs-core';
import { cellCoordsOf, checkCellIndex, computeFrame, logitsAtPoints, type Session, thetaOf } from '../../src/core/index.js';
import type { TestData } from './worker-setup.js';

/** What the probe shows: the images (28x28 grey, concatenated), their labels, the predicted classes and their probabilities. */
export interface ProbeResult {
  cell: number;
  pixels: Uint8Array;
  size: number;
  labels: number[];
  predicted: number[];
  confidence: number[];
}

/** The predictions of the network at `cell` of the session for the test images `probeIdx` (read asynchronously). */
export async function probeCell(session: Session, test: TestData, probeIdx: readonly number[], cell: number): Promise<ProbeResult> {
  checkCellIndex(cell, session.shape);
  const coords = cellCoordsOf(cell, session.shape);
  const idx = tf.tensor1d(probeIdx as number[], 'int32');
  const x = tf.gather(test.x, idx) as tf.Tensor4D;
  const { frame, dispose } = computeFrame(thetaOf(session.model, session.state));
  try {
    const probs = tf.tidy(() => tf.softmax(tf.squeeze(logitsAtPoints(session.model, frame, [coords], x), [0]) as tf.Tensor2D));
    const p = await probs.data();
    probs.dispose();
    const classes = session.model.numClasses;
    const size = 28 * 28;
    const pixels = new Uint8Array(probeIdx.length * size);
    const predicted: number[] = [];
    const confidence: number[] = [];
    probeIdx.forEach((t, i) => {
      pixels.set(test.pixels.subarray(t * size, (t + 1) * size), i * size);
      let best = 0;
      for (let k = 1; k < classes; k++) if (p[i * classes + k]! > p[i * classes + best]!) best = k;
      predicted.push(best);
      confidence.push(p[i * classes + best]!);
    });
    return { cell, pixels, size: 28, labels: probeIdx.map((t) => test.labels[t]!), predicted, confidence };
  } finally {
    dispose();
    x.dispose();
    idx.dispose();
  }
}
