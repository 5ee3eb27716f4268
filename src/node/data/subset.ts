/**
 * The FashionMNIST subset shipped with mpo (data/fashion-mnist-subset at the repository root):
 * the first 10,000 training and first 2,000 test examples of the official files, so that
 * examples and tests run offline. See its README.md for provenance.
 */
import { fileURLToPath } from 'node:url';

/** Number of training examples in the embedded subset. */
export const SUBSET_TRAIN_SIZE = 10_000;
/** Number of test examples in the embedded subset. */
export const SUBSET_TEST_SIZE = 2_000;

/**
 * Folder of the embedded subset. Resolved relative to this module, which sits three levels
 * below the repository root both as `src/node/data/subset.ts` and as `dist/node/data/subset.js`.
 */
export function subsetDir(): string {
  return fileURLToPath(new URL('../../../data/fashion-mnist-subset/', import.meta.url));
}
