/**
 * What mpo knows about each dataset: file names, where they live, where they come from,
 * their published checksums and class names. Plain data, read by the loader, the file
 * locator and the downloader.
 */

/** The datasets {@link loadDataset} knows, by the names the CLI accepts. */
export const DATASET_NAMES = ['fashion-mnist', 'fashion-mnist-subset', 'mnist', 'cifar10'] as const;

/** One of {@link DATASET_NAMES}. */
export type DatasetName = (typeof DATASET_NAMES)[number];

/** A train or test split. */
export type Split = 'train' | 'test';

/** The two IDX files of one split. */
export interface IdxSplitFiles {
  /** Uncompressed file name of the images (`X` or `X.gz` are both accepted on disk). */
  images: string;
  /** Uncompressed file name of the labels. */
  labels: string;
}

/** A dataset stored as IDX image and label files (MNIST, FashionMNIST). */
export interface IdxDatasetSpec {
  /** Format of the files. */
  format: 'idx';
  /** Human name used in messages, e.g. `FashionMNIST`. */
  title: string;
  /** Sub-folder name looked for inside data folders and used inside the cache folder. */
  subdir: string;
  /** File names per split. */
  files: Record<Split, IdxSplitFiles>;
  /** Folder URL (ending in `/`) the `.gz` files are downloaded from. */
  baseUrl: string;
  /** SHA-256 of each downloadable `.gz` file, keyed by the `.gz` file name. */
  sha256Gz: Record<string, string>;
  /** SHA-256 of the uncompressed official files, when known, keyed by uncompressed name. */
  sha256Raw?: Record<string, string>;
  /** Folders installed by the operating system that may hold the files (searched last). */
  systemDirs: string[];
  /** How to get the files by hand, appended to "not found"/"cannot download" messages. */
  advice: string;
  /** Class names in label order. */
  classNames: string[];
}

/** CIFAR-10 in its official binary version. */
export interface CifarDatasetSpec {
  /** Format of the files. */
  format: 'cifar';
  /** Human name used in messages. */
  title: string;
  /** Sub-folder name looked for inside data folders and used inside the cache folder. */
  subdir: string;
  /** File names per split, in reading order. */
  files: Record<Split, string[]>;
  /** URL of the official archive. */
  archiveUrl: string;
  /** MD5 of the official archive (the checksum its home page publishes). */
  archiveMd5: string;
  /** How to get the files by hand. */
  advice: string;
  /** Class names in label order (as in batches.meta.txt). */
  classNames: string[];
}

/** Any dataset read from files (the embedded subset is described by {@link FASHION_MNIST}). */
export type DatasetSpec = IdxDatasetSpec | CifarDatasetSpec;

const IDX_FILES: Record<Split, IdxSplitFiles> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

/** FashionMNIST, the official release (Xiao, Rasul & Vollgraf 2017; MIT, (c) 2017 Zalando SE). */
export const FASHION_MNIST: IdxDatasetSpec = {
  format: 'idx',
  title: 'FashionMNIST',
  subdir: 'fashion-mnist',
  files: IDX_FILES,
  baseUrl: 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
  sha256Gz: {
    'train-images-idx3-ubyte.gz': '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84',
    'train-labels-idx1-ubyte.gz': 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845',
    't10k-images-idx3-ubyte.gz': '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073',
    't10k-labels-idx1-ubyte.gz': '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5',
  },
  sha256Raw: {
    'train-images-idx3-ubyte': 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888',
    'train-labels-idx1-ubyte': 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9',
    't10k-images-idx3-ubyte': '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b',
    't10k-labels-idx1-ubyte': '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34',
  },
  systemDirs: ['/usr/share/datasets/fashion-mnist'],
  advice: "put the IDX files in --data-dir DIR or $MPO_DATA_DIR, or install Debian's dataset-fashion-mnist, " +
    'or use --dataset fashion-mnist-subset (embedded)',
  classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
};

/** MNIST (LeCun, Cortes & Burges), from the mirror PyTorch uses. */
export const MNIST: IdxDatasetSpec = {
  format: 'idx',
  title: 'MNIST',
  subdir: 'mnist',
  files: IDX_FILES,
  baseUrl: 'https://ossci-datasets.s3.amazonaws.com/mnist/',
  sha256Gz: {
    'train-images-idx3-ubyte.gz': '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609',
    'train-labels-idx1-ubyte.gz': '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c',
    't10k-images-idx3-ubyte.gz': '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6',
    't10k-labels-idx1-ubyte.gz': 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6',
  },
  systemDirs: [],
  advice: 'put the IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, ' +
    't10k-labels-idx1-ubyte, plain or .gz) in --data-dir DIR or $MPO_DATA_DIR',
  classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
};

/** CIFAR-10 (Krizhevsky 2009), binary version. */
export const CIFAR10: CifarDatasetSpec = {
  format: 'cifar',
  title: 'CIFAR-10',
  subdir: 'cifar-10-batches-bin',
  files: {
    train: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'],
    test: ['test_batch.bin'],
  },
  archiveUrl: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
  archiveMd5: 'c32a1d4ab5d03f1284b67883e8d87530',
  advice: 'put data_batch_1..5.bin and test_batch.bin (from cifar-10-binary.tar.gz on the CIFAR-10 home page) ' +
    'in --data-dir DIR or $MPO_DATA_DIR',
  classNames: ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'],
};

/** The file-backed datasets by name. */
export const DATASET_SPECS: Record<Exclude<DatasetName, 'fashion-mnist-subset'>, DatasetSpec> = {
  'fashion-mnist': FASHION_MNIST,
  mnist: MNIST,
  cifar10: CIFAR10,
};

/** Formats a count with thousands separators for messages, e.g. `47,040,016`. */
export function fmtCount(n: number): string {
  return n.toLocaleString('en-US');
}
