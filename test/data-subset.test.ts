import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { loadDataset } from '../src/node/data/dataset.js';
import { SUBSET_TEST_SIZE, SUBSET_TRAIN_SIZE, subsetDir } from '../src/node/data/subset.js';

const dir = subsetDir();
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const GZ = ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz', 'train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'];

test('the shipped files are all there', () => {
  assert.deepEqual(readdirSync(dir).sort(), ['LICENSE', 'README.md', 'SHA256SUMS', ...GZ]);
  assert.match(readFileSync(join(dir, 'LICENSE'), 'utf8'), /^MIT License\n\nCopyright \(c\) 2017 Zalando SE\n\nPermission is hereby granted/);
});

test('the shipped files match SHA256SUMS (.gz files and their uncompressed contents)', () => {
  const lines = readFileSync(join(dir, 'SHA256SUMS'), 'utf8').trim().split('\n');
  assert.equal(lines.length, 8);
  const checked = new Set<string>();
  for (const line of lines) {
    const m = /^([0-9a-f]{64}) {2}(\S+)$/.exec(line);
    assert.ok(m, `malformed SHA256SUMS line: ${line}`);
    const [, want, name] = m;
    const bytes = name.endsWith('.gz') ? readFileSync(join(dir, name)) : gunzipSync(readFileSync(join(dir, name + '.gz')));
    assert.equal(sha(bytes), want, name);
    checked.add(name);
  }
  assert.deepEqual([...checked].sort(), [...GZ, ...GZ.map((g) => g.slice(0, -3))].sort());
});

test('train: the first 10,000 official examples, all 10 classes', async (t) => {
  const t0 = performance.now();
  const d = await loadDataset('fashion-mnist-subset', 'train', { allowDownload: false });
  const ms = performance.now() - t0;
  assert.deepEqual([d.n, d.height, d.width, d.channels, d.numClasses], [SUBSET_TRAIN_SIZE, 28, 28, 1, 10]);
  assert.equal(SUBSET_TRAIN_SIZE, 10_000);
  assert.equal(d.images.length, 10_000 * 784);
  assert.equal(d.source, 'embedded subset');
  assert.equal(d.name, 'fashion-mnist-subset');
  // the first labels of the official train-labels-idx1-ubyte
  assert.deepEqual([...d.labels.subarray(0, 10)], [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
  assert.equal(new Set(d.labels).size, 10);
  let min = Infinity;
  let max = -Infinity;
  for (const v of d.images) (min = Math.min(min, v)), (max = Math.max(max, v));
  assert.deepEqual([min, max], [0, 1]);
  t.diagnostic(`loaded the 10,000-image subset in ${ms.toFixed(0)} ms`);
});

test('test: the first 2,000 official examples, all 10 classes; limit', async () => {
  const d = await loadDataset('fashion-mnist-subset', 'test');
  assert.equal(d.n, SUBSET_TEST_SIZE);
  assert.equal(SUBSET_TEST_SIZE, 2_000);
  assert.deepEqual([...d.labels.subarray(0, 10)], [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
  assert.equal(new Set(d.labels).size, 10);
  const few = await loadDataset('fashion-mnist-subset', 'test', { limit: 3 });
  assert.equal(few.n, 3);
  assert.deepEqual([...few.images], [...d.images.subarray(0, 3 * 784)]);
});
