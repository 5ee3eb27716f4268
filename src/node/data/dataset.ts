/**
 * The common in-memory form of every dataset, and {@link loadDataset}, which finds (or
 * downloads) a dataset's files and reads one split of it.
 */
import { MpoError } from '../../core/errors.js';
import { DATASET_NAMES, type DatasetName, type Split } from './catalog.js';
import type { Dataset, LoadOptions } from './types.js';
import { loadCifarDataset } from './load-cifar.js';
import { loadIdxDataset, loadSubsetDataset } from './load-idx.js';

export { DATASET_NAMES } from './catalog.js';
export type { DatasetName, Split } from './catalog.js';
export type { Dataset, LoadOptions } from './types.js';

/**
 * Loads one split of a dataset. Files are looked for in `dataDir`, $MPO_DATA_DIR, the cache
 * folder and (FashionMNIST) Debian's dataset folder, and downloaded into the cache when missing
 * everywhere and `allowDownload` is not false. `fashion-mnist-subset` is read from the files
 * shipped with mpo. Bad names, options or files throw an {@link MpoError}.
 */
export async function loadDataset(name: string, split: Split, opts: LoadOptions = {}): Promise<Dataset> {
  if (!(DATASET_NAMES as readonly string[]).includes(name)) {
    throw new MpoError(`unknown dataset "${name}": use one of ${DATASET_NAMES.join(', ')}`);
  }
  if (split !== 'train' && split !== 'test') {
    throw new MpoError(`unknown split "${String(split)}" of dataset "${name}": use train or test`);
  }
  if (opts.limit !== undefined && !(Number.isInteger(opts.limit) && opts.limit > 0)) {
    throw new MpoError(`dataset limit must be a positive integer, got ${opts.limit}: pass the number of examples to keep`);
  }
  const full = { ...opts, log: opts.log ?? ((line: string) => void process.stderr.write(line + '\n')) };
  const dataset = name as DatasetName;
  switch (dataset) {
    case 'fashion-mnist-subset':
      return loadSubsetDataset(split, full);
    case 'fashion-mnist':
    case 'mnist':
      return loadIdxDataset(dataset, split, full);
    case 'cifar10':
      return loadCifarDataset(split, full);
  }
}
