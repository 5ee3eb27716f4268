import { type Checkpoint, decodeCheckpoint, manifoldDims } from '../../src/core/index.js';
import { DAMAGED_CHECKPOINT, type PatternData, type Settings } from './protocol.js';
import { sanitizeSettings } from './url-state.js';

/** The key of `Checkpoint.extra` that holds the app's run description. */
export const APP_EXTRA_KEY = 'app';

/** What the app stores: the settings (the backend is the loader's choice) and the target, cells as a 0/1 string. */
export interface SavedRun {
  settings: Settings;
  pattern: PatternData;
}

/** The JSON-friendly form of `run` for `Checkpoint.extra[APP_EXTRA_KEY]`. */
export function encodeRunMeta(run: SavedRun): Record<string, unknown> {
  const p = run.pattern;
  return {
    settings: { ...run.settings },
    pattern: { depth: p.depth ?? 1, height: p.height, width: p.width, name: p.name, origin: { ...p.origin }, cells: Array.from(p.cells).join('') },
  };
}

/**
 * The run described by a checkpoint's `extra` (see {@link encodeRunMeta}); null when it has none
 * (a checkpoint of the CLI, or of an older app) or when the description does not hold together.
 */
export function decodeRunMeta(extra: Record<string, unknown> | undefined): SavedRun | null {
  const meta = extra?.[APP_EXTRA_KEY];
  if (typeof meta !== 'object' || meta === null) return null;
  const { settings, pattern } = meta as { settings?: unknown; pattern?: unknown; };
  if (typeof settings !== 'object' || settings === null || typeof pattern !== 'object' || pattern === null) return null;
  const p = pattern as Record<string, unknown>;
  const depth = Number(p.depth ?? 1), height = Number(p.height), width = Number(p.width);
  const dims = [depth, height, width];
  if (!dims.every((n) => Number.isInteger(n) && n >= 1 && n <= 4096)) return null;
  if (typeof p.cells !== 'string' || p.cells.length !== depth * height * width || !/^[01]*$/.test(p.cells)) return null;
  const origin = p.origin as PatternData['origin'] | undefined;
  const okOrigin = origin && (origin.kind === 'cells' || (origin.kind === 'builtin' && typeof origin.name === 'string')
    || (origin.kind === 'random' && typeof origin.p === 'number'));
  return {
    settings: sanitizeSettings(settings as Record<string, unknown>),
    pattern: {
      ...(depth > 1 ? { depth } : {}),
      height,
      width,
      cells: Uint8Array.from(p.cells, (c) => (c === '1' ? 1 : 0)),
      name: typeof p.name === 'string' ? p.name : 'loaded',
      origin: okOrigin ? origin : { kind: 'cells' },
    },
  };
}

/** A checkpoint the app can load, with the settings and target to load it with. */
export interface RunToLoad {
  checkpoint: Checkpoint;
  settings: Settings;
  pattern: PatternData;
  /** The checkpoint carried its own settings and target (else the page's current ones are used). */
  own: boolean;
}

/**
 * Reads a checkpoint file chosen in the app: its own settings and target when it carries them
 * (the page's backend kept), else the current ones. Throws an Error in the app's words for a
 * damaged file, or a manifold that is not the one it would be loaded on, before anything changes.
 */
export function runToLoad(bytes: Uint8Array, current: { settings: Settings; pattern: PatternData; }): RunToLoad {
  let checkpoint: Checkpoint;
  try {
    checkpoint = decodeCheckpoint(bytes, 'checkpoint.mpo');
  } catch {
    throw new Error(DAMAGED_CHECKPOINT);
  }
  const saved = decodeRunMeta(checkpoint.extra);
  const want = manifoldDims((saved?.settings ?? current.settings).manifold);
  if (checkpoint.dims !== want) {
    if (saved) throw new Error(DAMAGED_CHECKPOINT);
    const name = ['a point', 'a line', 'a plane', 'a volume'][checkpoint.dims] ?? `a ${checkpoint.dims}-dimensional manifold`;
    throw new Error(
      `the checkpoint holds ${name} (d = ${checkpoint.dims}), the app fits ${['', 'a line', 'a plane', 'a volume'][want]}: choose its manifold first`,
    );
  }
  if (saved && saved.settings.model !== checkpoint.model) throw new Error(DAMAGED_CHECKPOINT);
  return saved ?
    { checkpoint, settings: { ...saved.settings, backend: current.settings.backend }, pattern: saved.pattern, own: true }
    : { checkpoint, ...current, own: false };
}
