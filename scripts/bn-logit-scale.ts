/**
 * How the initialisation changes the batch-norm study's two models at the start (issue 22): the
 * scale of w_O's logits (root mean square of the logits centred per image, on the first 256 test
 * images in batches of 16, as the study evaluates) under Xavier and He, seeds 1-5, both models.
 * Writes docs/bn-open/logit-scale.csv.
 *
 *   node --import tsx scripts/bn-logit-scale.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MODELS } from '../src/core/models/registry.js';
import { initParamValues, toParamSet } from '../src/core/plane/params.js';
import { createRng } from '../src/core/random.js';
import * as tf from '../src/core/tf.js';
import { initBackend } from '../src/node/backend.js';
import { loadDataset } from '../src/node/data/dataset.js';

await initBackend('wasm');
const test = await loadDataset('fashion-mnist-subset', 'test', { limit: 256 });
const images = test.images as unknown as ArrayLike<number>;
const x = tf.tensor4d(Float32Array.from(Array.prototype.slice.call(images, 0, 256 * 784) as number[]), [256, 28, 28, 1]);
const lines = ['model,init,seed,logit_rms'];
for (const m of ['plain-cnn6-small', 'bn-cnn-small']) {
  const model = MODELS[m].create({ inputShape: [28, 28, 1], numClasses: 10 });
  for (const init of ['xavier', 'he'] as const) {
    for (let seed = 1; seed <= 5; seed++) {
      // createPlaneState draws w_O first from the seed's generator: the same values.
      const w = toParamSet(model.params, initParamValues(model.params, createRng(seed), init));
      let sum = 0;
      for (let i = 0; i < 256; i += 16) {
        sum += tf.tidy(() => {
          const l = model.forward(w, tf.slice(x, [i, 0, 0, 0], [16, -1, -1, -1]));
          return tf.mean(tf.square(tf.sub(l, tf.mean(l, 1, true)))).dataSync()[0];
        });
      }
      for (const t of Object.values(w)) t.dispose();
      lines.push(`${m},${init},${seed},${Math.sqrt(sum / 16).toFixed(6)}`);
    }
  }
}
const out = fileURLToPath(new URL('../docs/bn-open/', import.meta.url));
mkdirSync(out, { recursive: true });
writeFileSync(`${out}logit-scale.csv`, lines.join('\n') + '\n');
console.log(lines.join('\n'));
