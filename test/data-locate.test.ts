import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { MpoError } from '../src/core/errors.js';
import { FASHION_MNIST, MNIST } from '../src/node/data/catalog.js';
import { loadDataset } from '../src/node/data/dataset.js';
import { downloadIdxFiles } from '../src/node/data/download.js';
import { encodeIdx } from '../src/node/data/idx.js';
import { cacheRoot, locateFiles, searchPlaces } from '../src/node/data/locate.js';

const root = mkdtempSync(join(tmpdir(), 'mpo-locate-'));
after(() => rmSync(root, { recursive: true, force: true }));
const mk = (...parts: string[]) => {
  const p = join(root, ...parts);
  mkdirSync(p, { recursive: true });
  return p;
};

/** Writes a 1-image test split (t10k-*) whose single label is `label`, optionally gzip'd. */
function writeTestSplit(dir: string, label: number, gz = false) {
  const z = (b: Uint8Array) => (gz ? gzipSync(b) : b);
  const ext = gz ? '.gz' : '';
  writeFileSync(join(dir, 't10k-images-idx3-ubyte' + ext), z(encodeIdx([1, 2, 2], Uint8Array.from([0, 255, 0, 255]))));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte' + ext), z(encodeIdx([1], Uint8Array.from([label]))));
}

const quiet = { systemDirs: [] as string[], log: () => {} };

describe('search places', () => {
  test('order: --data-dir (sub-folder first), $MPO_DATA_DIR, cache, system', () => {
    const a = mk('order-a');
    const b = mk('order-b');
    const places = searchPlaces('mnist', ['/sys/x'], { dataDir: a, cacheDir: '/c', env: { MPO_DATA_DIR: b } });
    assert.deepEqual(places, [
      { dir: join(a, 'mnist'), origin: '--data-dir' },
      { dir: a, origin: '--data-dir' },
      { dir: join(b, 'mnist'), origin: '$MPO_DATA_DIR' },
      { dir: b, origin: '$MPO_DATA_DIR' },
      { dir: '/c/mnist', origin: 'cache' },
      { dir: '/sys/x', origin: 'system' },
    ]);
  });

  test('cache folder: cacheDir, else $XDG_CACHE_HOME/mpo, else $HOME/.cache/mpo', () => {
    assert.equal(cacheRoot({ cacheDir: '/c', env: { XDG_CACHE_HOME: '/x', HOME: '/h' } }), '/c');
    assert.equal(cacheRoot({ env: { XDG_CACHE_HOME: '/x', HOME: '/h' } }), '/x/mpo');
    assert.equal(cacheRoot({ env: { XDG_CACHE_HOME: '', HOME: '/h' } }), '/h/.cache/mpo');
  });

  test('a --data-dir or $MPO_DATA_DIR that is not a folder is an error', () => {
    assert.throws(() => searchPlaces('mnist', [], { dataDir: join(root, 'missing'), env: {} }), /data folder ".*missing" given by --data-dir is not a folder/);
    assert.throws(() => searchPlaces('mnist', [], { env: { MPO_DATA_DIR: '/nonexistent-mpo' } }),
      /^MpoError: \$MPO_DATA_DIR is "\/nonexistent-mpo", which is not a folder: point it to a folder or unset it$/);
  });

  test('locateFiles accepts X.gz, skips folders with only some files (need all)', () => {
    const partial = mk('partial');
    writeFileSync(join(partial, 'a'), '');
    const full = mk('full');
    writeFileSync(join(full, 'a.gz'), '');
    writeFileSync(join(full, 'b'), '');
    const places = [{ dir: join(root, 'none'), origin: 'x' }, { dir: partial, origin: 'p' }, { dir: full, origin: 'f' }];
    const found = locateFiles(['a', 'b'], places, 'all')!;
    assert.equal(found.place.origin, 'f');
    assert.deepEqual([...found.paths.entries()], [['a', join(full, 'a.gz')], ['b', join(full, 'b')]]);
    const any = locateFiles(['a', 'b'], places, 'any')!;
    assert.equal(any.place.origin, 'p');
    assert.deepEqual(any.missing, ['b']);
    assert.equal(locateFiles(['zzz'], places, 'any'), undefined);
  });
});

