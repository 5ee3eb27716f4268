/**
 * A minimal reader of (uncompressed) tar archives, enough for the CIFAR-10 archive: 512-byte
 * ustar/GNU headers, octal sizes, regular files. Long names (GNU 'L') are followed; pax
 * headers, links and folders are skipped.
 */
import { MpoError } from '../../core/errors.js';

/** A regular file inside a tar archive. */
export interface TarEntry {
  /** Path inside the archive, e.g. `cifar-10-batches-bin/test_batch.bin`. */
  name: string;
  /** File contents (a view into the archive's bytes). */
  data: Uint8Array;
}

const BLOCK = 512;
const decoder = new TextDecoder();

function field(header: Uint8Array, start: number, length: number): string {
  const bytes = header.subarray(start, start + length);
  const end = bytes.indexOf(0);
  return decoder.decode(end < 0 ? bytes : bytes.subarray(0, end));
}

function octal(header: Uint8Array, start: number, length: number, archive: string): number {
  const text = field(header, start, length).trim();
  if (!/^[0-7]*$/.test(text)) {
    throw new MpoError(`tar archive "${archive}" has a corrupt header (number "${text}"): delete it and download it again`);
  }
  return text === '' ? 0 : parseInt(text, 8);
}

/**
 * The regular files of a tar archive, in order. `archive` names it in error messages;
 * a corrupt header or a truncated archive throws an {@link MpoError}.
 */
export function readTar(bytes: Uint8Array, archive: string): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  let longName: string | undefined;
  while (offset + BLOCK <= bytes.length) {
    const header = bytes.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) return entries;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
    if (sum !== octal(header, 148, 8, archive)) {
      throw new MpoError(
        `tar archive "${archive}" has a header with a wrong checksum at byte ${offset}: delete it and download it again`,
      );
    }
    const size = octal(header, 124, 12, archive);
    const type = String.fromCharCode(header[156] || 0x30);
    const start = offset + BLOCK;
    if (start + size > bytes.length) break;
    const data = bytes.subarray(start, start + size);
    const prefix = field(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    longName = undefined;
    if (type === 'L') longName = decoder.decode(data).replace(/\0+$/, '');
    else if (type === '0' || type === '7') entries.push({ name, data });
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  if (offset === bytes.length) return entries;
  throw new MpoError(`tar archive "${archive}" is truncated: delete it and download it again`);
}
