// Your own data (issue 23, item 3): an image folder (class sub-folders, train/ + test/ or a split)
// and NumPy arrays, made in a temp dir; bad input is a one-line error and a fit writes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import * as tfl from '@tensorflow/tfjs';
import { useCpu, mpoIn } from './helpers.js';
import { loadOwnData } from '../src/node/data/own-data.js';
import { resizeBilinear } from '../src/node/data/image-folder.js';
import { encodeNpy } from '../src/node/output/npy.js';

await useCpu();
const tmp = mkdtempSync(join(tmpdir(), 'mpo-own-'));

/** The grey value of pixel (x, y) of image `i` of class `c` (known values for the checks below). */
const grey = (c: number, i: number, x: number, y: number) => (c === 0 ? 20 * x : 20 * y) + 3 * i;

/** Writes a grey PNG (colour type 0) of `w` x `h` with values `f(x, y)`. */
function writeGreyPng(path: string, w: number, h: number, f: (x: number, y: number) => number): void {
  const png = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const at = (y * w + x) * 4;
      png.data[at] = png.data[at + 1] = png.data[at + 2] = f(x, y);
      png.data[at + 3] = 255;
    }
  }
  writeFileSync(path, PNG.sync.write(png, { colorType: 0 }));
}

/** Writes an RGB JPEG of `w` x `h`. */
function writeRgbJpeg(path: string, w: number, h: number): void {
  const data = Buffer.alloc(w * h * 4, 255);
  for (let p = 0; p < w * h; p++) data[p * 4] = (p * 7) % 256;
  writeFileSync(path, jpeg.encode({ data, width: w, height: h }, 90).data);
}

/** A folder of two classes (`a`, `b`) of `n` grey `size` x `size` PNGs each. */
function imageFolder(dir: string, n = 5, size = 6): string {
  for (const [c, cls] of ['a', 'b'].entries()) {
    mkdirSync(join(dir, cls), { recursive: true });
    for (let i = 0; i < n; i++) writeGreyPng(join(dir, cls, `${i}.png`), size, size, (x, y) => grey(c, i, x, y));
  }
  return dir;
}

const mpo = mpoIn(tmp, 180_000);

/** The one `mpo: error:` line of a failed run (no stack trace). */
function errorLine(r: { code: number | null; stderr: string; }): string {
  assert.notEqual(r.code, 0, 'a non-zero exit code');
  const lines = r.stderr.split('\n').filter((l) => l.trim());
  assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0]!, /^mpo: error: /);
  return lines[0]!;
}

