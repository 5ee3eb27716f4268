import { type FitConfig, type Pattern, patternToText, type Provenance, resolveConfig, runConfigText } from '../../src/core/index.js';
import type { PatternData, Settings } from './protocol.js';

/** The target's pattern for the core (slices only for a volume). */
export function patternOfData(p: PatternData): Pattern {
  return { height: p.height, width: p.width, cells: p.cells, name: p.name, ...((p.depth ?? 1) > 1 ? { depth: p.depth } : {}) };
}

/** A line's strip as the CLI types it (`1d:##..##`), or null for another manifold. */
function stripOf(s: Settings, p: PatternData): string | null {
  return s.manifold === 'line' ? `1d:${Array.from(p.cells, (v) => (v ? '#' : '.')).join('')}` : null;
}

/**
 * The config of the app's run: its settings under the core's names, the target as the CLI names
 * it (an untouched built-in or random mask by name, a strip inline, other cells as `pattern.txt`),
 * every cell trained (the app draws no ternary mask), a constant learning rate (a playground has
 * no end of run to decay to), the embedded data and `steps` (the steps trained so far).
 */
export function appConfig(s: Settings, p: PatternData, steps = 0): FitConfig {
  const strip = stripOf(s, p);
  const picture = p.origin.kind === 'builtin' ?
    { pattern: p.origin.name, randomMask: null }
    : p.origin.kind === 'random' ?
    { pattern: 'heart', randomMask: p.origin.p }
    : { pattern: strip ?? 'pattern.txt', randomMask: null };
  return resolveConfig({
    ...picture,
    manifold: s.manifold,
    patternSize: Math.max(p.height, p.width),
    ignoreInterior: false,
    model: s.model,
    dataset: 'fashion-mnist-subset',
    steps,
    batchSize: s.batchSize,
    cellsPerStep: s.cellsPerStep,
    lr: s.lr,
    lrSchedule: 'constant',
    scaleInit: s.scaleInit,
    seed: s.seed,
    backend: 'wasm',
  });
}

/** The files saved beside an app checkpoint: `config.json` and, for drawn cells, `pattern.txt` (null otherwise). */
export function appRunFiles(s: Settings, p: PatternData, steps: number, provenance: Provenance): { config: string; patternText: string | null; } {
  const patternText = p.origin.kind === 'cells' && !stripOf(s, p) ? `${patternToText(patternOfData(p))}\n` : null;
  return { config: runConfigText(appConfig(s, p, steps), { source: 'mpo browser app', ...provenance }), patternText };
}
