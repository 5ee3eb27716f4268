/**
 * The app's whole state in the URL hash, so that reloading restores it and the URL is the
 * share link: `#manifold=line&model=mlp&cells=25&batch=128&lr=0.001&scale=0.2&seed=1&backend=wasm&p=...`.
 * The pattern `p` is `heart.24` for an untouched built-in (name.side; a 3D solid such as
 * `cube-frame.6` for a volume), `random.0.5.30` for an untouched random mask (p.side; its seed is
 * the run's seed), `1d:XX..XX..XX` for a line's strip (X black, . white), else `HxW.` (a picture) or
 * `DxHxW.` (a volume's slices) followed by the cells packed 6 per character in the URL-safe base64
 * alphabet (a 50x50 drawing is 417 characters). Pure functions (no DOM): tested in Node.
 */
import { SOLID_NAMES } from '../../src/core/pattern/solids.js';
import type { BackendName, ManifoldName, PatternData, Settings } from './protocol.js';

/** Smallest and largest side of a drawn grid. */
export const MIN_SIDE = 8;
export const MAX_SIDE = 50;
/** Smallest and largest length of a line's strip. */
export const MIN_STRIP = 8;
export const MAX_STRIP = 64;
/** Smallest and largest side of a volume (cells per side; a 10^3 volume is 1,000 networks per landscape). */
export const MIN_VOLUME_SIDE = 4;
export const MAX_VOLUME_SIDE = 10;

/**
 * The app's defaults. The MLP at 25 + 25 cells per step on 128 images costs about half a step
 * of the CLI's 50 + 50 on 256 and reached the heart's test AUC 0.95 at the same step (10, Node,
 * same loop); scale 0.2 got there before 0.1 (AUC 0.96 against 0.94 at step 10), as the gallery
 * found for the MLP. The learning rate is the CLI's base rate, constant (a playground has no end
 * of run to decay to). test/browser-app.test.ts measures the bar with these defaults in headless
 * Chromium (wasm): AUC 0.95 6-8 s after play on a loaded 2-core machine.
 */
export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  manifold: 'plane',
  model: 'mlp',
  cellsPerStep: 25,
  batchSize: 128,
  lr: 1e-3,
  scale: 0.2,
  seed: 1,
  backend: 'wasm',
});

/** The default picture: the CLI's default heart at the CLI's default size. */
export const DEFAULT_PATTERN_SPEC = 'heart.24';

/** Each manifold's default target, the CLI's (`mpo fit --manifold line|volume` without --pattern): `1d:##..##..##` and a 6-cell cube frame. */
export const DEFAULT_PATTERN_SPECS: Readonly<Record<ManifoldName, string>> = Object.freeze({
  line: '1d:XX..XX..XX',
  plane: DEFAULT_PATTERN_SPEC,
  volume: 'cube-frame.6',
});

/** How the pattern is described in the URL: a built-in, a random mask, or explicit cells. */
export type PatternSpec =
  | { kind: 'builtin'; name: string; side: number; }
  | { kind: 'random'; p: number; side: number; }
  | { kind: 'cells'; pattern: PatternData; };

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Packs 0/1 cells 6 per character (URL-safe base64 alphabet, no padding). */
export function packCells(cells: Uint8Array): string {
  let out = '';
  for (let i = 0; i < cells.length; i += 6) {
    let v = 0;
    for (let b = 0; b < 6; b++) v |= (cells[i + b] ? 1 : 0) << (5 - b);
    out += ALPHABET[v];
  }
  return out;
}

/** Unpacks `n` cells from {@link packCells}' text; null when the text is not valid for n cells. */
export function unpackCells(text: string, n: number): Uint8Array | null {
  if (text.length !== Math.ceil(n / 6)) return null;
  const cells = new Uint8Array(n);
  for (let i = 0; i < text.length; i++) {
    const v = ALPHABET.indexOf(text[i]);
    if (v < 0) return null;
    for (let b = 0; b < 6 && i * 6 + b < n; b++) cells[i * 6 + b] = (v >> (5 - b)) & 1;
  }
  return cells;
}

