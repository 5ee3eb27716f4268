import { check } from '../errors.js';
import { drawText, FONT_CAP_HEIGHT, measureText } from './font.js';
import { drawBorder, INK, LABEL_GAP, PANEL_MARGIN, TICK_LENGTH } from './panel.js';
import { createRaster, fillRect, WHITE_RGB, type Raster, type Rgb } from './raster.js';
import { formatTick, linearTicks } from './ticks.js';

/**
 * Line charts drawn into a raster (PNG-ready, isomorphic): series of (x, y) points joined by
 * solid, dashed or dotted lines, square markers, vertical error bars (y ± err), linear axes
 * with "nice" ticks and light grid lines, a title, axis labels and a legend right of the plot.
 * Used for the batch-norm study's Figure 4 (accuracy against fill probability).
 */

/** One point of a series; `err` draws an error bar from y - err to y + err. */
export interface PlotPoint {
  /** Position on the x axis. */
  readonly x: number;
  /** Position on the y axis; a non-finite y breaks the line and draws no marker. */
  readonly y: number;
  /** Half-length of the vertical error bar (e.g. a standard deviation); none when 0 or missing. */
  readonly err?: number;
}

/** Line styles of {@link PlotSeries}. */
export type LineStyle = 'solid' | 'dashed' | 'dotted';

/** One named line. */
export interface PlotSeries {
  /** Legend name, e.g. "without BN". */
  readonly name: string;
  /** Points, joined in this order. */
  readonly points: readonly PlotPoint[];
  /** Colour of the line, markers and error bars. */
  readonly color: Rgb;
  /** Line style (default 'solid'). */
  readonly style?: LineStyle;
  /** Draw a square marker at each point (default true). */
  readonly markers?: boolean;
}

/** Options of {@link renderLinePlot}. */
export interface PlotOptions {
  /** Title above the plot (default none). */
  readonly title?: string;
  /** Label centred under the x axis (default none). */
  readonly xLabel?: string;
  /** Label above the y axis, left-aligned (default none). */
  readonly yLabel?: string;
  /** Width of the plot area in pixels (default 480). */
  readonly plotWidth?: number;
  /** Height of the plot area in pixels (default 300). */
  readonly plotHeight?: number;
  /** [lo, hi] of the x axis (default: the data's range, error bars included, padded 5%). */
  readonly xDomain?: readonly [number, number];
  /** [lo, hi] of the y axis (default: the data's range, error bars included, padded 5%). */
  readonly yDomain?: readonly [number, number];
  /** x tick values (default: nice ticks of the domain). */
  readonly xTicks?: readonly number[];
  /** y tick values (default: nice ticks of the domain). */
  readonly yTicks?: readonly number[];
  /** Line width in pixels (default 2). */
  readonly lineWidth?: number;
  /** Side of the square markers in pixels (default 7). */
  readonly markerSize?: number;
  /** Whole-number magnification of labels; the title is one step larger (default 1). */
  readonly fontScale?: number;
}

/** Where the plot area is and how data maps to pixels. */
export interface PlotLayout {
  /** Left pixel column of the plot area (x domain's lo). */
  readonly plotX: number;
  /** Top pixel row of the plot area (y domain's hi). */
  readonly plotY: number;
  readonly plotWidth: number;
  readonly plotHeight: number;
  readonly xDomain: readonly [number, number];
  readonly yDomain: readonly [number, number];
}

/** A rendered chart with its layout. */
export interface PlotRaster extends Raster {
  readonly layout: PlotLayout;
}

/** Light grey of grid lines. */
const GRID: Rgb = [225, 225, 225];
const LEGEND_SAMPLE = 28;

/**
 * The pixel (column, row) of data point (x, y): x's lo at the plot area's left column, hi at
 * its right column (plotX + plotWidth - 1); y's hi at the top row, lo at the bottom row. Rounded.
 */
export function plotPixel(layout: PlotLayout, x: number, y: number): [number, number] {
  const [x0, x1] = layout.xDomain;
  const [y0, y1] = layout.yDomain;
  return [
    Math.round(layout.plotX + ((x - x0) / (x1 - x0)) * (layout.plotWidth - 1)),
    Math.round(layout.plotY + ((y1 - y) / (y1 - y0)) * (layout.plotHeight - 1)),
  ];
}

function dataDomain(series: readonly PlotSeries[], axis: 'x' | 'y'): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const s of series) {
    for (const p of s.points) {
      const e = axis === 'y' ? Math.abs(p.err ?? 0) : 0;
      const v = p[axis];
      if (!Number.isFinite(v) || !Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
      lo = Math.min(lo, v - e);
      hi = Math.max(hi, v + e);
    }
  }
  if (!(lo <= hi)) return [0, 1];
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  const pad = 0.05 * (hi - lo);
  return [lo - pad, hi + pad];
}

