import * as tf from '../tf.js';
import { check } from '../errors.js';
import { frameOf } from '../plane/manifold.js';
import { logitsAtPoints, type Model } from '../models/model.js';
import { mpoLossTerms, oneHot, pointCrossEntropy } from './loss.js';
import { thetaOf, type PlaneState } from './plane-state.js';
import type { StepGradients, StepSample, TrainData } from './step.js';
import { applyAugment } from '../data/augment.js';

/**
 * Rosen's (1996) penalty on correlated errors, as mpo defines it: for K >= 2 points with logits
 * `[K, B, C]` on one batch with one-hot labels `[B, C]`, each point's error vector is
 * `e_k = softmax(logits_k) - onehot(y)`, flattened over the batch and the classes (B*C values);
 * the penalty is the mean over the K(K-1)/2 pairs i < j of the Pearson correlation of e_i and
 * e_j (centred by each vector's mean, divided by the product of the norms plus 1e-12).
 * It lies in [-1, 1]; the training objective adds `lambda` times it.
 */
export function errorCorrelationPenalty(logits: tf.Tensor3D, labels: tf.Tensor2D): tf.Scalar {
  const [k] = logits.shape;
  check(k >= 2, `the decorrelation penalty needs at least 2 points, got ${k}: give the pattern two or more black cells`);
  return tf.tidy(() => {
    const e = tf.reshape(tf.sub(tf.softmax(logits), tf.expandDims(labels, 0)), [k, -1]) as tf.Tensor2D;
    const centred = tf.sub(e, tf.mean(e, 1, true));
    const norms = tf.sqrt(tf.sum(tf.square(centred), 1)); // [K]
    const gram = tf.matMul(centred, centred, false, true); // [K, K]
    const corr = tf.div(gram, tf.add(tf.mul(tf.expandDims(norms, 1), tf.expandDims(norms, 0)), 1e-12));
    const upper = tf.tensor2d(Array.from({ length: k * k }, (_, i) => (Math.floor(i / k) < i % k ? 1 : 0)), [k, k]);
    return tf.div(tf.sum(tf.mul(corr, upper)), (k * (k - 1)) / 2) as tf.Scalar;
  });
}

/**
 * One step's gradients of eq. 3 plus `lambda` times {@link errorCorrelationPenalty} over the
 * step's black points (the ensemble members), all points in one pass (the penalty couples them,
 * so they cannot be split into chunks or over workers). A `trainLoop` gradient source.
 */
export function decorrelatedGradients(model: Model, state: PlaneState, data: TrainData, sample: StepSample,
  opts: { readonly whiteClip: number; readonly lambda: number; }): StepGradients {
  const keys = Object.keys(state.vars);
  const varList = Object.values(state.vars);
  return tf.tidy(() => {
    const batch = tf.gather(data.x, tf.tensor1d(sample.batchIdx, 'int32')) as tf.Tensor4D;
    const x = sample.augment ? applyAugment(batch, sample.augment.draw, sample.augment.options) : batch;
    const labels = oneHot(sample.batchIdx.map((i) => data.labels[i]), data.numClasses);
    let ce: tf.Tensor1D | null = null;
    const { value, grads } = tf.variableGrads(() => {
      const frame = frameOf(thetaOf(model, state));
      const logits = logitsAtPoints(model, frame, sample.points.map((p) => p.coords), x);
      const c = pointCrossEntropy(logits, labels);
      ce = tf.keep(c);
      const base = mpoLossTerms(c, sample.points.map((p) => p.white), sample.nBlack, sample.nWhite, { whiteClip: opts.whiteClip });
      if (sample.nBlack < 2 || opts.lambda === 0) return base;
      // black points come first in a step's sample
      const black = tf.slice(logits, [0, 0, 0], [sample.nBlack, -1, -1]) as tf.Tensor3D;
      return tf.add(base, tf.mul(errorCorrelationPenalty(black, labels), opts.lambda)) as tf.Scalar;
    }, varList);
    const named: Record<string, tf.Tensor> = {};
    keys.forEach((k, i) => {
      named[k] = tf.keep(grads[varList[i].name] ?? tf.zerosLike(varList[i]));
    });
    return { grads: named, loss: tf.keep(value), ce: tf.keep(ce as unknown as tf.Tensor1D) };
  });
}

/** How an ensemble of K networks does on a test set. */
export interface EnsembleMetrics {
  /** Accuracy of each member. */
  readonly pointAcc: number[];
  /** Accuracy of the ensemble: the arg max of the members' mean softmax. */
  readonly ensembleAcc: number;
  /** Mean cross-entropy of the ensemble's mean softmax. */
  readonly ensembleLoss: number;
  /** Mean over pairs of members of the correlation of their error vectors ({@link errorCorrelationPenalty}). */
  readonly meanErrorCorrelation: number;
  /** Fraction of test images on which two members disagree, averaged over pairs. */
  readonly meanDisagreement: number;
}

/** {@link EnsembleMetrics} of members' logits `[K, N, C]` against integer labels (N). */
export async function ensembleMetrics(logits: tf.Tensor3D, labels: Int32Array): Promise<EnsembleMetrics> {
  const [k, n, c] = logits.shape;
  check(labels.length === n, `ensembleMetrics: ${n} predictions but ${labels.length} labels`);
  // Everything is computed on the device, then read back in two reads (the summary numbers and the predictions).
  const [summary, predictions] = tf.tidy(() => {
    const y = tf.tensor1d(labels, 'int32');
    const probs = tf.softmax(logits);
    const pred = tf.argMax(logits, -1) as tf.Tensor2D; // [K, N]
    const pointAcc = tf.mean(tf.cast(tf.equal(pred, tf.expandDims(y, 0)), 'float32'), 1);
    const mean = tf.mean(probs, 0) as tf.Tensor2D;
    const ensembleAcc = tf.mean(tf.cast(tf.equal(tf.argMax(mean, -1), y), 'float32'));
    const onehot = tf.cast(tf.oneHot(y, c), 'float32') as tf.Tensor2D;
    const ensembleLoss = tf.neg(tf.mean(tf.sum(tf.mul(tf.log(tf.add(mean, 1e-12)), onehot), -1)));
    const corr = k >= 2 ? errorCorrelationPenalty(logits, onehot) : tf.scalar(NaN);
    return [tf.concat([tf.stack([ensembleAcc, ensembleLoss, corr]), pointAcc]), pred];
  });
  const [values, predValues] = await Promise.all([summary.data(), predictions.data()]);
  summary.dispose();
  predictions.dispose();
  const [ensembleAcc, ensembleLoss, corr] = Array.from(values.subarray(0, 3));
  const pointAcc = Array.from(values.subarray(3));
  const p = Array.from({ length: k }, (_, i) => predValues.subarray(i * n, (i + 1) * n));
  {
    let dis = 0, pairs = 0;
    for (let i = 0; i < k; i++) {
      for (let j = i + 1; j < k; j++) {
        let d = 0;
        for (let m = 0; m < n; m++) if (p[i][m] !== p[j][m]) d++;
        dis += d / n;
        pairs++;
      }
    }
    return { pointAcc, ensembleAcc, ensembleLoss, meanErrorCorrelation: corr, meanDisagreement: pairs ? dis / pairs : NaN };
  }
}