/** The `p` value of a pattern spec. */
export function encodePatternSpec(spec: PatternSpec): string {
  if (spec.kind === 'builtin') return `${spec.name}.${spec.side}`;
  if (spec.kind === 'random') return `random.${spec.p}.${spec.side}`;
  const { depth = 1, height, width, cells } = spec.pattern;
  if (depth > 1) return `${depth}x${height}x${width}.${packCells(cells)}`;
  if (height === 1) return `1d:${Array.from(cells, (v) => (v ? 'X' : '.')).join('')}`;
  return `${height}x${width}.${packCells(cells)}`;
}

const sideOk = (n: number) => Number.isInteger(n) && n >= MIN_SIDE && n <= MAX_SIDE;
const volumeSideOk = (n: number) => Number.isInteger(n) && n >= MIN_VOLUME_SIDE && n <= MAX_VOLUME_SIDE;

/** Parses a `p` value; null when it is malformed (the caller falls back to the default). */
export function decodePatternSpec(text: string, builtinNames: readonly string[]): PatternSpec | null {
  const strip = /^1d:([X.]+)$/i.exec(text);
  if (strip) {
    const width = strip[1].length;
    if (width < MIN_STRIP || width > MAX_STRIP) return null;
    const cells = Uint8Array.from(strip[1], (ch) => (ch === '.' ? 0 : 1));
    return { kind: 'cells', pattern: { height: 1, width, cells, name: 'strip', origin: { kind: 'cells' } } };
  }
  const volume = /^(\d+)x(\d+)x(\d+)\.([A-Za-z0-9_-]*)$/.exec(text);
  if (volume) {
    const [depth, height, width] = [1, 2, 3].map((i) => Number(volume[i]));
    if (![depth, height, width].every(volumeSideOk)) return null;
    const cells = unpackCells(volume[4], depth * height * width);
    return cells ? { kind: 'cells', pattern: { depth, height, width, cells, name: 'drawn', origin: { kind: 'cells' } } } : null;
  }
  const cellsMatch = /^(\d+)x(\d+)\.([A-Za-z0-9_-]*)$/.exec(text);
  if (cellsMatch) {
    const height = Number(cellsMatch[1]);
    const width = Number(cellsMatch[2]);
    if (!sideOk(height) || !sideOk(width)) return null;
    const cells = unpackCells(cellsMatch[3], height * width);
    return cells ? { kind: 'cells', pattern: { height, width, cells, name: 'drawn', origin: { kind: 'cells' } } } : null;
  }
  const random = /^random\.(0?\.\d+)\.(\d+)$/.exec(text);
  if (random) {
    const p = Number(random[1]);
    const side = Number(random[2]);
    return p > 0 && p < 1 && sideOk(side) ? { kind: 'random', p, side } : null;
  }
  const builtin = /^([a-z0-9-]+)\.(\d+)$/.exec(text);
  if (builtin && builtinNames.includes(builtin[1]) && sideOk(Number(builtin[2]))) {
    return { kind: 'builtin', name: builtin[1], side: Number(builtin[2]) };
  }
  if (builtin && SOLID_NAMES.includes(builtin[1]) && volumeSideOk(Number(builtin[2]))) {
    return { kind: 'builtin', name: builtin[1], side: Number(builtin[2]) };
  }
  return null;
}

/** The manifold a pattern spec is a target of: a strip for a line, a solid or a stack of slices for a volume, else the plane. */
export function manifoldOfSpec(spec: PatternSpec): ManifoldName {
  if (spec.kind === 'builtin') return SOLID_NAMES.includes(spec.name) ? 'volume' : 'plane';
  if (spec.kind === 'random') return 'plane';
  return (spec.pattern.depth ?? 1) > 1 ? 'volume' : spec.pattern.height === 1 ? 'line' : 'plane';
}