function checkDomain(d: readonly [number, number], name: string): readonly [number, number] {
  check(Array.isArray(d) && d.length === 2 && Number.isFinite(d[0]) && Number.isFinite(d[1]) && d[0] < d[1],
    `plot ${name} domain [${d}] is invalid: pass two finite numbers [lo, hi] with lo < hi`);
  return d;
}

function checkPixels(v: number, name: string, lo: number, hi: number): number {
  check(Number.isInteger(v) && v >= lo && v <= hi, `plot ${name} ${v} is invalid: pass a whole number of pixels in ${lo}..${hi}`);
  return v;
}

/** Draws a line segment of width `w` with the style's on/off pattern, continuing `phase` (pixels along the line). */
function drawSegment(r: Raster, a: [number, number], b: [number, number], w: number, color: Rgb, style: LineStyle, phase: number): number {
  const [on, period] = style === 'dotted' ? [0.5, 3 * w] : style === 'dashed' ? [4 * w, 7 * w] : [1, 1];
  const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
  const steps = Math.max(1, Math.ceil(len * 2));
  const off = Math.floor((w - 1) / 2);
  for (let i = 0; i <= steps; i++) {
    const t = i / steps;
    const along = phase + t * len;
    if (style !== 'solid' && along % period >= on) continue;
    fillRect(r, Math.round(a[0] + t * (b[0] - a[0])) - off, Math.round(a[1] + t * (b[1] - a[1])) - off, w, w, color);
  }
  return phase + len;
}

/**
 * Renders a line chart as a raster: white background, the plot area framed, grid lines and
 * labelled ticks on both axes, each series' error bars (with caps), line and markers, and a
 * legend right of the plot. Points are placed by {@link plotPixel}; everything outside the plot
 * area is clipped to it. Throws an MpoError for an empty series list, bad sizes or domains.
 */
