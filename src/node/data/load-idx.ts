/** Loading MNIST-style datasets (IDX image and label files) into a {@link Dataset}. */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { MpoError } from '../../core/errors.js';
import { DATASET_SPECS, FASHION_MNIST, type IdxDatasetSpec, type Split, fmtCount } from './catalog.js';
import type { Dataset, LoadOptions } from './types.js';
import { downloadIdxFiles } from './download.js';
import { gunzipIfNeeded, readBytes } from './gzip.js';
import { parseIdxImages, parseIdxLabels } from './idx.js';
import { cacheRoot, describePlaces, findFile, locateFiles, searchPlaces } from './locate.js';
import { subsetDir } from './subset.js';

type Opts = LoadOptions & { log: (line: string) => void; };

/** Scale of grey levels: `GREY[v] = v / 255`. */
const GREY = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/**
 * Reads an IDX images file and labels file of the same split, checks they agree, and keeps
 * the first `limit` examples: images scaled to [0, 1], labels as int32.
 */
export async function readIdxPair(
  imagesPath: string,
  labelsPath: string,
  numClasses: number,
  limit = Infinity,
): Promise<{ n: number; height: number; width: number; images: Float32Array; labels: Int32Array; rawLabels: Uint8Array; }> {
  const rawLabels = gunzipIfNeeded(await readBytes(labelsPath), labelsPath);
  const labels = parseIdxLabels(rawLabels, labelsPath, numClasses);
  const images = parseIdxImages(await readBytes(imagesPath), imagesPath);
  if (images.n !== labels.n) {
    throw new MpoError(
      `IDX files "${imagesPath}" (${fmtCount(images.n)} images) and "${labelsPath}" (${fmtCount(labels.n)} labels) ` +
        'disagree: use the images and labels files of the same split and dataset',
    );
  }
  if (images.n === 0) throw new MpoError(`IDX file "${imagesPath}" holds no images: use a file with at least one`);
  const n = Math.min(images.n, limit);
  const size = n * images.height * images.width;
  const out = new Float32Array(size);
  const px = images.pixels;
  for (let i = 0; i < size; i++) out[i] = GREY[px[i]];
  return {
    n,
    height: images.height,
    width: images.width,
    images: out,
    labels: Int32Array.from(labels.labels.subarray(0, n)),
    rawLabels,
  };
}

/** Loads a split of the embedded FashionMNIST subset. */
export async function loadSubsetDataset(split: Split, opts: Opts): Promise<Dataset> {
  const dir = subsetDir();
  const names = FASHION_MNIST.files[split];
  const [imagesPath, labelsPath] = [names.images, names.labels].map((f) => findFile(dir, f));
  if (!imagesPath || !labelsPath) {
    throw new MpoError(
      `the embedded FashionMNIST subset is missing from "${dir}": reinstall mpo, or regenerate it with ` +
        'node --import tsx scripts/make-fashion-subset.ts',
    );
  }
  const d = await readIdxPair(imagesPath, labelsPath, 10, opts.limit);
  return {
    name: 'fashion-mnist-subset',
    split,
    ...d,
    channels: 1,
    numClasses: 10,
    classNames: [...FASHION_MNIST.classNames],
    source: 'embedded subset',
  };
}

/** Finds the IDX files of a split, downloading them into the cache if allowed and missing. */
async function locateIdx(spec: IdxDatasetSpec, split: Split, opts: Opts): Promise<{ dir: string; images: string; labels: string; }> {
  const names = [spec.files[split].images, spec.files[split].labels];
  const places = searchPlaces(spec.subdir, spec.systemDirs, opts);
  let found = locateFiles(names, places, 'all');
  if (!found && opts.allowDownload !== false) {
    const dest = join(cacheRoot(opts), spec.subdir);
    await downloadIdxFiles(spec, names, dest, opts);
    found = locateFiles(names, [{ dir: dest, origin: 'cache' }], 'all');
  }
  if (!found) {
    throw new MpoError(
      `${spec.title} ${split} files (${names.join(', ')}, plain or .gz) not found in ${describePlaces(places)}: ` +
        `${spec.advice}, or allow downloading`,
    );
  }
  return { dir: found.place.dir, images: found.paths.get(names[0])!, labels: found.paths.get(names[1])! };
}

/** Loads a split of MNIST or FashionMNIST from files found on disk or downloaded. */
export async function loadIdxDataset(name: 'fashion-mnist' | 'mnist', split: Split, opts: Opts): Promise<Dataset> {
  const spec = DATASET_SPECS[name] as IdxDatasetSpec;
  const files = await locateIdx(spec, split, opts);
  const d = await readIdxPair(files.images, files.labels, spec.classNames.length, opts.limit);
  const officialLabels = spec.sha256Raw?.[spec.files[split].labels];
  if (officialLabels && createHash('sha256').update(d.rawLabels).digest('hex') !== officialLabels) {
    opts.log(
      `warning: "${files.labels}" is not the labels file of the official ${spec.title} release ` +
        '(its SHA-256 differs): results will not be comparable with published ones',
    );
  }
  return {
    name,
    split,
    ...d,
    channels: 1,
    numClasses: spec.classNames.length,
    classNames: [...spec.classNames],
    source: files.dir,
  };
}
