import { scaleLinear, scaleLog } from 'd3-scale';
import { schemeTableau10 } from 'd3-scale-chromatic';
import { escapeXml, INK, num, text, textWidth, type Figure } from './svg.js';

/** One named line of a {@link LineChart}. */
export interface ChartSeries {
  /** Legend name, e.g. "train loss". */
  name: string;
  /** (x, y) points in drawing order; non-finite points (and y <= 0 on a log axis) break the line. */
  points: readonly (readonly [number, number])[];
  /** Half-length of an error bar per point (e.g. the std over seeds). Default: none. */
  errors?: readonly number[];
  /** Line colour, any CSS colour. Default: the series' place in d3's Tableau10 scheme. */
  color?: string;
  /** Dotted line instead of a solid one (default false). */
  dotted?: boolean;
  /** A dot on every point. Default: true for at most 30 points. */
  markers?: boolean;
  /**
   * Horizontal shift of the series' points and error bars in user units, so that the error bars
   * of several series at the same x stay apart (a position dodge). Default 0.
   */
  dodge?: number;
}

/** A line chart: title, axis labels, and series sharing the axes. */
export interface LineChart {
  /** Title above the chart. */
  title: string;
  /** Label under the x axis, e.g. "step". */
  xLabel: string;
  /** Label along the y axis. Default: none. */
  yLabel?: string;
  /** The lines. */
  series: readonly ChartSeries[];
  /** Logarithmic y axis (default false). */
  logY?: boolean;
  /** [lo, hi] of the x axis. Default: the data's extent, made nice by d3. */
  xDomain?: readonly [number, number];
  /** x tick values. Default: d3's ticks of the x axis. */
  xTicks?: readonly number[];
  /** Width in user units (default 640). */
  width?: number;
  /** Height of the plot area plus axes, without title and legend (default 300). */
  height?: number;
}

function extent(values: number[], log: boolean): [number, number] | undefined {
  if (values.length === 0) return undefined;
  const lo = Math.min(...values), hi = Math.max(...values);
  if (lo < hi) return [lo, hi];
  return log ? [lo / 2, hi * 2] : [lo - (Math.abs(lo) || 1) * 0.1, hi + (Math.abs(hi) || 1) * 0.1];
}

/**
 * Draws a line chart: framed plot area with grid lines at d3's ticks (minor unlabelled ones
 * on a log axis), a legend, anti-aliased lines with optional dots and error bars, and dots
 * for isolated points. With nothing to draw it says "no data yet". All text is escaped.
 */