/** Saves a tfjs-layers model as model.json + weights.bin in `dir`. */
async function saveLayers(m: tfl.LayersModel, dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  await m.save(tfl.io.withSaveHandler(async (a) => {
    writeFileSync(join(dir, 'weights.bin'), new Uint8Array(a.weightData as ArrayBuffer));
    writeFileSync(join(dir, 'model.json'),
      JSON.stringify({ format: 'layers-model', modelTopology: a.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] }));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return join(dir, 'model.json');
}

test('an image folder of two classes: labels by sorted class folder, pixels scaled to [0, 1], the last images of each class held out', () => {
  const dir = imageFolder(join(tmp, 'two'));
  const { train, test: te } = loadOwnData(dir, { testSplit: 0.4 });
  assert.deepEqual(train.classNames, ['a', 'b']);
  assert.equal(train.numClasses, 2);
  assert.deepEqual([train.n, te.n], [6, 4]); // 5 per class, round(5 * 0.4) = 2 held out
  assert.deepEqual([train.height, train.width, train.channels], [6, 6, 1]);
  // Every example is its file's pixels / 255: recognise each image by its values.
  const check = (d: typeof train, files: number[]) => {
    const seen: string[] = [];
    for (let k = 0; k < d.n; k++) {
      const c = d.labels[k]!;
      const img = d.images.subarray(k * 36, (k + 1) * 36);
      const i = Math.round((img[0]! * 255) / 3); // pixel (0, 0) is 3 * i
      for (let y = 0; y < 6; y++) for (let x = 0; x < 6; x++) assert.ok(Math.abs(img[y * 6 + x]! - grey(c, i, x, y) / 255) < 1e-6);
      seen.push(`${c}:${i}`);
    }
    assert.deepEqual(seen.sort(), ['0', '1'].flatMap((c) => files.map((i) => `${c}:${i}`)).sort());
  };
  check(train, [0, 1, 2]);
  check(te, [3, 4]);
  // A fixed shuffle: the same on every read.
  assert.deepEqual([...loadOwnData(dir, { testSplit: 0.4 }).train.labels], [...train.labels]);
  // Limits keep the first examples of that order.
  assert.deepEqual([...loadOwnData(dir, { testSplit: 0.4, trainLimit: 3 }).train.labels], [...train.labels].slice(0, 3));
});

test('train/ and test/ folders, colour JPEGs, and resizing to a given size', () => {
  const dir = join(tmp, 'pair');
  imageFolder(join(dir, 'train'), 3);
  imageFolder(join(dir, 'test'), 2);
  const { train, test: te } = loadOwnData(dir, { size: [3, 3] });
  assert.deepEqual([train.n, te.n, train.height, train.width], [6, 4, 3, 3]);
  // Resizing 6 -> 3 is bilinear with half-pixel centres: each output is the mean of a 2x2 block here.
  const src = Float32Array.from({ length: 36 }, (_, p) => p);
  assert.deepEqual([...resizeBilinear(src, 6, 6, 1, 3, 3)], [3.5, 5.5, 7.5, 15.5, 17.5, 19.5, 27.5, 29.5, 31.5]);
  const rgb = join(tmp, 'rgb');
  for (const cls of ['x', 'y']) {
    mkdirSync(join(rgb, cls), { recursive: true });
    for (let i = 0; i < 2; i++) writeRgbJpeg(join(rgb, cls, `${i}.jpg`), 5, 4);
  }
  const c = loadOwnData(rgb, { testSplit: 0.5 });
  assert.deepEqual([c.train.n, c.train.height, c.train.width, c.train.channels], [2, 4, 5, 3]);
  assert.ok(Math.abs(c.train.images[1]! - 1) < 0.02, 'green is 255 -> about 1 (JPEG rounding)');
  // Bad folders: one line each, naming the folder or file.
  mkdirSync(join(tmp, 'mixed-size', 'a'), { recursive: true });
  mkdirSync(join(tmp, 'mixed-size', 'b'), { recursive: true });
  writeGreyPng(join(tmp, 'mixed-size', 'a', '0.png'), 4, 4, () => 1);
  writeGreyPng(join(tmp, 'mixed-size', 'a', '1.png'), 4, 4, () => 1);
  writeGreyPng(join(tmp, 'mixed-size', 'b', '0.png'), 5, 4, () => 1);
  writeGreyPng(join(tmp, 'mixed-size', 'b', '1.png'), 4, 4, () => 1);
  assert.throws(() => loadOwnData(join(tmp, 'mixed-size'), { testSplit: 0.5 }),
    /^MpoError: images differ in size: ".*mixed-size\/[ab]\/[01].png" is [45]x4 but ".*mixed-size\/[ab]\/[01].png" is [45]x4: make them one size, or pass --model a model.json with a fixed input size \(images are then resized to it\)$/);
  assert.equal(loadOwnData(join(tmp, 'mixed-size'), { testSplit: 0.5, size: [4, 4] }).train.width, 4, 'resized, mixed sizes are fine');
  writeRgbJpeg(join(tmp, 'mixed-size', 'b', '2.jpg'), 4, 4);
  assert.throws(() => loadOwnData(join(tmp, 'mixed-size'), { testSplit: 0.5, size: [4, 4] }),
    /^MpoError: images mix grey and colour: ".*\.png" has 1 channel but ".*b\/2.jpg" has 3: save them all grey or all RGB$/);
  mkdirSync(join(tmp, 'two', 'empty'));
  assert.throws(() => loadOwnData(join(tmp, 'two')), /^MpoError: class folder ".*two\/empty" holds no PNG or JPEG images: add images or remove the folder$/);
  rmSync(join(tmp, 'two', 'empty'), { recursive: true });
  assert.throws(() => loadOwnData(join(tmp, 'nowhere')),
    /^MpoError: --dataset ".*nowhere" is neither a built-in dataset \(fashion-mnist, fashion-mnist-subset, mnist, cifar10\) nor an existing folder/);
  mkdirSync(join(tmp, 'flat'));
  assert.throws(() => loadOwnData(join(tmp, 'flat')), /^MpoError: dataset folder ".*flat" holds no class folders/);
});

/** An int64 NPY (what numpy.save writes for integer labels by default), written by hand. */
function int64Npy(values: number[]): Buffer {
  const body = Buffer.alloc(values.length * 8);
  values.forEach((v, i) => body.writeBigInt64LE(BigInt(v), i * 8));
  let header = `{'descr': '<i8', 'fortran_order': False, 'shape': (${values.length},), }`;
  header = header.padEnd(64 - 10 - 1, ' ') + '\n';
  const pre = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length, 0]);
  return Buffer.concat([pre, Buffer.from(header, 'latin1'), body]);
}

