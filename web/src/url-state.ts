import { SOLID_NAMES } from '../../src/core/index.js';
import { APP_SETTING_NAMES, appAccepts, appChoices, appDefault, appUrlKey, type NumericAppSetting } from './app-settings.js';
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
 * The app's defaults: each setting's `app.default` in the core's table, else the CLI's (see
 * src/core/settings.ts for why the app's differ: a playground wants frames per second).
 * test/browser-app.test.ts measures the bar with these defaults in headless Chromium (wasm):
 * AUC 0.95 6-8 s after play on a loaded 2-core machine.
 */
export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  manifold: appDefault('manifold') as ManifoldName,
  model: appDefault('model') as Settings['model'],
  cellsPerStep: appDefault('cellsPerStep'),
  batchSize: appDefault('batchSize'),
  lr: appDefault('lr'),
  scaleInit: appDefault('scaleInit'),
  seed: appDefault('seed'),
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

/** The URL hash (with `#`) of a state: each setting that differs from its default under its URL key ({@link appUrlKey}), then the pattern. */
export function encodeHash(state: AppState): string {
  const s = state.settings;
  const d = DEFAULT_SETTINGS;
  const parts: string[] = [];
  for (const name of APP_SETTING_NAMES) if (s[name] !== d[name]) parts.push(`${appUrlKey(name)}=${s[name]}`);
  if (s.backend !== d.backend) parts.push(`backend=${s.backend}`);
  parts.push(`p=${encodePatternSpec(state.pattern)}`);
  return `#${parts.join('&')}`;
}

/**
 * Checks a settings object field by field against the app's ranges and choices ({@link appAccepts}),
 * replacing bad values by the defaults; `scale` is read for `scaleInit` (checkpoints saved before
 * the app used the table's names).
 */
export function sanitizeSettings(s: Partial<Record<keyof Settings | 'scale', unknown>>): Settings {
  const d = DEFAULT_SETTINGS;
  const value = (name: NumericAppSetting): number => {
    const raw = s[name] ?? (name === 'scaleInit' ? s.scale : undefined);
    const n = raw === undefined || String(raw).trim() === '' ? NaN : Number(raw);
    return appAccepts(name, n) ? n : d[name];
  };
  const choice = <T extends string>(v: unknown, options: readonly string[], fallback: T): T => (options.includes(String(v)) ? (String(v) as T) : fallback);
  return {
    manifold: choice(s.manifold, appChoices('manifold'), d.manifold),
    model: choice(s.model, appChoices('model'), d.model),
    cellsPerStep: value('cellsPerStep'),
    batchSize: value('batchSize'),
    lr: value('lr'),
    scaleInit: value('scaleInit'),
    seed: value('seed'),
    backend: choice(s.backend, BACKENDS, d.backend),
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
  const fields: Record<string, unknown> = { backend: params.get('backend') };
  for (const name of APP_SETTING_NAMES) fields[name] = params.get(appUrlKey(name));
  const settings = sanitizeSettings(fields);
  const p = params.get('p');
  const decoded = p !== undefined ? decodePatternSpec(p, builtinNames) : null;
  const pattern = decoded && manifoldOfSpec(decoded) === settings.manifold
    ? decoded
    : decodePatternSpec(DEFAULT_PATTERN_SPECS[settings.manifold], builtinNames)!;
  return { settings, pattern };
}
