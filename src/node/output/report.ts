import { check } from '../../core/errors.js';
import { renderLineChart, type ChartSeries } from '../../core/render/chart.js';
import { escapeXml as escapeHtml, toSvg, type Figure } from '../../core/render/svg.js';
import { writeFileAtomic } from './atomic.js';

/**
 * A run's report as one self-contained HTML file: inline CSS, figures and charts as inline
 * SVG (heat-map cells as PNG data URIs inside them), no scripts and no external resources,
 * so it can be mailed or opened offline.
 */

/**
 * Human-readable number: integers as they are (below 1e15), others with `digits` significant
 * digits (default 4), exponent form below 0.001 or from 1e6 on; `NaN`, `inf`, `-inf` otherwise.
 */
export function formatNumber(v: number, digits = 4): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  if (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6) return String(Number.parseFloat(v.toPrecision(digits)));
  const [mant, exp] = v.toExponential(digits - 1).split('e');
  return `${Number.parseFloat(mant)}e${Number.parseInt(exp, 10)}`;
}

/** One headline number of the summary table. */
export interface SummaryItem {
  /** What it is, e.g. "AUC (test loss)". */
  label: string;
  /** The value; numbers are shown with 4 significant digits, strings as they are. */
  value: string | number;
  /** Optional short explanation shown next to the value. */
  hint?: string;
}

/** One picture. */
export interface ReportFigure {
  /** Caption under the picture, e.g. "Test loss (log scale)". */
  caption: string;
  /** The picture (e.g. from renderHeatmap), shown as inline SVG. */
  figure: Figure;
  /** Text alternative for the image (default: the caption). */
  alt?: string;
}

/** Everything a report shows. */
export interface ReportInput {
  /** Page title and heading. */
  title: string;
  /** Line under the heading, e.g. the pattern, model and date. */
  subtitle?: string;
  /** Headline numbers: AUC, accuracy in black and white cells, their difference, steps, seconds... */
  summary: SummaryItem[];
  /** Pictures in order, each with its caption. */
  figures: ReportFigure[];
  /** Training curves, one SVG chart each (see LineChart): title, x label, named series, log y. */
  curves?: { title: string; xLabel: string; series: ChartSeries[]; logY?: boolean; }[];
  /** The resolved configuration, shown as JSON. */
  config: unknown;
  /** Free-text remarks, one paragraph each. */
  notes?: string[];
}