/** The app's state: settings and the pattern spec. */
export interface AppState {
  settings: Settings;
  pattern: PatternSpec;
}

const BACKENDS: readonly BackendName[] = ['wasm', 'webgl', 'webgpu'];
const MANIFOLDS: readonly ManifoldName[] = ['line', 'plane', 'volume'];

/** The URL hash (with `#`) of a state. Settings equal to the defaults are left out. */
export function encodeHash(state: AppState): string {
  const s = state.settings;
  const d = DEFAULT_SETTINGS;
  const parts: string[] = [];
  if (s.manifold !== d.manifold) parts.push(`manifold=${s.manifold}`);
  if (s.model !== d.model) parts.push(`model=${s.model}`);
  if (s.cellsPerStep !== d.cellsPerStep) parts.push(`cells=${s.cellsPerStep}`);
  if (s.batchSize !== d.batchSize) parts.push(`batch=${s.batchSize}`);
  if (s.lr !== d.lr) parts.push(`lr=${s.lr}`);
  if (s.scale !== d.scale) parts.push(`scale=${s.scale}`);
  if (s.seed !== d.seed) parts.push(`seed=${s.seed}`);
  if (s.backend !== d.backend) parts.push(`backend=${s.backend}`);
  parts.push(`p=${encodePatternSpec(state.pattern)}`);
  return `#${parts.join('&')}`;
}

function num(v: string | undefined, ok: (n: number) => boolean, fallback: number): number {
  if (v === undefined || v.trim() === '') return fallback;
  const n = Number(v);
  return Number.isFinite(n) && ok(n) ? n : fallback;
}

/** Checks a settings object field by field, replacing bad values by the defaults. */
export function sanitizeSettings(s: Partial<Record<keyof Settings, unknown>>): Settings {
  const d = DEFAULT_SETTINGS;
  const str = (v: unknown) => (v === undefined ? undefined : String(v));
  const int = (lo: number, hi: number) => (n: number) => Number.isInteger(n) && n >= lo && n <= hi;
  return {
    manifold: MANIFOLDS.includes(s.manifold as ManifoldName) ? (s.manifold as ManifoldName) : d.manifold,
    model: s.model === 'cnn' || s.model === 'mlp' ? s.model : d.model,
    cellsPerStep: num(str(s.cellsPerStep), int(1, 500), d.cellsPerStep),
    batchSize: num(str(s.batchSize), int(1, 2048), d.batchSize),
    lr: num(str(s.lr), (n) => n > 0 && n <= 1, d.lr),
    scale: num(str(s.scale), (n) => n > 0 && n <= 10, d.scale),
    seed: num(str(s.seed), int(0, 2 ** 31 - 1), d.seed),
    backend: BACKENDS.includes(s.backend as BackendName) ? (s.backend as BackendName) : d.backend,
  };
}

/**
 * Parses a URL hash; anything missing or malformed takes its default. A pattern that is not a
 * target of the manifold (a picture for a line, say) is replaced by the manifold's default.
 */
export function decodeHash(hash: string, builtinNames: readonly string[]): AppState {
  const params = new Map<string, string>();
  for (const part of hash.replace(/^#/, '').split('&')) {
    const i = part.indexOf('=');
    if (i > 0) params.set(decodeURIComponent(part.slice(0, i)), decodeURIComponent(part.slice(i + 1)));
  }
  const settings = sanitizeSettings({
    manifold: params.get('manifold'),
    model: params.get('model'),
    cellsPerStep: params.get('cells'),
    batchSize: params.get('batch'),
    lr: params.get('lr'),
    scale: params.get('scale'),
    seed: params.get('seed'),
    backend: params.get('backend'),
  });
  const p = params.get('p');
  const decoded = p !== undefined ? decodePatternSpec(p, builtinNames) : null;
  const pattern = decoded && manifoldOfSpec(decoded) === settings.manifold
    ? decoded
    : decodePatternSpec(DEFAULT_PATTERN_SPECS[settings.manifold], builtinNames)!;
  return { settings, pattern };
}
