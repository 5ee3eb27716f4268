import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { CIFAR10 } from '../src/node/data/catalog.js';
import { CIFAR_MEAN, CIFAR_RECORD_BYTES, CIFAR_STD, decodeCifar, parseCifarRecords } from '../src/node/data/cifar.js';
import { loadDataset } from '../src/node/data/dataset.js';
import { downloadCifar10 } from '../src/node/data/download.js';
import { readTar } from '../src/node/data/tar.js';

const root = mkdtempSync(join(tmpdir(), 'mpo-cifar-'));
after(() => rmSync(root, { recursive: true, force: true }));
const noEnv = { env: {}, systemDirs: [] as string[] };

/** One CIFAR record: label, then pixel (plane c, row y, col x) = (label * 7 + c * 50 + y * 3 + x) % 256. */
function record(label: number): Uint8Array {
  const r = new Uint8Array(CIFAR_RECORD_BYTES);
  r[0] = label;
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) r[1 + c * 1024 + y * 32 + x] = (label * 7 + c * 50 + y * 3 + x) % 256;
  }
  return r;
}
const batch = (labels: number[]) => {
  const out = new Uint8Array(labels.length * CIFAR_RECORD_BYTES);
  labels.forEach((l, i) => out.set(record(l), i * CIFAR_RECORD_BYTES));
  return out;
};
const norm = (v: number, c: number) => Math.fround((v / 255 - CIFAR_MEAN[c]) / CIFAR_STD[c]);

/** A ustar archive of the given files (written here independently of the reader under test). */
function tar(files: [string, Uint8Array][]): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const [name, data] of files) {
    const h = new Uint8Array(512);
    const put = (s: string, at: number) => h.set(new TextEncoder().encode(s), at);
    put(name, 0);
    put('0000644\0', 100);
    put('0000000\0', 108);
    put('0000000\0', 116);
    put(data.length.toString(8).padStart(11, '0') + '\0', 124);
    put('14000000000\0', 136);
    put('        ', 148);
    put('0', 156);
    put('ustar\0' + '00', 257);
    const sum = h.reduce((a, b) => a + b, 0);
    put(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    blocks.push(h, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((a, b) => a + b.length, 0));
  let o = 0;
  for (const b of blocks) (out.set(b, o), (o += b.length));
  return out;
}

describe('CIFAR-10 binary format', () => {
  test('decodes to NHWC with the original per-channel normalisation', () => {
    const parsed = parseCifarRecords(batch([3, 9]), 'b');
    assert.equal(parsed.n, 2);
    const d = decodeCifar([parsed]);
    assert.deepEqual([...d.labels], [3, 9]);
    assert.equal(d.images.length, 2 * 32 * 32 * 3);
    // image 1 (label 9), row 2, column 5, channel 1 (green): raw (63 + 50 + 6 + 5) % 256 = 124
    assert.equal(d.images[((1 * 32 + 2) * 32 + 5) * 3 + 1], norm(124, 1));
    // image 0, row 0, col 0: R 21, G 71, B 121
    assert.deepEqual([...d.images.subarray(0, 3)], [norm(21, 0), norm(71, 1), norm(121, 2)]);
    assert.ok(Math.abs(norm(255, 0) - (1 - 0.4914) / 0.2023) < 1e-6);
  });

  test('limit keeps the first records across parts, in order', () => {
    const d = decodeCifar([parseCifarRecords(batch([1, 2]), 'a'), parseCifarRecords(batch([3, 4]), 'b')], 3);
    assert.deepEqual([...d.labels], [1, 2, 3]);
    assert.equal(d.n, 3);
  });

  test('gzip files are accepted', () => {
    assert.equal(parseCifarRecords(gzipSync(batch([0, 1, 2])), 'b.gz').n, 3);
  });

  test('a size that is not a multiple of 3073 is an error naming the file', () => {
    assert.throws(
      () => parseCifarRecords(batch([1, 2]).subarray(0, 5000), 'data_batch_1.bin'),
      /^MpoError: CIFAR-10 file "data_batch_1.bin" has 5,000 bytes, not a positive multiple of 3073 \(1 label byte \+ 3072 pixel bytes per record\): .*re-download it/,
    );
    assert.throws(() => parseCifarRecords(new Uint8Array(0), 'empty'), /"empty" has 0 bytes/);
  });

  test('a label above 9 is an error', () => {
    const b = batch([1, 2]);
    b[CIFAR_RECORD_BYTES] = 10;
    assert.throws(() => parseCifarRecords(b, 'x'), /CIFAR-10 file "x" has label 10 in record 1, expected 0..9/);
  });
});

describe('loadDataset cifar10', () => {
  const data = join(root, 'data');
  const sub = join(data, 'cifar-10-batches-bin');
  mkdirSync(sub, { recursive: true });
  writeFileSync(join(sub, 'data_batch_1.bin'), batch([0, 1]));
  writeFileSync(join(sub, 'data_batch_3.bin.gz'), gzipSync(batch([2, 3, 4])));
  writeFileSync(join(sub, 'test_batch.bin'), batch([9, 8, 7, 6]));

  test('training split uses the batches present, in order, and warns about the others', async () => {
    const lines: string[] = [];
    const d = await loadDataset('cifar10', 'train', { ...noEnv, dataDir: data, log: (l) => lines.push(l), cacheDir: join(root, 'c0') });
    assert.deepEqual([...d.labels], [0, 1, 2, 3, 4]);
    assert.deepEqual([d.n, d.height, d.width, d.channels, d.numClasses], [5, 32, 32, 3, 10]);
    assert.equal(d.classNames[0], 'airplane');
    assert.equal(d.source, sub);
    assert.equal(d.images[2 * 3072], norm(2 * 7, 0)); // image 2 (first of data_batch_3), pixel (0, 0), red
    assert.deepEqual(lines, [
      `warning: CIFAR-10 train files data_batch_2.bin, data_batch_4.bin, data_batch_5.bin are missing in ${sub}: ` +
      'using 5 images from data_batch_1.bin, data_batch_3.bin',
    ]);
  });

  test('test split and limit', async () => {
    const d = await loadDataset('cifar10', 'test', { ...noEnv, dataDir: sub, limit: 2, log: () => {}, cacheDir: join(root, 'c0') });
    assert.deepEqual([...d.labels], [9, 8]);
    assert.equal(d.images.length, 2 * 3072);
  });

  test('no files anywhere and no download: the message names the places looked in', async () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    await assert.rejects(
      loadDataset('cifar10', 'test', { ...noEnv, dataDir: empty, cacheDir: join(root, 'c1'), allowDownload: false }),
      (e: unknown) =>
        e instanceof Error &&
        e.message ===
          `CIFAR-10 test files (test_batch.bin, plain or .gz) not found in ${empty}/cifar-10-batches-bin (--data-dir), ` +
            `${empty} (--data-dir), ${root}/c1/cifar-10-batches-bin (cache): put data_batch_1..5.bin and test_batch.bin ` +
            '(from cifar-10-binary.tar.gz on the CIFAR-10 home page) in --data-dir DIR or $MPO_DATA_DIR, or allow downloading',
    );
  });
});