const CSS = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto; max-width: 1400px; padding: 0 1rem; color: #222; background: #fff; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .6rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
.subtitle { color: #555; margin: 0; }
table.summary { border-collapse: collapse; }
table.summary th, table.summary td { text-align: left; padding: .3rem .9rem .3rem 0; border-bottom: 1px solid #eee; vertical-align: top; }
table.summary td.value { font-variant-numeric: tabular-nums; font-weight: 600; }
table.summary td.hint { color: #666; font-size: .9em; }
.figures { display: flex; flex-wrap: wrap; gap: 1.2rem; align-items: flex-start; }
figure { margin: 0; max-width: 100%; overflow-x: auto; }
figure svg { display: block; border: 1px solid #eee; }
figcaption { color: #444; font-size: .92em; margin-top: .3rem; }
pre { background: #f6f6f6; padding: .8rem; overflow-x: auto; font-size: .85em; }
footer { color: #888; font-size: .8em; margin-top: 2rem; }
`.trim();

/** A JSON-ready copy: typed arrays and Sets as arrays, Maps as objects, bigints as strings, cycles as "[circular]". */
function plain(v: unknown, ancestors: object[]): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v !== 'object' || v === null) return v;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
  if (ancestors.includes(v)) return '[circular]';
  const withToJson = v as { toJSON?: () => unknown; };
  if (typeof withToJson.toJSON === 'function') return withToJson.toJSON();
  ancestors.push(v);
  let out: unknown;
  if (Array.isArray(v)) out = v.map((x) => plain(x, ancestors));
  else if (v instanceof Set) out = [...v].map((x) => plain(x, ancestors));
  else if (v instanceof Map) out = Object.fromEntries([...v].map(([k, x]) => [String(k), plain(x, ancestors)]));
  else out = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x, ancestors)]));
  ancestors.pop();
  return out;
}

/** Pretty JSON of any value (see {@link plain}); `null` for values JSON cannot show. */
function safeJson(value: unknown): string {
  return JSON.stringify(plain(value, []), null, 2) ?? 'null';
}

function checkInput(input: ReportInput): void {
  check(typeof input.title === 'string' && input.title.trim().length > 0, 'report title is empty: pass a title');
  check(Array.isArray(input.summary), 'report summary is not a list: pass [] or {label, value} items');
  check(Array.isArray(input.figures), 'report figures is not a list: pass [] or {caption, figure} items');
  input.summary.forEach((s, i) =>
    check(typeof s.label === 'string' && (typeof s.value === 'string' || typeof s.value === 'number'),
      `report summary item ${i} needs a string label and a string or number value`)
  );
  input.figures.forEach((f, i) =>
    check(typeof f.figure?.body === 'string' && f.figure.width > 0 && f.figure.height > 0,
      `report figure ${i} ("${f.caption}") is not a figure: pass the output of renderHeatmap, renderMask, renderLineChart or compose`)
  );
}

/**
 * Renders the report as a complete HTML page: title and subtitle, a summary table,
 * figures with captions, training-curve charts, notes, and the configuration as JSON.
 * Sections without content are left out. All text is HTML-escaped. Throws an MpoError
 * for an empty title, a malformed summary item or a figure that is not a {@link Figure}.
 */
export function renderReport(input: ReportInput): string {
  checkInput(input);
  const h: string[] = [];
  h.push('<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8">', '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(input.title)}</title>`, `<style>\n${CSS}\n</style>`, '</head>', '<body>');
  h.push('<header>', `<h1>${escapeHtml(input.title)}</h1>`);
  if (input.subtitle) h.push(`<p class="subtitle">${escapeHtml(input.subtitle)}</p>`);
  h.push('</header>');
  if (input.summary.length > 0) {
    h.push('<section>', '<h2>Summary</h2>', '<table class="summary"><tbody>');
    for (const s of input.summary) {
      const value = typeof s.value === 'number' ? formatNumber(s.value) : s.value;
      h.push(`<tr><th scope="row">${escapeHtml(s.label)}</th><td class="value">${escapeHtml(value)}</td>`
        + `<td class="hint">${escapeHtml(s.hint ?? '')}</td></tr>`);
    }
    h.push('</tbody></table>', '</section>');
  }
  if (input.figures.length > 0) {
    h.push('<section>', '<h2>Figures</h2>', '<div class="figures">');
    for (const f of input.figures) {
      h.push('<figure>', toSvg(f.figure, f.alt ?? f.caption).trimEnd(), `<figcaption>${escapeHtml(f.caption)}</figcaption>`, '</figure>');
    }
    h.push('</div>', '</section>');
  }
  if (input.curves && input.curves.length > 0) {
    h.push('<section>', '<h2>Training curves</h2>', '<div class="figures">');
    for (const c of input.curves) h.push('<figure>', toSvg(renderLineChart(c), c.title).trimEnd(), '</figure>');
    h.push('</div>', '</section>');
  }
  if (input.notes && input.notes.length > 0) {
    h.push('<section>', '<h2>Notes</h2>');
    for (const n of input.notes) h.push(`<p>${escapeHtml(n)}</p>`);
    h.push('</section>');
  }
  h.push('<section>', '<h2>Configuration</h2>', `<pre>${escapeHtml(safeJson(input.config))}</pre>`, '</section>');
  h.push('<footer>Generated by mpo (multi-point optimization, loss-landscape sightseeing).</footer>', '</body>', '</html>');
  return h.join('\n') + '\n';
}

/** Renders the report (see {@link renderReport}) and writes it to `path` atomically as UTF-8. */
export function writeReport(path: string, input: ReportInput): void {
  writeFileAtomic(path, renderReport(input));
}
