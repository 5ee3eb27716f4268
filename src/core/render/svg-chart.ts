import { schemeTableau10 } from 'd3-scale-chromatic';
import { formatTick, linearTicks, logTicks } from './ticks.js';

/**
 * Line charts as inline SVG text (no scripts, no external resources), e.g. training
 * loss and AUC against the step. Works in a browser and in an HTML file opened offline.
 */

/** One named line of (x, y) points. */
export interface ChartSeries {
  /** Legend name, e.g. "train loss". */
  name: string;
  /** Points in drawing order; non-finite points (and y <= 0 on a log axis) break the line. */
  points: readonly (readonly [number, number])[];
}

/** A chart: a title, an x-axis label, and one or more series sharing the axes. */
export interface LineChart {
  /** Title above the plot (also the y quantity, e.g. "loss"). */
  title: string;
  /** Label under the x axis, e.g. "step". */
  xLabel: string;
  /** The lines. */
  series: readonly ChartSeries[];
  /** Logarithmic y axis (default false). */
  logY?: boolean;
}

/** Size of the chart in SVG user units (pixels at 100%). */
export interface ChartSize {
  /** Width (default 640). */
  width?: number;
  /** Height (default 320). */
  height?: number;
}

/** Escapes text for HTML and XML content and attribute values (&, <, >, ", '). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A number for SVG attributes: at most 2 decimals. */
function n2(v: number): string {
  return String(Math.round(v * 100) / 100);
}

function extent(values: number[], log: boolean): [number, number] | undefined {
  if (values.length === 0) return undefined;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === hi) {
    if (log) return [lo / 2, hi * 2];
    const d = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return [lo - d, hi + d];
  }
  if (log) {
    const pad = (Math.log10(hi) - Math.log10(lo)) * 0.04;
    return [lo / 10 ** pad, hi * 10 ** pad];
  }
  const pad = (hi - lo) * 0.04;
  return [lo - pad, hi + pad];
}

/**
 * Renders a line chart as an `<svg>` element string: framed plot area with grid lines,
 * 3-6 ticks per axis (powers of ten on a log y axis), a legend, one coloured line per
 * series, and dots for isolated points (so a single point is visible). With no drawable
 * point it shows "no data yet". All text is HTML-escaped.
 */
export function renderLineChartSvg(chart: LineChart, size: ChartSize = {}): string {
  const W = size.width ?? 640;
  const H = size.height ?? 320;
  const logY = chart.logY ?? false;
  const left = 64, right = 16, bottom = 46;
  // Legend entries flow left to right and wrap; the plot starts below them.
  const legend: { x: number; y: number }[] = [];
  let lx = left;
  let ly = 33;
  for (const s of chart.series) {
    const w = 23 + 7 * s.name.length + 18;
    if (lx > left && lx + w - 18 > W - right) {
      lx = left;
      ly += 16;
    }
    legend.push({ x: lx, y: ly });
    lx += w;
  }
  const top = ly + 15;
  // Extra legend rows make the chart taller rather than the plot shorter.
  const pw = W - left - right, ph = H - 48 - bottom;
  const totalH = top + ph + bottom;
  const ok = (p: readonly [number, number]): boolean =>
    Number.isFinite(p[0]) && Number.isFinite(p[1]) && (!logY || p[1] > 0);
  const all = chart.series.flatMap((s) => s.points.filter(ok));
  const out: string[] = [];
  out.push(`<svg viewBox="0 0 ${W} ${totalH}" width="${W}" height="${totalH}" role="img" aria-label="${escapeHtml(chart.title)}"`
    + ' font-family="sans-serif" font-size="12" style="max-width:100%;height:auto;background:#fff">');
  out.push(`<text x="${left}" y="18" font-size="14" font-weight="bold" fill="#222">${escapeHtml(chart.title)}</text>`);
  out.push(`<rect x="${left}" y="${top}" width="${pw}" height="${ph}" fill="none" stroke="#444"/>`);
  out.push(`<text x="${n2(left + pw / 2)}" y="${totalH - 8}" text-anchor="middle" fill="#222">${escapeHtml(chart.xLabel)}</text>`);
  const colors = chart.series.map((_, i) => schemeTableau10[i % schemeTableau10.length]);
  chart.series.forEach((s, i) => {
    const { x, y } = legend[i];
    out.push(`<line x1="${x}" y1="${y}" x2="${x + 18}" y2="${y}" stroke="${colors[i]}" stroke-width="2.5"/>`);
    out.push(`<text x="${x + 23}" y="${y + 4}" fill="#222">${escapeHtml(s.name)}</text>`);
  });
  const xr = extent(all.map((p) => p[0]), false);
  const yr = extent(all.map((p) => p[1]), logY);
  if (!xr || !yr) {
    out.push(`<text x="${n2(left + pw / 2)}" y="${n2(top + ph / 2)}" text-anchor="middle" fill="#888">no data yet</text>`);
    out.push('</svg>');
    return out.join('\n');
  }
  const sx = (x: number): number => left + ((x - xr[0]) / (xr[1] - xr[0])) * pw;
  const sy = logY
    ? (y: number): number => top + ph - ((Math.log10(y) - Math.log10(yr[0])) / (Math.log10(yr[1]) - Math.log10(yr[0]))) * ph
    : (y: number): number => top + ph - ((y - yr[0]) / (yr[1] - yr[0])) * ph;
  for (const t of linearTicks(xr[0], xr[1], 6)) {
    const x = n2(sx(t));
    out.push(`<line x1="${x}" y1="${top}" x2="${x}" y2="${top + ph}" stroke="#e4e4e4"/>`);
    out.push(`<line x1="${x}" y1="${top + ph}" x2="${x}" y2="${top + ph + 5}" stroke="#444"/>`);
    out.push(`<text x="${x}" y="${top + ph + 18}" text-anchor="middle" fill="#222">${escapeHtml(formatTick(t))}</text>`);
  }
  for (const t of logY ? logTicks(yr[0], yr[1], 6) : linearTicks(yr[0], yr[1], 6)) {
    const y = n2(sy(t));
    out.push(`<line x1="${left}" y1="${y}" x2="${left + pw}" y2="${y}" stroke="#e4e4e4"/>`);
    out.push(`<line x1="${left - 5}" y1="${y}" x2="${left}" y2="${y}" stroke="#444"/>`);
    out.push(`<text x="${left - 8}" y="${y}" dy="0.35em" text-anchor="end" fill="#222">${escapeHtml(formatTick(t))}</text>`);
  }
  chart.series.forEach((s, i) => {
    // Split at points that cannot be drawn; draw runs of 2+ points as lines, lone points as dots.
    const runs: (readonly [number, number])[][] = [[]];
    for (const p of s.points) {
      if (ok(p)) runs[runs.length - 1].push(p);
      else if (runs[runs.length - 1].length > 0) runs.push([]);
    }
    for (const run of runs) {
      if (run.length === 1) {
        out.push(`<circle cx="${n2(sx(run[0][0]))}" cy="${n2(sy(run[0][1]))}" r="3" fill="${colors[i]}"/>`);
      } else if (run.length > 1) {
        const d = run.map((p, k) => `${k === 0 ? 'M' : 'L'}${n2(sx(p[0]))} ${n2(sy(p[1]))}`).join(' ');
        out.push(`<path d="${d}" fill="none" stroke="${colors[i]}" stroke-width="2" stroke-linejoin="round"/>`);
      }
    }
  });
  out.push('</svg>');
  return out.join('\n');
}