export function renderLinePlot(series: readonly PlotSeries[], opts: PlotOptions = {}): PlotRaster {
  check(Array.isArray(series) && series.length > 0, 'plot has no series: pass at least one {name, points, color}');
  const fs = opts.fontScale ?? 1;
  checkPixels(fs, 'font scale', 1, 8);
  const pw = checkPixels(opts.plotWidth ?? 480, 'width', 20, 8000);
  const ph = checkPixels(opts.plotHeight ?? 300, 'height', 20, 8000);
  const lw = checkPixels(opts.lineWidth ?? 2, 'line width', 1, 20);
  const ms = checkPixels(opts.markerSize ?? 7, 'marker size', 0, 40);
  const xDomain = checkDomain(opts.xDomain ?? dataDomain(series, 'x'), 'x');
  const yDomain = checkDomain(opts.yDomain ?? dataDomain(series, 'y'), 'y');
  const inside = (v: number, d: readonly [number, number]) => v >= d[0] - 1e-9 * (d[1] - d[0]) && v <= d[1] + 1e-9 * (d[1] - d[0]);
  const xTicks = (opts.xTicks ?? linearTicks(xDomain[0], xDomain[1], 10)).filter((v) => inside(v, xDomain));
  const yTicks = (opts.yTicks ?? linearTicks(yDomain[0], yDomain[1], 6)).filter((v) => inside(v, yDomain));
  const labelH = FONT_CAP_HEIGHT * fs;
  const titleH = opts.title ? FONT_CAP_HEIGHT * (fs + 1) + 10 : 0;
  const yLabelH = opts.yLabel ? labelH + 8 : 0;
  const yTickW = Math.max(0, ...yTicks.map((v) => measureText(formatTick(v), fs).width));
  const plotX = PANEL_MARGIN + yTickW + LABEL_GAP + TICK_LENGTH + 1;
  const plotY = PANEL_MARGIN + titleH + yLabelH + Math.ceil(labelH / 2);
  const legendX = plotX + pw + 1 + 16;
  const legendW = LEGEND_SAMPLE + 6 + Math.max(...series.map((s) => measureText(s.name, fs).width));
  const xLabelH = opts.xLabel ? labelH + 8 : 0;
  const width = Math.max(legendX + legendW + PANEL_MARGIN, PANEL_MARGIN * 2 + measureText(opts.title ?? '', fs + 1).width);
  const legendH = series.length * (Math.max(labelH, ms) + 8);
  const height = Math.max(plotY + ph + 1 + TICK_LENGTH + LABEL_GAP + labelH + xLabelH, plotY + legendH) + PANEL_MARGIN;
  const r = createRaster(width, height, WHITE_RGB);
  const layout: PlotLayout = { plotX, plotY, plotWidth: pw, plotHeight: ph, xDomain, yDomain };

  if (opts.title) {
    const tw = measureText(opts.title, fs + 1).width;
    drawText(r, opts.title, Math.max(PANEL_MARGIN, Math.round(plotX + pw / 2 - tw / 2)), PANEL_MARGIN, { scale: fs + 1, color: INK });
  }
  if (opts.yLabel) drawText(r, opts.yLabel, PANEL_MARGIN, PANEL_MARGIN + titleH, { scale: fs, color: INK });
  for (const v of yTicks) {
    const [, py] = plotPixel(layout, xDomain[0], v);
    fillRect(r, plotX, py, pw, 1, GRID);
    fillRect(r, plotX - 1 - TICK_LENGTH, py, TICK_LENGTH, 1, INK);
    const label = formatTick(v);
    drawText(r, label, plotX - 1 - TICK_LENGTH - LABEL_GAP - measureText(label, fs).width, py - Math.floor(labelH / 2), { scale: fs, color: INK });
  }
  const axisY = plotY + ph + 1;
  for (const v of xTicks) {
    const [px] = plotPixel(layout, v, yDomain[0]);
    fillRect(r, px, plotY, 1, ph, GRID);
    fillRect(r, px, axisY, 1, TICK_LENGTH, INK);
    const label = formatTick(v);
    drawText(r, label, px - Math.floor(measureText(label, fs).width / 2), axisY + TICK_LENGTH + LABEL_GAP, { scale: fs, color: INK });
  }
  if (opts.xLabel) {
    const w = measureText(opts.xLabel, fs).width;
    drawText(r, opts.xLabel, Math.round(plotX + pw / 2 - w / 2), axisY + TICK_LENGTH + LABEL_GAP + labelH + 8, { scale: fs, color: INK });
  }

  // Series are drawn into an off-screen plot area, then copied in, so they are clipped to it.
  const area = createRaster(pw, ph, [0, 0, 0, 0]);
  const local: PlotLayout = { ...layout, plotX: 0, plotY: 0 };
  for (const s of series) {
    const pts = s.points.filter((p: PlotPoint) => Number.isFinite(p.x) && Number.isFinite(p.y));
    for (const p of pts) {
      const e = Math.abs(p.err ?? 0);
      if (!(e > 0) || !Number.isFinite(e)) continue;
      const [px, top] = plotPixel(local, p.x, p.y + e);
      const [, bottom] = plotPixel(local, p.x, p.y - e);
      fillRect(area, px, top, 1, bottom - top + 1, s.color);
      fillRect(area, px - 3, top, 7, 1, s.color);
      fillRect(area, px - 3, bottom, 7, 1, s.color);
    }
    let phase = 0;
    for (let i = 1; i < s.points.length; i++) {
      const a = s.points[i - 1], b = s.points[i];
      if (![a.x, a.y, b.x, b.y].every(Number.isFinite)) { phase = 0; continue; }
      phase = drawSegment(area, plotPixel(local, a.x, a.y), plotPixel(local, b.x, b.y), lw, s.color, s.style ?? 'solid', phase);
    }
    if (s.markers ?? true) {
      for (const p of pts) {
        const [px, py] = plotPixel(local, p.x, p.y);
        fillRect(area, px - Math.floor(ms / 2), py - Math.floor(ms / 2), ms, ms, s.color);
      }
    }
  }
  for (let y = 0; y < ph; y++) {
    for (let x = 0; x < pw; x++) {
      const i = (y * pw + x) * 4;
      if (area.data[i + 3] === 0) continue;
      const j = ((plotY + y) * width + plotX + x) * 4;
      r.data.set(area.data.subarray(i, i + 4), j);
    }
  }
  drawBorder(r, plotX, plotY, pw, ph);

  let ly = plotY;
  for (const s of series) {
    const mid = ly + Math.floor(labelH / 2);
    drawSegment(r, [legendX, mid], [legendX + LEGEND_SAMPLE - 1, mid], lw, s.color, s.style ?? 'solid', 0);
    if (s.markers ?? true) fillRect(r, legendX + Math.floor(LEGEND_SAMPLE / 2) - Math.floor(ms / 2), mid - Math.floor(ms / 2), ms, ms, s.color);
    drawText(r, s.name, legendX + LEGEND_SAMPLE + 6, ly, { scale: fs, color: INK });
    ly += Math.max(labelH, ms) + 8; // the same step as legendH
  }
  return Object.assign(r, { layout });
}
