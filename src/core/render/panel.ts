import { check } from '../errors.js';
import { drawText, FONT_CAP_HEIGHT, measureText } from './font.js';
import { fillRect, type Color, type Raster, type Rgb } from './raster.js';

/**
 * The frame shared by heat maps and mask pictures, so that panels of the same grid put
 * side by side line up: a title centred over the map, a 1-pixel border around it, and
 * axes with cell-index ticks along the left (rows, 0 at the top) and the bottom (columns).
 */

/** Blank space around a panel's content, in pixels. */
export const PANEL_MARGIN = 10;
/** Length of an axis or colour-bar tick mark, in pixels. */
export const TICK_LENGTH = 4;
/** Space between a tick mark and its label, in pixels. */
export const LABEL_GAP = 3;
/** Colour of text, borders and tick marks. */
export const INK: Rgb = [30, 30, 30];
/** Most tick labels on one axis. */
const MAX_AXIS_TICKS = 6;
const AXIS_STEPS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500];

/** What a panel holds, in grid cells and pixels. */
export interface PanelSpec {
  /** Grid rows. */
  rows: number;
  /** Grid columns. */
  cols: number;
  /** Pixels per grid cell (side of its square block). */
  cellSize: number;
  /** Title above the map; none if empty or undefined. */
  title?: string;
  /** Draw cell-index ticks and labels along the left and bottom. */
  axes: boolean;
  /** Grid cells outside the pattern on each side: axis labels run from -padding. */
  padding: number;
  /** Magnification of tick labels; the title is drawn one step larger. */
  fontScale: number;
  /** Pixels reserved right of the map (e.g. for a colour bar and its labels). */
  rightWidth: number;
  /** Height the right-hand area needs, from the map's top edge down. */
  rightHeight: number;
}

/** Where things go in a panel, in pixels. */
export interface PanelLayout {
  /** Whole panel width. */
  width: number;
  /** Whole panel height. */
  height: number;
  /** Left edge of the map (column 0). */
  mapX: number;
  /** Top edge of the map (row 0). */
  mapY: number;
  /** cols * cellSize. */
  mapWidth: number;
  /** rows * cellSize. */
  mapHeight: number;
  /** Left edge of the area right of the map (after the map's border). */
  rightX: number;
  /** Cell-index step between axis ticks (0 without axes). */
  axisStep: number;
}

/** Default cell size: whole pixels per cell so the map's longer side is about 340 px (300-400). */
export function defaultCellSize(rows: number, cols: number): number {
  return Math.max(1, Math.round(340 / Math.max(rows, cols)));
}

/** Checks a cell size (whole pixels in 1..256) and returns it. */
export function checkCellSize(cellSize: number): number {
  check(Number.isInteger(cellSize) && cellSize >= 1 && cellSize <= 256,
    `cell size ${cellSize} is invalid: pass a whole number of pixels in 1..256`);
  return cellSize;
}

/** Checks a label magnification (whole number in 1..8) and returns it. */
export function checkFontScale(fontScale: number): number {
  check(Number.isInteger(fontScale) && fontScale >= 1 && fontScale <= 8,
    `font scale ${fontScale} is invalid: pass a whole number in 1..8`);
  return fontScale;
}

/** Checks grid padding (2*padding < rows and cols) and returns it. */
export function checkPadding(padding: number, rows: number, cols: number): number {
  check(Number.isInteger(padding) && padding >= 0 && 2 * padding < rows && 2 * padding < cols,
    `padding ${padding} does not fit a ${rows}x${cols} grid: pass a whole number of cells with 2*padding < rows and cols`);
  return padding;
}

/** Labels (cell indices, shifted by -padding) that are multiples of `step`, with their grid index. */
function axisTicks(cells: number, padding: number, step: number): { index: number; label: string }[] {
  const out: { index: number; label: string }[] = [];
  for (let i = 0; i < cells; i++) {
    const v = i - padding;
    if (v % step === 0) out.push({ index: i, label: String(v) });
  }
  return out;
}

/**
 * Step between labelled cell indices: the smallest of 1, 2, 5, 10, 20, 25, 50, ... giving
 * at most 6 labels per axis, with labels far enough apart not to touch.
 */
export function chooseAxisStep(rows: number, cols: number, cellSize: number, padding: number, fontScale: number): number {
  for (const step of AXIS_STEPS) {
    const xs = axisTicks(cols, padding, step);
    const ys = axisTicks(rows, padding, step);
    if (xs.length > MAX_AXIS_TICKS || ys.length > MAX_AXIS_TICKS) continue;
    const widest = Math.max(0, ...xs.map((t) => measureText(t.label, fontScale).width));
    if (step * cellSize >= widest + 6 * fontScale && step * cellSize >= (FONT_CAP_HEIGHT + 3) * fontScale) return step;
  }
  return AXIS_STEPS[AXIS_STEPS.length - 1];
}

