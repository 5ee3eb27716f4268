/**
 * Whether a target is hard for the app's small models, and what to say then: random masks and
 * fine detail (most cells beside a cell of the other colour) need many more steps than a blob
 * (a random mask reaches test AUC about 0.6 in 30 s of the MLP where the heart reaches 0.95 in
 * a few seconds). Pure functions: no DOM.
 */
import type { PatternData } from './protocol.js';

/** The share of cells that have a side neighbour (in the same slice) of the other colour. */
export function edgeShare(p: PatternData): number {
  const { height: h, width: w } = p;
  const n = p.cells.length;
  let edge = 0;
  for (let k = 0; k < n; k++) {
    const base = k - (k % (h * w));
    const i = k % (h * w);
    const r = Math.floor(i / w), c = i % w;
    const v = p.cells[k];
    const other = (rr: number, cc: number) => rr >= 0 && rr < h && cc >= 0 && cc < w && p.cells[base + rr * w + cc] !== v;
    if (other(r - 1, c) || other(r + 1, c) || other(r, c - 1) || other(r, c + 1)) edge++;
  }
  return n ? edge / n : 0;
}

/** Share of edge cells from which a picture counts as fine detail. */
export const FINE_DETAIL_EDGE_SHARE = 0.6;

/** A note for a hard target (a random mask, fine detail), or null. */
export function hardTargetNote(p: PatternData): string | null {
  if (p.origin.kind === 'random') {
    return 'a random mask is a hard target for a small model: expect test AUC to climb slowly (about 0.6 after 30 s of the MLP)';
  }
  if (p.height > 1 && p.cells.length >= 64 && edgeShare(p) >= FINE_DETAIL_EDGE_SHARE) {
    return 'this target is mostly fine detail, a hard target for a small model: expect test AUC to climb slowly (broad shapes train fastest)';
  }
  return null;
}
