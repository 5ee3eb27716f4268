import { check } from '../../core/errors.js';
import { escapeHtml, renderLineChartSvg } from '../../core/render/svg-chart.js';
import { formatNumber } from '../../core/render/ticks.js';
import { writeFileAtomic } from './atomic.js';
import { isPng } from './png.js';

/**
 * A run's report as one self-contained HTML file: inline CSS, pictures embedded as
 * data: URIs, charts as inline SVG, no scripts and no external resources, so it can be
 * mailed or opened offline.
 */

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
  /** PNG bytes (e.g. from encodePng). */
  png: Uint8Array;
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
  curves?: { title: string; xLabel: string; series: { name: string; points: [number, number][] }[]; logY?: boolean }[];
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
figure img { display: block; image-rendering: pixelated; border: 1px solid #eee; } /* 1:1 pixels keep the bitmap labels sharp */
figcaption { color: #444; font-size: .92em; margin-top: .3rem; }
pre { background: #f6f6f6; padding: .8rem; overflow-x: auto; font-size: .85em; }
footer { color: #888; font-size: .8em; margin-top: 2rem; }
`.trim();

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Uint8Array): { width: number; height: number } {
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return png.length >= 24 ? { width: dv.getUint32(16), height: dv.getUint32(20) } : { width: 0, height: 0 };
}

/** A JSON-ready copy: typed arrays and Sets as arrays, Maps as objects, bigints as strings, cycles as "[circular]". */
function plain(v: unknown, ancestors: object[]): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v !== 'object' || v === null) return v;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
  if (ancestors.includes(v)) return '[circular]';
  const withToJson = v as { toJSON?: () => unknown };
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
  check(Array.isArray(input.figures), 'report figures is not a list: pass [] or {caption, png} items');
  input.summary.forEach((s, i) => check(typeof s.label === 'string' && (typeof s.value === 'string' || typeof s.value === 'number'),
    `report summary item ${i} needs a string label and a string or number value`));
  input.figures.forEach((f, i) => check(f.png instanceof Uint8Array && isPng(f.png),
    `report figure ${i} ("${f.caption}") is not PNG bytes: pass the output of encodePng`));
}

/**
 * Renders the report as a complete HTML page: title and subtitle, a summary table,
 * figures with captions, training-curve charts, notes, and the configuration as JSON.
 * Sections without content are left out. All text is HTML-escaped. Throws an MpoError
 * for an empty title, a malformed summary item or a figure that is not PNG bytes.
 */
export function renderReport(input: ReportInput): string {
  checkInput(input);
  const h: string[] = [];
  h.push('<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
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
      const { width, height } = pngSize(f.png);
      const b64 = Buffer.from(f.png.buffer, f.png.byteOffset, f.png.byteLength).toString('base64');
      h.push('<figure>', `<img src="data:image/png;base64,${b64}" width="${width}" height="${height}" alt="${escapeHtml(f.alt ?? f.caption)}">`,
        `<figcaption>${escapeHtml(f.caption)}</figcaption>`, '</figure>');
    }
    h.push('</div>', '</section>');
  }
  if (input.curves && input.curves.length > 0) {
    h.push('<section>', '<h2>Training curves</h2>', '<div class="figures">');
    for (const c of input.curves) h.push('<figure>', renderLineChartSvg(c), '</figure>');
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
