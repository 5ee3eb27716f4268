import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_NAMES, BUILTIN_PATTERNS, builtinPattern, compose, type Figure, parseConfig, renderMask } from '../core/index.js';
import { writeFigure } from '../node/index.js';

/** `mpo patterns`: prints the built-ins and writes `<name>.png` (and `.svg`) previews and `all.png`. */
export function runPatternsCommand(out: string, sizeText: string): void {
  const size = parseConfig({ patternSize: sizeText }, '--size').patternSize ?? 24;
  mkdirSync(out, { recursive: true });
  const panels: Figure[] = [];
  for (const name of BUILTIN_NAMES) {
    const p = builtinPattern(name, size);
    const r = renderMask(p.cells, p.height, p.width, { title: name, cellSize: Math.max(2, Math.round(160 / size)) });
    writeFigure(join(out, `${name}.png`), r);
    panels.push(r);
    process.stdout.write(`${name.padEnd(12)} ${BUILTIN_PATTERNS[name].description}\n`);
  }
  const rows: Figure[][] = [];
  for (let i = 0; i < panels.length; i += 4) rows.push(panels.slice(i, i + 4));
  writeFigure(join(out, 'all.png'), compose(rows, { gap: 10 }));
  process.stdout.write(`previews written to ${out}/ (all.png shows them together)\n`);
}
