/**
 * Downloads dataset files from their official locations into the cache folder, checking
 * each against its published checksum. Files are written atomically (src/node/output/atomic.ts:
 * a temporary name, renamed when complete and verified), so an interrupted or bad download never leaves a file that
 * looks valid.
 */
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { MpoError } from '../../core/errors.js';
import { openFileAtomic, writeFileAtomic } from '../output/atomic.js';
import { type CifarDatasetSpec, type IdxDatasetSpec, fmtCount } from './catalog.js';
import { findFile } from './locate.js';
import { readTar } from './tar.js';

/** Options of a download. */
export interface DownloadOptions {
  /** The fetch function; default the global `fetch` (tests inject a fake). */
  fetchImpl?: typeof fetch;
  /** Receives progress lines; default: discarded. */
  log?: (line: string) => void;
}

/** The checksum a downloaded file must have. */
export interface ExpectedDigest {
  /** Hash algorithm (`md5` only where that is all the source publishes). */
  algorithm: 'sha256' | 'md5';
  /** Lower-case hex digest. */
  hex: string;
}

const why = (e: unknown) => {
  if (!(e instanceof Error)) return String(e);
  const cause = (e as { cause?: unknown; }).cause;
  return cause instanceof Error ? `${e.message}: ${cause.message}` : e.message;
};

/** What is being downloaded, for messages: a dataset's title and how to get its files by hand. */
export interface DownloadSource {
  /** Human name, e.g. `FashionMNIST`. */
  title: string;
  /** How to get the files without mpo downloading them. */
  advice: string;
}

/**
 * Downloads `url` to `dest`, checking its digest. When the request fails before any answer
 * (offline, DNS error), throws an {@link MpoError} with {@link offlineMessage}; an HTTP error, an
 * interrupted transfer or a wrong checksum throw an {@link MpoError} naming the URL, and
 * nothing is left at `dest`.
 */
export async function downloadFile(
  url: string,
  dest: string,
  expected: ExpectedDigest,
  source: DownloadSource,
  opts: DownloadOptions = {},
): Promise<void> {
  const fetchImpl = opts.fetchImpl ?? fetch;
  const log = opts.log ?? (() => {});
  log(`downloading ${url}`);
  let res: Response;
  try {
    res = await fetchImpl(url);
  } catch (e) {
    log(`download of ${url} failed: ${why(e)}`);
    throw new MpoError(offlineMessage(source));
  }
  if (!res.ok || !res.body) {
    throw new MpoError(`cannot download ${url}: HTTP ${res.status} ${res.statusText}: try again later, or ${source.advice}`);
  }
  const file = openFileAtomic(dest);
  const hash = createHash(expected.algorithm);
  let bytes = 0;
  try {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      hash.update(value);
      bytes += value.length;
      file.write(value);
    }
  } catch (e) {
    file.discard();
    if (e instanceof MpoError) throw e;
    throw new MpoError(`download of ${url} was interrupted (${why(e)}): try again`);
  }
  const actual = hash.digest('hex');
  if (actual !== expected.hex.toLowerCase()) {
    file.discard();
    throw new MpoError(
      `download of ${url} has ${expected.algorithm.toUpperCase()} ${actual}, expected ${expected.hex} ` +
        `(${fmtCount(bytes)} bytes; the file was deleted): try again, or check that nothing between you and the server alters it`,
    );
  }
  file.commit();
  log(`saved ${dest} (${fmtCount(bytes)} bytes, ${expected.algorithm} verified)`);
}

/** The message used when a dataset cannot be downloaded because the network is unreachable. */
export function offlineMessage(source: DownloadSource): string {
  return `cannot download ${source.title} (offline?): ${source.advice}`;
}

/**
 * Downloads the given IDX files (uncompressed names, e.g. `train-images-idx3-ubyte`) of a
 * dataset as `.gz` into `destDir`, skipping those already there, and verifies each `.gz`
 * against the spec's SHA-256.
 */
export async function downloadIdxFiles(
  spec: IdxDatasetSpec,
  names: string[],
  destDir: string,
  opts: DownloadOptions = {},
): Promise<void> {
  for (const name of names) {
    if (findFile(destDir, name)) continue;
    const gz = `${name}.gz`;
    const sha = spec.sha256Gz[gz];
    if (!sha) throw new Error(`bug: no SHA-256 known for ${spec.title} ${gz}`);
    await downloadFile(spec.baseUrl + gz, join(destDir, gz), { algorithm: 'sha256', hex: sha }, spec, opts);
  }
}

/**
 * Downloads the official CIFAR-10 binary archive next to `destDir`, checks its MD5 (the only
 * checksum published for it), extracts its `.bin` files and `batches.meta.txt` into `destDir`
 * and deletes the archive.
 */
export async function downloadCifar10(spec: CifarDatasetSpec, destDir: string, opts: DownloadOptions = {}): Promise<void> {
  const archive = join(dirname(destDir), basename(new URL(spec.archiveUrl).pathname));
  await downloadFile(spec.archiveUrl, archive, { algorithm: 'md5', hex: spec.archiveMd5 }, spec, opts);
  try {
    let tar: Uint8Array;
    try {
      tar = gunzipSync(await readFile(archive));
    } catch (e) {
      throw new MpoError(`archive "${archive}" is not valid gzip data (${why(e)}): delete it and try again`);
    }
    const wanted = new Set([...spec.files.train, ...spec.files.test, 'batches.meta.txt']);
    let extracted = 0;
    for (const entry of readTar(tar, archive)) {
      const name = basename(entry.name);
      if (!wanted.has(name)) continue;
      writeFileAtomic(join(destDir, name), entry.data);
      extracted++;
    }
    if (extracted === 0) {
      throw new MpoError(`archive "${archive}" holds none of the CIFAR-10 batch files: ${spec.advice}`);
    }
    (opts.log ?? (() => {}))(`extracted ${extracted} files into ${destDir}`);
  } finally {
    await rm(archive, { force: true });
  }
}
