/**
 * Writes the embedded FashionMNIST subset, data/fashion-mnist-subset/: the FIRST 10,000
 * training and FIRST 2,000 test examples of the official FashionMNIST files, as gzip'd IDX
 * files (level 9, gzip header mtime 0 and OS 3, so the output is byte-reproducible with the
 * same zlib), plus SHA256SUMS, README.md (provenance) and LICENSE (MIT, Zalando SE).
 *
 * Usage: node --import tsx scripts/make-fashion-subset.ts [--from DIR] [--out DIR]
 *   --from  folder with the official files, plain or .gz (default: Debian's
 *           /usr/share/datasets/fashion-mnist from the package dataset-fashion-mnist)
 *   --out   output folder (default: data/fashion-mnist-subset of this repository)
 * The source files must have the official SHA-256 sums (checked on their uncompressed contents).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { MpoError } from '../src/core/errors.js';
import { FASHION_MNIST, fmtCount } from '../src/node/data/catalog.js';
import { readMaybeGzip } from '../src/node/data/gzip.js';
import { encodeIdx, parseIdxImages, parseIdxLabels } from '../src/node/data/idx.js';
import { findFile } from '../src/node/data/locate.js';
import { SUBSET_TEST_SIZE, SUBSET_TRAIN_SIZE } from '../src/node/data/subset.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** gzip level 9 with a fixed header: mtime 0, OS 3 (Unix), whatever the platform. */
function gzipFixed(data: Uint8Array): Uint8Array {
  const gz = gzipSync(data, { level: constants.Z_BEST_COMPRESSION });
  gz.fill(0, 4, 8);
  gz[9] = 3;
  return gz;
}

async function readOfficial(dir: string, name: string): Promise<Uint8Array> {
  const path = findFile(dir, name);
  if (!path) throw new MpoError(`"${name}" (or .gz) not found in "${dir}": pass --from DIR with the official files`);
  const raw = await readMaybeGzip(path);
  const want = FASHION_MNIST.sha256Raw![name];
  if (sha256(raw) !== want) {
    throw new MpoError(`"${path}" is not the official FashionMNIST file (SHA-256 ${sha256(raw)}, expected ${want})`);
  }
  return raw;
}

const LICENSE = `MIT License

Copyright (c) 2017 Zalando SE

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
`;

interface Written {
  name: string;
  count: number;
  rawSha: string;
  gzSha: string;
  gzBytes: number;
  classCounts?: number[];
}

/** Where the source files came from, for the README. */
function describeSource(from: string): string {
  if (from !== FASHION_MNIST.systemDirs[0]) return `Files in \`${from}\``;
  let version = '';
  try {
    const changelog = gunzipSync(readFileSync('/usr/share/doc/dataset-fashion-mnist/changelog.Debian.gz')).toString();
    version = ` ${/^dataset-fashion-mnist \(([^)]+)\)/.exec(changelog)?.[1] ?? ''}`.trimEnd();
  } catch {
    // version unknown: say nothing about it
  }
  return `Debian package \`dataset-fashion-mnist\`${version}, files in \`${from}\``;
}