describe('loadDataset file search', () => {
  const dataDir = mk('d1');
  writeTestSplit(dataDir, 1);
  const envDir = mk('e1');
  writeTestSplit(mk('e1', 'mnist'), 2, true);
  const cache = mk('c1');
  writeTestSplit(mk('c1', 'mnist'), 3);
  const sys = mk('sys');
  writeTestSplit(sys, 4);

  const label = async (opts: Parameters<typeof loadDataset>[2]) => {
    const d = await loadDataset('mnist', 'test', { ...quiet, allowDownload: false, ...opts });
    return [d.labels[0], d.source];
  };

  test('--data-dir first, then $MPO_DATA_DIR (sub-folder, .gz), then the cache', async () => {
    assert.deepEqual(await label({ dataDir, env: { MPO_DATA_DIR: envDir }, cacheDir: cache }), [1, dataDir]);
    assert.deepEqual(await label({ env: { MPO_DATA_DIR: envDir }, cacheDir: cache }), [2, join(envDir, 'mnist')]);
    assert.deepEqual(await label({ env: {}, cacheDir: cache }), [3, join(cache, 'mnist')]);
  });

  test('system folders come last (FashionMNIST: Debian)', async () => {
    const d = await loadDataset('fashion-mnist', 'test', { env: {}, cacheDir: mk('c-empty'), systemDirs: [sys], log: () => {}, allowDownload: false });
    assert.equal(d.labels[0], 4);
    assert.equal(d.source, sys);
    assert.deepEqual([...d.images], [0, 1, 0, 1]);
    assert.equal(d.classNames[9], 'Ankle boot');
  });

  test('files that are not the official FashionMNIST release are loaded with a warning', async () => {
    const lines: string[] = [];
    await loadDataset('fashion-mnist', 'test', { dataDir, env: {}, cacheDir: cache, systemDirs: [], allowDownload: false, log: (l) => lines.push(l) });
    assert.deepEqual(lines, [
      `warning: "${join(dataDir, 't10k-labels-idx1-ubyte')}" is not the labels file of the official FashionMNIST release ` +
      '(its SHA-256 differs): results will not be comparable with published ones',
    ]);
  });

  test('missing everywhere without download: the message names every place looked in', async () => {
    const empty = mk('empty');
    await assert.rejects(
      loadDataset('mnist', 'train', { ...quiet, dataDir: empty, env: { MPO_DATA_DIR: envDir }, cacheDir: cache, allowDownload: false }),
      (e: unknown) =>
        e instanceof MpoError &&
        e.message ===
          `MNIST train files (train-images-idx3-ubyte, train-labels-idx1-ubyte, plain or .gz) not found in ` +
            `${empty}/mnist (--data-dir), ${empty} (--data-dir), ${envDir}/mnist ($MPO_DATA_DIR), ${envDir} ($MPO_DATA_DIR), ` +
            `${cache}/mnist (cache): ${MNIST.advice}, or allow downloading`,
    );
  });

  test('bad arguments', async () => {
    await assert.rejects(loadDataset('cifar100', 'train'),
      /^MpoError: unknown dataset "cifar100": use one of fashion-mnist, fashion-mnist-subset, mnist, cifar10$/);
    await assert.rejects(loadDataset('mnist', 'val' as 'test'), /unknown split "val" of dataset "mnist": use train or test/);
    await assert.rejects(loadDataset('mnist', 'test', { limit: 0 }), /dataset limit must be a positive integer, got 0/);
  });
});

