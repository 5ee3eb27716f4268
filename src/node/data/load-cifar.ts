/** Loading CIFAR-10 (official binary version) into a {@link Dataset}. */
import { join } from 'node:path';
import { MpoError } from '../../core/errors.js';
import { CIFAR10, type Split, fmtCount } from './catalog.js';
import { CIFAR_SIDE, type CifarRecords, decodeCifar, readCifarRecords } from './cifar.js';
import type { Dataset, LoadOptions } from './types.js';
import { downloadCifar10 } from './download.js';
import { type Located, cacheRoot, describePlaces, locateFiles, searchPlaces } from './locate.js';

type Opts = LoadOptions & { log: (line: string) => void; };

/** Finds the files of a CIFAR-10 split, downloading the archive into the cache if allowed and missing. */
async function locateCifar(split: Split, opts: Opts): Promise<Located> {
  const names = CIFAR10.files[split];
  const places = searchPlaces(CIFAR10.subdir, [], opts);
  let found = locateFiles(names, places, 'any');
  if (!found && opts.allowDownload !== false) {
    const dest = join(cacheRoot(opts), CIFAR10.subdir);
    await downloadCifar10(CIFAR10, dest, opts);
    found = locateFiles(names, [{ dir: dest, origin: 'cache' }], 'any');
  }
  if (!found) {
    throw new MpoError(
      `${CIFAR10.title} ${split} files (${names.join(', ')}, plain or .gz) not found in ${describePlaces(places)}: ` +
        `${CIFAR10.advice}, or allow downloading`,
    );
  }
  return found;
}

/**
 * Loads a CIFAR-10 split: training = data_batch_1..5.bin (those present, with a warning
 * naming the missing ones), test = test_batch.bin. Images are NHWC, normalised per channel.
 */
export async function loadCifarDataset(split: Split, opts: Opts): Promise<Dataset> {
  const found = await locateCifar(split, opts);
  const limit = opts.limit ?? Infinity;
  const parts: CifarRecords[] = [];
  let total = 0;
  for (const name of CIFAR10.files[split]) {
    const path = found.paths.get(name);
    if (!path || total >= limit) continue;
    const part = await readCifarRecords(path);
    parts.push(part);
    total += part.n;
  }
  const decoded = decodeCifar(parts, limit);
  if (found.missing.length > 0) {
    opts.log(
      `warning: ${CIFAR10.title} ${split} files ${found.missing.join(', ')} are missing in ${found.place.dir}: ` +
        `using ${fmtCount(decoded.n)} images from ${[...found.paths.keys()].join(', ')}`,
    );
  }
  return {
    name: 'cifar10',
    split,
    images: decoded.images,
    labels: decoded.labels,
    n: decoded.n,
    height: CIFAR_SIDE,
    width: CIFAR_SIDE,
    channels: 3,
    numClasses: 10,
    classNames: [...CIFAR10.classNames],
    source: found.place.dir,
  };
}