function readme(from: string, written: Written[]): string {
  const official = Object.entries(FASHION_MNIST.sha256Raw!)
    .map(([name, sha]) => `| ${name} | ${sha} |`)
    .join('\n');
  const files = written
    .map((w) => `| ${w.name}.gz | ${fmtCount(w.count)} | ${fmtCount(w.gzBytes)} | ${w.rawSha} |`)
    .join('\n');
  const labelFiles = written.filter((w) => w.classCounts);
  const classes = FASHION_MNIST.classNames
    .map((c, i) => `| ${i} | ${c} | ${labelFiles.map((w) => fmtCount(w.classCounts![i])).join(' | ')} |`)
    .join('\n');
  return `# FashionMNIST subset embedded in mpo

A small, offline copy of part of FashionMNIST (Xiao, Rasul & Vollgraf, 2017,
"Fashion-MNIST: a Novel Image Dataset for Benchmarking Machine Learning Algorithms",
arXiv:1708.07747), so that mpo's examples and tests run without internet.
\`mpo --dataset fashion-mnist-subset\` reads it; \`--dataset fashion-mnist\` uses the full dataset.

## What it is
- **train**: the FIRST ${fmtCount(SUBSET_TRAIN_SIZE)} examples of the official \`train-images-idx3-ubyte\` /
  \`train-labels-idx1-ubyte\`, in their original order.
- **test**: the FIRST ${fmtCount(SUBSET_TEST_SIZE)} examples of the official \`t10k-images-idx3-ubyte\` /
  \`t10k-labels-idx1-ubyte\`, in their original order.
- Nothing else is changed: same 28x28 unsigned-byte images, same labels; only the count in each
  IDX header is the subset's. It is not a random or class-balanced sample.

## Source
${describeSource(from)}, whose uncompressed contents are the official release
(https://github.com/zalandoresearch/fashion-mnist). SHA-256 of the official uncompressed files,
checked by the script before use:

| official file (uncompressed) | SHA-256 |
|---|---|
${official}

Do not use the npm package \`fashion-mnist\` instead: it holds an older pre-release of the data.

## Files
| file | examples | bytes (.gz) | SHA-256 of the uncompressed IDX |
|---|---|---|---|
${files}

\`SHA256SUMS\` lists the SHA-256 of each \`.gz\` file and of its uncompressed contents (the lines
without \`.gz\`). Check them with \`sha256sum -c --ignore-missing SHA256SUMS\` (the .gz files) and
\`zcat X.gz | sha256sum\` (the contents). The uncompressed sums identify the data; the \`.gz\` bytes
are reproducible with the same zlib (gzip level 9, header mtime 0, OS 3).

## Classes
| label | name | ${labelFiles.map((w) => w.name.startsWith('train') ? 'train count' : 'test count').join(' | ')} |
|---|---|${labelFiles.map(() => '---').join('|')}|
${classes}

## Regenerate
\`\`\`
node --import tsx scripts/make-fashion-subset.ts [--from DIR-WITH-OFFICIAL-FILES]
\`\`\`

## Licence
MIT, Copyright (c) 2017 Zalando SE: see \`LICENSE\`.
`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { from: { type: 'string' }, out: { type: 'string' } } });
  const from = values.from ?? FASHION_MNIST.systemDirs[0];
  const out = values.out ?? fileURLToPath(new URL('../data/fashion-mnist-subset/', import.meta.url));
  mkdirSync(out, { recursive: true });
  const written: Written[] = [];
  for (const split of ['train', 'test'] as const) {
    const count = split === 'train' ? SUBSET_TRAIN_SIZE : SUBSET_TEST_SIZE;
    const names = FASHION_MNIST.files[split];
    const images = parseIdxImages(await readOfficial(from, names.images), names.images);
    const labels = parseIdxLabels(await readOfficial(from, names.labels), names.labels, 10);
    const pixels = images.pixels.subarray(0, count * images.height * images.width);
    const labelBytes = labels.labels.subarray(0, count);
    const classCounts = new Array<number>(10).fill(0);
    for (const l of labelBytes) classCounts[l]++;
    const outputs: [string, Uint8Array, number[] | undefined][] = [
      [names.images, encodeIdx([count, images.height, images.width], pixels), undefined],
      [names.labels, encodeIdx([count], labelBytes), classCounts],
    ];
    for (const [name, raw, counts] of outputs) {
      const gz = gzipFixed(raw);
      writeFileSync(join(out, `${name}.gz`), gz);
      written.push({ name, count, rawSha: sha256(raw), gzSha: sha256(gz), gzBytes: gz.length, classCounts: counts });
    }
  }
  const sums = written.flatMap((w) => [`${w.gzSha}  ${w.name}.gz`, `${w.rawSha}  ${w.name}`]).join('\n') + '\n';
  writeFileSync(join(out, 'SHA256SUMS'), sums);
  writeFileSync(join(out, 'README.md'), readme(from, written));
  writeFileSync(join(out, 'LICENSE'), LICENSE);
  for (const w of written) console.log(`${w.name}.gz: ${fmtCount(w.count)} examples, ${fmtCount(w.gzBytes)} bytes`);
  console.log(`wrote ${out}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof MpoError ? `make-fashion-subset: error: ${e.message}` : e);
  process.exitCode = 1;
});