describe('tar reader and CIFAR-10 download', () => {
  const files: [string, Uint8Array][] = [
    ['cifar-10-batches-bin/batches.meta.txt', new TextEncoder().encode('airplane\n')],
    ['cifar-10-batches-bin/data_batch_1.bin', batch([5, 6])],
    ['cifar-10-batches-bin/readme.html', new Uint8Array(700)],
    ['cifar-10-batches-bin/test_batch.bin', batch([7])],
  ];

  test('readTar lists regular files with their contents', () => {
    const entries = readTar(tar(files), 'a.tar');
    assert.deepEqual(entries.map((e) => e.name), files.map((f) => f[0]));
    assert.deepEqual([...entries[1].data], [...files[1][1]]);
  });

  test('readTar rejects a bad header checksum and a truncated archive', () => {
    const t = tar(files);
    const bad = t.slice();
    bad[0] ^= 1;
    assert.throws(() => readTar(bad, 'a.tar'), /tar archive "a.tar" has a header with a wrong checksum at byte 0/);
    assert.throws(() => readTar(t.subarray(0, 1000), 'a.tar'), /tar archive "a.tar" is truncated/);
  });

  test('downloads with a fake fetch, checks the MD5, extracts and deletes the archive', async () => {
    const archive = gzipSync(tar(files));
    const md5 = createHash('md5').update(archive).digest('hex');
    const cache = join(root, 'dl-cache');
    const urls: string[] = [];
    const fetchImpl = (async (url: string) => (urls.push(url), new Response(archive))) as unknown as typeof fetch;
    await downloadCifar10({ ...CIFAR10, archiveMd5: md5 }, join(cache, 'cifar-10-batches-bin'), { fetchImpl });
    assert.deepEqual(urls, ['https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz']);
    assert.deepEqual(readdirSync(cache), ['cifar-10-batches-bin']);
    assert.deepEqual(readdirSync(join(cache, 'cifar-10-batches-bin')).sort(), ['batches.meta.txt', 'data_batch_1.bin', 'test_batch.bin']);
    const d = await loadDataset('cifar10', 'test', { ...noEnv, cacheDir: cache, allowDownload: false });
    assert.deepEqual([...d.labels], [7]);
  });

  test('an archive with the wrong MD5 is deleted and nothing is extracted', async () => {
    const cache = join(root, 'dl-bad');
    const fetchImpl = (async () => new Response(gzipSync(tar(files)))) as unknown as typeof fetch;
    await assert.rejects(
      loadDataset('cifar10', 'test', { ...noEnv, cacheDir: cache, fetchImpl, log: () => {} }),
      /download of https:\/\/www.cs.toronto.edu\/~kriz\/cifar-10-binary.tar.gz has MD5 [0-9a-f]{32}, expected c32a1d4ab5d03f1284b67883e8d87530 \(.* bytes; the file was deleted\)/,
    );
    assert.deepEqual(readdirSync(cache), []);
    assert.ok(!existsSync(join(cache, 'cifar-10-batches-bin')));
  });
});