describe('downloads (fake fetch)', () => {
  const images = gzipSync(encodeIdx([2, 1, 1], Uint8Array.from([0, 255])));
  const labels = gzipSync(encodeIdx([2], Uint8Array.from([5, 6])));
  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
  const served: Record<string, Uint8Array> = {
    't10k-images-idx3-ubyte.gz': images,
    't10k-labels-idx1-ubyte.gz': labels,
  };
  const fakeFetch = (urls: string[]) =>
    (async (url: string) => {
      urls.push(url);
      const body = served[url.slice(url.lastIndexOf('/') + 1)];
      return body ? new Response(Uint8Array.from(body)) : new Response('no', { status: 404, statusText: 'Not Found' });
    }) as unknown as typeof fetch;

  test('good checksums: files land in the cache (atomically) and load from there', async () => {
    const spec = { ...MNIST, baseUrl: 'https://example.test/m/',
      sha256Gz: { 't10k-images-idx3-ubyte.gz': sha(images), 't10k-labels-idx1-ubyte.gz': sha(labels) } };
    const dest = join(root, 'dl-good', 'mnist');
    const urls: string[] = [];
    await downloadIdxFiles(spec, ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'], dest, { fetchImpl: fakeFetch(urls) });
    assert.deepEqual(urls, ['https://example.test/m/t10k-images-idx3-ubyte.gz', 'https://example.test/m/t10k-labels-idx1-ubyte.gz']);
    assert.deepEqual(readdirSync(dest).sort(), ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']);
    const d = await loadDataset('mnist', 'test', { ...quiet, env: {}, cacheDir: join(root, 'dl-good'), allowDownload: false });
    assert.deepEqual([...d.labels], [5, 6]);
    // files already present are not fetched again
    await downloadIdxFiles(spec, ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'], dest, { fetchImpl: fakeFetch(urls) });
    assert.equal(urls.length, 2);
  });

  test('bad checksum: MpoError, and nothing is left in the cache', async () => {
    const cacheDir = join(root, 'dl-bad');
    const urls: string[] = [];
    await assert.rejects(
      loadDataset('mnist', 'test', { ...quiet, env: {}, cacheDir, fetchImpl: fakeFetch(urls) }),
      new RegExp(
        `^MpoError: download of https://ossci-datasets.s3.amazonaws.com/mnist/t10k-images-idx3-ubyte.gz has SHA256 ${sha(images)}, ` +
          `expected ${MNIST.sha256Gz['t10k-images-idx3-ubyte.gz']} \\(${images.length} bytes; the file was deleted\\)`,
      ),
    );
    assert.deepEqual(urls, ['https://ossci-datasets.s3.amazonaws.com/mnist/t10k-images-idx3-ubyte.gz']);
    assert.deepEqual(readdirSync(join(cacheDir, 'mnist')), []);
  });

  test('HTTP errors name the URL and the status', async () => {
    const spec = { ...MNIST, baseUrl: 'https://example.test/gone/' };
    await assert.rejects(
      downloadIdxFiles(spec, ['train-images-idx3-ubyte'], join(root, 'dl-404'), { fetchImpl: fakeFetch([]) }),
      /^MpoError: cannot download https:\/\/example.test\/gone\/train-images-idx3-ubyte.gz: HTTP 404 Not Found: try again later, or put the IDX files/,
    );
  });

  test('offline: one MpoError saying what to do instead', async () => {
    const lines: string[] = [];
    const offline = (async () => {
      throw new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND fashion-mnist.s3-website.eu-central-1.amazonaws.com') });
    }) as unknown as typeof fetch;
    const cacheDir = join(root, 'dl-offline');
    await assert.rejects(
      loadDataset('fashion-mnist', 'train', { env: {}, systemDirs: [], cacheDir, fetchImpl: offline, log: (l) => lines.push(l) }),
      (e: unknown) =>
        e instanceof MpoError &&
        e.message ===
          "cannot download FashionMNIST (offline?): put the IDX files in --data-dir DIR or $MPO_DATA_DIR, or install Debian's " +
            'dataset-fashion-mnist, or use --dataset fashion-mnist-subset (embedded)',
    );
    assert.match(lines.join('\n'), /failed: fetch failed: getaddrinfo ENOTFOUND/);
    assert.ok(!existsSync(join(cacheDir, 'fashion-mnist')) || readdirSync(join(cacheDir, 'fashion-mnist')).length === 0);
    assert.equal(FASHION_MNIST.baseUrl, 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/');
  });
});
