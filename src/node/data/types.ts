/** The in-memory form of every dataset and the options of loading one (types only, shared by the loaders). */
import type { Split } from './catalog.js';

/** One split of a dataset, in memory. */
export interface Dataset {
  /** Dataset name: 'fashion-mnist' | 'fashion-mnist-subset' | 'mnist' | 'cifar10'. */
  name: string;
  /** Which split. */
  split: Split;
  /** `n * height * width * channels` values, NHWC; greyscale scaled to [0, 1]; CIFAR normalised per channel. */
  images: Float32Array;
  /** `n` labels in [0, numClasses). */
  labels: Int32Array;
  /** Number of examples. */
  n: number;
  /** Image height in pixels. */
  height: number;
  /** Image width in pixels. */
  width: number;
  /** Channels per pixel (1 greyscale, 3 RGB). */
  channels: number;
  /** Number of classes. */
  numClasses: number;
  /** Class names in label order. */
  classNames: string[];
  /** Where it was read from (a folder path or 'embedded subset'), for the run's config. */
  source: string;
}

/** Options of {@link loadDataset}. */
export interface LoadOptions {
  /** Folder searched first for the files (the CLI's --data-dir), directly or in a sub-folder named after the dataset. */
  dataDir?: string;
  /** Keep only the first `limit` examples of the split (a positive integer); default all. */
  limit?: number;
  /** Download missing files from their official locations into the cache folder; default true. */
  allowDownload?: boolean;
  /** Cache folder; default `$XDG_CACHE_HOME/mpo`, else `~/.cache/mpo` (a sub-folder per dataset). */
  cacheDir?: string;
  /** Environment (MPO_DATA_DIR, XDG_CACHE_HOME, HOME); default `process.env`. Injectable for tests. */
  env?: Record<string, string | undefined>;
  /** The fetch function used for downloads; default the global `fetch`. Injectable for tests. */
  fetchImpl?: typeof fetch;
  /** Receives progress and warning lines (warnings start with `warning: `); default: written to stderr. */
  log?: (line: string) => void;
  /** Replaces the operating system folders searched last (Debian's FashionMNIST); `[]` searches none. For tests. */
  systemDirs?: string[];
}
