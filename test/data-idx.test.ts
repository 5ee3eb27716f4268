import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { MpoError } from '../src/core/errors.js';
import { encodeIdx, parseIdxImages, parseIdxLabels, readIdxImages, readIdxLabels } from '../src/node/data/idx.js';
import { readIdxPair } from '../src/node/data/load-idx.js';

const dir = mkdtempSync(join(tmpdir(), 'mpo-idx-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Hand-written IDX bytes: 2 images of 2x3 pixels. */
const IMAGES = Uint8Array.from([
  0,
  0,
  8,
  3,
  /* n */ 0,
  0,
  0,
  2,
  /* rows */ 0,
  0,
  0,
  2,
  /* cols */ 0,
  0,
  0,
  3,
  0,
  51,
  102,
  153,
  204,
  255,
  255,
  0,
  1,
  2,
  3,
  4,
]);
/** Hand-written IDX bytes: 2 labels. */
const LABELS = Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 2, 7, 3]);

const write = (name: string, bytes: Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
};

describe('IDX parsing', () => {
  test('reads dimensions and pixels of a plain images file', () => {
    const img = parseIdxImages(IMAGES, 'x');
    assert.deepEqual([img.n, img.height, img.width], [2, 2, 3]);
    assert.deepEqual([...img.pixels], [0, 51, 102, 153, 204, 255, 255, 0, 1, 2, 3, 4]);
  });

  test('gzip data gives the same result as plain data', () => {
    const a = parseIdxImages(gzipSync(IMAGES), 'x.gz');
    assert.deepEqual([...a.pixels], [...parseIdxImages(IMAGES, 'x').pixels]);
    assert.deepEqual([...parseIdxLabels(gzipSync(LABELS), 'l.gz', 10).labels], [7, 3]);
  });

  test('reads files from disk, plain and .gz', async () => {
    const img = await readIdxImages(write('imgs.gz', gzipSync(IMAGES)));
    assert.equal(img.pixels[5], 255);
    const lab = await readIdxLabels(write('labs', LABELS), 10);
    assert.deepEqual([...lab.labels], [7, 3]);
  });

  test('encodeIdx writes exactly the hand-written format', () => {
    assert.deepEqual(encodeIdx([2, 2, 3], IMAGES.subarray(16)), IMAGES);
    assert.deepEqual(encodeIdx([2], Uint8Array.from([7, 3])), LABELS);
  });

  test('a labels file passed as images names both kinds and the fix', () => {
    assert.throws(
      () => parseIdxImages(LABELS, 'y.gz'),
      (e: unknown) =>
        e instanceof MpoError &&
        e.message ===
          'IDX file "y.gz" has magic number 0x00000801, expected 0x00000803 (images): pass the images file, not the labels file',
    );
    assert.throws(() => parseIdxLabels(IMAGES, 'x', 10), /magic number 0x00000803, expected 0x00000801 \(labels\): pass the labels file/);
  });

  test('an unknown magic number says the file is not IDX', () => {
    const bad = IMAGES.slice();
    bad[2] = 0x0d; // float data
    assert.throws(() => parseIdxImages(bad, 'f'),
      /IDX file "f" has magic number 0x00000d03, expected 0x00000803 \(images\): the file is not an IDX images file/);
    assert.throws(() => parseIdxImages(Uint8Array.from([0, 0]), 'tiny'), /"tiny" has 2 bytes, too short for an IDX header/);
  });

  test('a truncated file reports expected and actual bytes and the fix', () => {
    assert.throws(
      () => parseIdxImages(IMAGES.subarray(0, 20), 'cut'),
      (e: unknown) =>
        e instanceof MpoError &&
        e.message ===
          'IDX file "cut" is truncated: expected 28 bytes (2x2x3 images), got 20: re-download it or delete it so mpo fetches it again',
    );
    assert.throws(() => parseIdxImages(gzipSync(IMAGES.subarray(0, 10)), 'cut.gz'), /"cut.gz" is truncated: .*shorter than its 16-byte header/);
  });

  test('extra bytes are an error too', () => {
    const long = new Uint8Array(LABELS.length + 3);
    long.set(LABELS);
    assert.throws(
      () => parseIdxLabels(gzipSync(long), 'l.gz', 10),
      /IDX file "l.gz" is longer than its header says: expected 10 bytes \(2 labels\), got 13 uncompressed: re-download it/,
    );
  });

  test('corrupt gzip data is an MpoError naming the file', () => {
    const gz = gzipSync(IMAGES);
    const corrupt = Uint8Array.from(gz); // a copy (Buffer.slice would be a view)
    for (let i = 12; i < corrupt.length - 8; i++) corrupt[i] ^= 0x5a;
    assert.throws(() => parseIdxImages(corrupt, 'c.gz'),
      (e: unknown) => e instanceof MpoError && /^file "c.gz" is not valid gzip data \(.+\): re-download it/.test(e.message));
    assert.throws(() => parseIdxImages(gz.subarray(0, gz.length - 10), 't.gz'), /file "t.gz" is not valid gzip data \(unexpected end of file\)/);
  });

  test('labels must be below the number of classes', () => {
    assert.throws(
      () => parseIdxLabels(LABELS, 'l', 5),
      /IDX file "l" has label 7 at index 0, expected 0..4: it is not a 5-class labels file/,
    );
    assert.throws(() => parseIdxLabels(LABELS, 'l', 7), /has label 7 at index 0, expected 0..6/);
    assert.doesNotThrow(() => parseIdxLabels(LABELS, 'l', 8));
  });
});

describe('readIdxPair', () => {
  test('scales pixels to [0, 1] and keeps the first limit examples', async () => {
    const imgs = write('p-imgs', IMAGES);
    const labs = write('p-labs.gz', gzipSync(LABELS));
    const all = await readIdxPair(imgs, labs, 10);
    assert.equal(all.n, 2);
    assert.deepEqual([...all.images.subarray(0, 6)], [0, 0.2, 0.4, 0.6, 0.8, 1].map(Math.fround));
    assert.deepEqual([...all.labels], [7, 3]);
    assert.ok(all.labels instanceof Int32Array);
    const one = await readIdxPair(imgs, labs, 10, 1);
    assert.equal(one.n, 1);
    assert.equal(one.images.length, 6);
    assert.deepEqual([...one.labels], [7]);
  });

  test('images and labels of different lengths are rejected', async () => {
    const labs = write('three-labels', encodeIdx([3], Uint8Array.from([1, 2, 3])));
    await assert.rejects(
      readIdxPair(write('q-imgs', IMAGES), labs, 10),
      /IDX files ".*q-imgs" \(2 images\) and ".*three-labels" \(3 labels\) disagree: use the images and labels files of the same split/,
    );
  });

  test('a missing file is an MpoError naming it', async () => {
    await assert.rejects(readIdxImages(join(dir, 'nope')), /cannot read ".*nope" \(ENOENT.*\): check the path/);
  });
});