test('NumPy arrays: uint8 images scaled by 1/255, float images as they are, int64 and one-hot labels', () => {
  const dir = join(tmp, 'npy');
  mkdirSync(dir);
  const xTrain = Uint8Array.from({ length: 4 * 2 * 3 }, (_, i) => i * 10);
  writeFileSync(join(dir, 'x_train.npy'), encodeNpy(xTrain, [4, 2, 3]));
  writeFileSync(join(dir, 'y_train.npy'), int64Npy([0, 2, 1, 2]));
  writeFileSync(join(dir, 'x_test.npy'), encodeNpy(Float32Array.from({ length: 2 * 6 }, (_, i) => -i), [2, 2, 3, 1]));
  writeFileSync(join(dir, 'y_test.npy'), encodeNpy(Float32Array.from([0, 1, 0, 0, 0, 1]), [2, 3]));
  const { train, test: te } = loadOwnData(dir);
  assert.deepEqual([train.n, train.height, train.width, train.channels, train.numClasses], [4, 2, 3, 1, 3]);
  assert.deepEqual([...train.labels], [0, 2, 1, 2]);
  assert.ok(Math.abs(train.images[5]! - 50 / 255) < 1e-7);
  assert.deepEqual([...te.labels], [1, 2]);
  assert.equal(te.images[7], -7);
  writeFileSync(join(dir, 'y_test.npy'), encodeNpy(Int32Array.from([0, 1, 1]), [3]));
  assert.throws(() => loadOwnData(dir),
    /^MpoError: ".*y_test.npy" has shape \(3\) but ".*x_test.npy" holds 2 images: give 2 labels as \[N\], \[N, 1\] or one-hot \[N, classes\]$/);
  rmSync(join(dir, 'y_test.npy'));
  assert.throws(() => loadOwnData(dir),
    /^MpoError: ".*y_test.npy" does not exist: a NumPy dataset folder holds x_train.npy, y_train.npy, x_test.npy, y_test.npy$/);
});

test('mpo fit on an image folder with a model.json; bad input is one line and leaves --out empty', async () => {
  const data = imageFolder(join(tmp, 'fitdata'), 4, 10);
  // A conv model for 8x8 grey images: the 10x10 images are resized to its input.
  const conv = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3, activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 2, activation: 'softmax' }),
    ],
  });
  const model = await saveLayers(conv, join(tmp, 'conv2'));
  const three = await saveLayers(tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [8, 8, 1] }), tfl.layers.dense({ units: 3 })] }),
    join(tmp, 'three'));
  const leaky = await saveLayers(
    tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [8, 8, 1] }), tfl.layers.leakyReLU({}), tfl.layers.dense({ units: 2 })] }),
    join(tmp, 'leaky'),
  );
  const common = ['--steps', '2', '--pattern-size', '3', '--eval-images', '4', '--workers', '1', '--quiet'];
  const ok = mpo('fit', '--dataset', data, '--model', model, '--test-split', '0.25', '--out', 'good', ...common);
  assert.equal(ok.code, 0, ok.stderr);
  const config = JSON.parse(readFileSync(join(tmp, 'good', 'config.json'), 'utf8'));
  assert.match(config.provenance.trainSource, /^image folder .*fitdata \(train split of --test-split 0.25\)$/);
  assert.deepEqual([config.provenance.trainImages, config.provenance.testImages], [6, 2]);
  assert.equal(config.model, model);
  assert.equal(config.dataset, data);
  assert.equal(config.testSplit, 0.25);
  const summary = JSON.parse(readFileSync(join(tmp, 'good', 'summary.json'), 'utf8'));
  assert.equal(summary.steps, 2);
  assert.ok(Number.isFinite(summary.auc_test));

  const refused = (args: string[], out: string, want: RegExp) => {
    const r = mpo('fit', '--dataset', data, ...args, '--out', out, ...common);
    assert.match(errorLine(r), want);
    assert.ok(!existsSync(join(tmp, out)) || readdirSync(join(tmp, out)).length === 0, `${out} is left empty`);
  };
  refused(['--model', three], 'bad-classes',
    /^mpo: error: model ".*three\/model.json" outputs 3 classes but the data has 2: choose a dataset with 3 classes or a model with 2 outputs$/);
  refused(['--model', leaky], 'bad-layer', /^mpo: error: model ".*leaky\/model.json", layer 1 \(LeakyReLU "[^"]+"\) is not supported: mpo reads /);
  mkdirSync(join(data, 'c'));
  refused(['--model', model], 'bad-empty', /^mpo: error: class folder ".*fitdata\/c" holds no PNG or JPEG images: add images or remove the folder$/);
});
