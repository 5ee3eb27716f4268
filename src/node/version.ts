import { readFileSync } from 'node:fs';

let cached: string | null = null;

/**
 * mpo and its version as recorded in runs and exports, e.g. `mpo 0.1.0`: read once from
 * package.json (two folders up from this file, in `src/node/` and in `dist/node/` alike).
 */
export function toolVersion(): string {
  if (cached === null) {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name?: string; version?: string; };
    cached = `${pkg.name ?? 'mpo'} ${pkg.version ?? 'unknown'}`;
  }
  return cached;
}