export function renderLineChart(c: LineChart): Figure {
  const W = c.width ?? 640, fs = 12;
  const logY = c.logY ?? false;
  const ok = (p: readonly [number, number]) => Number.isFinite(p[0]) && Number.isFinite(p[1]) && (!logY || p[1] > 0);
  const ys = c.series.flatMap((s) => s.points.flatMap((p, i) => !ok(p) ? [] : [p[1] - (s.errors?.[i] ?? 0), p[1] + (s.errors?.[i] ?? 0)]));
  const xr = c.xDomain ?? extent(c.series.flatMap((s) => s.points.filter(ok).map((p) => p[0])), false);
  const yr = extent(logY ? ys.filter((y) => y > 0) : ys, logY);
  const y = (logY ? scaleLog() : scaleLinear()).domain(yr ?? [1, 10]).nice();
  const x = scaleLinear().domain(xr ?? [0, 1]);
  if (!c.xDomain) x.nice();
  const yTicks = y.ticks(6), yFormat = y.tickFormat(6, logY ? '~g' : undefined);
  const left = Math.ceil(Math.max(...yTicks.map((t) => textWidth(yFormat(t), fs)))) + 14 + (c.yLabel ? 20 : 0);
  const colors = c.series.map((s, i) => s.color ?? schemeTableau10[i % 10]);
  const out: string[] = [text(left, 20, c.title, { size: 15, bold: true })];
  // Legend: entries in aligned columns, as many per row as fit.
  const colW = Math.max(0, ...c.series.map((s) => 28 + textWidth(s.name, fs) + 24));
  const perRow = Math.max(1, Math.floor((W - left - 16 + 24) / colW));
  let ly = 42;
  c.series.forEach((s, i) => {
    const lx = left + (i % perRow) * colW;
    if (i > 0 && i % perRow === 0) ly += 18;
    out.push(`<path d="M${num(lx)} ${ly - 4}h22" stroke="${colors[i]}" stroke-width="2.5"${s.dotted ? ' stroke-dasharray="2 4" stroke-linecap="round"' : ''}/>`,
      text(lx + 28, ly, s.name, { size: fs }));
  });
  const top = ly + 14, pw = W - left - 20, ph = (c.height ?? 300) - 46, H = top + ph + 46;
  x.range([left, left + pw]);
  y.range([top + ph, top]);
  out.push(text(left + pw / 2, H - 10, c.xLabel, { size: fs, anchor: 'middle' }));
  if (c.yLabel) out.push(text(14, top + ph / 2, c.yLabel, { size: fs, anchor: 'middle', rotate: -90 }));
  for (const t of c.xTicks ?? x.ticks(8)) {
    const px = num(x(t));
    out.push(`<path d="M${px} ${top}V${top + ph}" stroke="#e6e6e6"/><path d="M${px} ${top + ph}v5" stroke="${INK}"/>`,
      text(x(t), top + ph + 8 + fs, x.tickFormat(10)(t), { size: fs, anchor: 'middle' }));
  }
  for (const t of yTicks) {
    const py = num(y(t)), label = yFormat(t);
    out.push(`<path d="M${left} ${py}H${left + pw}" stroke="${label ? '#e6e6e6' : '#f3f3f3'}"/><path d="M${left} ${py}h-${label ? 5 : 3}" stroke="${INK}"/>`);
    if (label) out.push(text(left - 8, y(t) + fs * 0.35, label, { size: fs, anchor: 'end' }));
  }
  out.push(`<rect x="${left}" y="${top}" width="${pw}" height="${ph}" fill="none" stroke="${INK}"/>`);
  if (!xr || !yr) out.push(text(left + pw / 2, top + ph / 2, 'no data yet', { size: fs, anchor: 'middle', color: '#888' }));
  c.series.forEach((s, i) => {
    const dash = s.dotted ? ' stroke-dasharray="2 4" stroke-linecap="round"' : '';
    let d = '', run = 0;
    const dots: string[] = [];
    s.points.forEach((p, k) => {
      if (!ok(p)) {
        run = 0;
        return;
      }
      const cx = x(p[0]) + (s.dodge ?? 0), px = num(cx), py = num(y(p[1])), e = s.errors?.[k] ?? 0;
      d += `${run++ === 0 ? 'M' : 'L'}${px} ${py}`;
      const lone = run === 1 && !(k + 1 < s.points.length && ok(s.points[k + 1]));
      if (lone || (s.markers ?? s.points.length <= 30)) dots.push(`<circle cx="${px}" cy="${py}" r="3.2" fill="${colors[i]}"/>`);
      if (e > 0) {
        const y0 = num(y(p[1] - e)), y1 = num(y(p[1] + e)), x0 = num(cx - 4), x1 = num(cx + 4);
        dots.push(`<path d="M${px} ${y0}V${y1}M${x0} ${y0}H${x1}M${x0} ${y1}H${x1}" stroke="${colors[i]}" stroke-width="1.3"/>`);
      }
    });
    out.push(
      `<g aria-label="${escapeXml(s.name)}"><path d="${d}" fill="none" stroke="${colors[i]}" stroke-width="2" stroke-linejoin="round"${dash}/>${
        dots.join('')
      }</g>`,
    );
  });
  return { width: W, height: H, body: out.join('\n') };
}
