import { normalize, type Colormap, type ScaleKind } from './colormap.js';
import { drawText, FONT_CAP_HEIGHT, measureText } from './font.js';
import { drawBorder, INK, LABEL_GAP, TICK_LENGTH } from './panel.js';
import { fillRect, type Raster } from './raster.js';
import { formatTick, linearTicks, logTicks } from './ticks.js';

/**
 * A vertical colour bar: the highest value at the top, tick marks and labels on its
 * right, and (when the data has NaN values) a small "NaN" swatch below it.
 */

/** Space between the map and the colour bar, in pixels. */
export const COLORBAR_GAP = 14;
/** Width of the bar itself, in pixels (times the font scale). */
export const COLORBAR_WIDTH = 12;

/** What a colour bar shows. */
export interface ColorbarSpec {
  /** Scale of the values. */
  scale: ScaleKind;
  /** [lo, hi] of the colours (already checked). */
  domain: readonly [number, number];
  /** Colour map. */
  colormap: Colormap;
  /** Height of the bar in pixels. */
  barHeight: number;
  /** Magnification of tick labels. */
  fontScale: number;
  /** Draw a NaN swatch below the bar. */
  showNan: boolean;
}

/** Tick values of the bar (3-5 where the scale allows), thinned so labels do not touch. */
export function colorbarTicks(spec: ColorbarSpec): number[] {
  const [lo, hi] = spec.domain;
  let ticks = spec.scale === 'log' ? logTicks(lo, hi, 5) : linearTicks(lo, hi, 5);
  if (ticks.length === 0) ticks = [lo];
  const minGap = (FONT_CAP_HEIGHT + 3) * spec.fontScale;
  const pos = (v: number): number => (1 - normalize(v, spec)) * (spec.barHeight - 1);
  const fits = (ts: number[]): boolean => ts.every((v, i) => i === 0 || Math.abs(pos(ts[i - 1]) - pos(v)) >= minGap);
  while (ticks.length > 2 && !fits(ticks)) ticks = ticks.filter((_, i) => i % 2 === 0);
  if (!fits(ticks)) ticks = [ticks[ticks.length - 1]];
  return ticks;
}

function nanLegendHeight(spec: ColorbarSpec): number {
  return spec.showNan ? 8 * spec.fontScale + FONT_CAP_HEIGHT * spec.fontScale : 0;
}

/**
 * Pixels a colour bar needs right of the map (gap, bar, ticks, widest label) and from the
 * map's top edge down (bar, the last label's overhang, the NaN legend).
 */
export function colorbarSize(spec: ColorbarSpec): { width: number; height: number } {
  const fs = spec.fontScale;
  const labels = colorbarTicks(spec).map((v) => measureText(formatTick(v), fs).width);
  if (spec.showNan) labels.push(measureText('NaN', fs).width);
  const width = COLORBAR_GAP + COLORBAR_WIDTH * fs + 1 + TICK_LENGTH + LABEL_GAP + Math.max(0, ...labels);
  const height = spec.barHeight + 1 + Math.ceil((FONT_CAP_HEIGHT * fs) / 2) + nanLegendHeight(spec);
  return { width, height };
}

/** Draws the colour bar with the left edge of its gap at x and the bar's top at y. */
export function drawColorbar(r: Raster, x: number, y: number, spec: ColorbarSpec): void {
  const fs = spec.fontScale;
  const barX = x + COLORBAR_GAP;
  const barW = COLORBAR_WIDTH * fs;
  const h = spec.barHeight;
  const flat = spec.domain[0] === spec.domain[1]; // one value: a solid bar of the middle colour
  for (let p = 0; p < h; p++) {
    const t = flat ? 0.5 : h === 1 ? 1 : 1 - p / (h - 1);
    fillRect(r, barX, y + p, barW, 1, spec.colormap.at(t));
  }
  drawBorder(r, barX, y, barW, h);
  const tickX = barX + barW + 1;
  const labelH = FONT_CAP_HEIGHT * fs;
  for (const v of colorbarTicks(spec)) {
    const ty = y + Math.round((1 - normalize(v, spec)) * (h - 1));
    fillRect(r, tickX, ty, TICK_LENGTH, 1, INK);
    drawText(r, formatTick(v), tickX + TICK_LENGTH + LABEL_GAP, ty - Math.floor(labelH / 2), { scale: fs, color: INK });
  }
  if (spec.showNan) {
    const sy = y + h + 1 + Math.ceil(labelH / 2) + 4 * fs;
    const side = labelH;
    fillRect(r, barX, sy, barW, side, spec.colormap.nanColor);
    drawBorder(r, barX, sy, barW, side);
    drawText(r, 'NaN', tickX + TICK_LENGTH + LABEL_GAP, sy, { scale: fs, color: INK });
  }
}