/** Computes the layout of a panel; throws an MpoError for invalid sizes. */
export function layoutPanel(spec: PanelSpec): PanelLayout {
  const { rows, cols, cellSize, padding, fontScale } = spec;
  check(Number.isInteger(rows) && Number.isInteger(cols) && rows > 0 && cols > 0,
    `grid size ${rows}x${cols} is invalid: rows and cols must be positive integers`);
  checkCellSize(cellSize);
  const titleScale = fontScale + 1;
  const hasTitle = !!spec.title;
  const titleH = hasTitle ? FONT_CAP_HEIGHT * titleScale + 10 : 0;
  const titleW = hasTitle ? measureText(spec.title!, titleScale).width : 0;
  const mapWidth = cols * cellSize;
  const mapHeight = rows * cellSize;
  let left = 1;
  let bottom = 1;
  let axisStep = 0;
  if (spec.axes) {
    axisStep = chooseAxisStep(rows, cols, cellSize, padding, fontScale);
    const labels = axisTicks(rows, padding, axisStep).map((t) => measureText(t.label, fontScale).width);
    left += TICK_LENGTH + LABEL_GAP + Math.max(0, ...labels);
    bottom += TICK_LENGTH + LABEL_GAP + FONT_CAP_HEIGHT * fontScale;
  }
  const mapX = PANEL_MARGIN + left;
  const mapY = PANEL_MARGIN + titleH + 1;
  const contentW = mapX + mapWidth + 1 + spec.rightWidth + PANEL_MARGIN;
  const width = Math.max(contentW, titleW + 2 * PANEL_MARGIN);
  const height = mapY + Math.max(mapHeight + bottom, spec.rightHeight) + PANEL_MARGIN;
  return { width, height, mapX, mapY, mapWidth, mapHeight, rightX: mapX + mapWidth + 1, axisStep };
}

/** Draws a 1-pixel rectangle outline just outside the box (x, y, w, h). */
export function drawBorder(r: Raster, x: number, y: number, w: number, h: number, color: Color = INK): void {
  fillRect(r, x - 1, y - 1, w + 2, 1, color);
  fillRect(r, x - 1, y + h, w + 2, 1, color);
  fillRect(r, x - 1, y, 1, h, color);
  fillRect(r, x + w, y, 1, h, color);
}

/** Draws the title, the map's border and the axes of a laid-out panel (not the map itself). */
export function drawPanelFrame(r: Raster, spec: PanelSpec, layout: PanelLayout): void {
  const { mapX, mapY, mapWidth, mapHeight } = layout;
  const fs = spec.fontScale;
  if (spec.title) {
    const ts = fs + 1;
    const tw = measureText(spec.title, ts).width;
    const centred = Math.round(mapX + mapWidth / 2 - tw / 2);
    const x = Math.max(PANEL_MARGIN, Math.min(centred, layout.width - PANEL_MARGIN - tw));
    drawText(r, spec.title, x, PANEL_MARGIN, { scale: ts, color: INK });
  }
  drawBorder(r, mapX, mapY, mapWidth, mapHeight);
  if (!spec.axes) return;
  const cs = spec.cellSize;
  const labelH = FONT_CAP_HEIGHT * fs;
  for (const t of axisTicks(spec.rows, spec.padding, layout.axisStep)) {
    const y = mapY + Math.floor((t.index + 0.5) * cs);
    fillRect(r, mapX - 1 - TICK_LENGTH, y, TICK_LENGTH, 1, INK);
    const w = measureText(t.label, fs).width;
    const ly = Math.max(0, y - Math.floor(labelH / 2));
    drawText(r, t.label, mapX - 1 - TICK_LENGTH - LABEL_GAP - w, ly, { scale: fs, color: INK });
  }
  const axisY = mapY + mapHeight + 1;
  for (const t of axisTicks(spec.cols, spec.padding, layout.axisStep)) {
    const x = mapX + Math.floor((t.index + 0.5) * cs);
    fillRect(r, x, axisY, 1, TICK_LENGTH, INK);
    const w = measureText(t.label, fs).width;
    const lx = Math.max(0, Math.min(x - Math.floor(w / 2), r.width - w));
    drawText(r, t.label, lx, axisY + TICK_LENGTH + LABEL_GAP, { scale: fs, color: INK });
  }
}
