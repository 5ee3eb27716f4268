import { encode } from 'fast-png';
import type { Rgb } from './colormap.js';

/**
 * SVG building blocks: figures, escaping, text, composition, and raster cells embedded as
 * a PNG `<image>` (encoded with fast-png, so this works in a browser too).
 */

/** A drawing: its size in SVG user units (pixels at 100%) and its SVG markup. */
export interface Figure {
  /** Width. */
  readonly width: number;
  /** Height. */
  readonly height: number;
  /** The inner markup (no `<svg>` wrapper), drawn in the box [0, width] x [0, height]. */
  readonly body: string;
}

/** Font stack of every figure; Node's PNG output ships DejaVu Sans so pixels match on every machine. */
export const FONT_FAMILY = "'DejaVu Sans', Verdana, sans-serif";
/** Colour of text, frames and ticks. */
export const INK = '#222';

/** Escapes text for XML/HTML content and attribute values (&, <, >, ", '). */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A number for attributes: at most 2 decimals. */
export function num(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** `#rrggbb` of an RGB colour. */
export function hex(c: Rgb): string {
  return '#' + c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
}

/** Estimated width of `text` at font size `size` in DejaVu Sans (0.6 em per character, for layout only). */
export function textWidth(text: string, size: number): number {
  return 0.6 * size * [...text].length;
}

/** Options of {@link text}. */
export interface TextOptions {
  /** Font size in user units (default 12). */
  size?: number;
  /** Horizontal anchor (default 'start'). */
  anchor?: 'start' | 'middle' | 'end';
  /** Bold (default false). */
  bold?: boolean;
  /** Rotation in degrees about (x, y) (default 0). */
  rotate?: number;
  /** Fill colour (default {@link INK}). */
  color?: string;
}

/** A `<text>` element at (x, y) (the baseline), content escaped. */
export function text(x: number, y: number, content: string, o: TextOptions = {}): string {
  const attrs = [`x="${num(x)}" y="${num(y)}"`, `font-size="${o.size ?? 12}"`, `fill="${o.color ?? INK}"`];
  if (o.anchor && o.anchor !== 'start') attrs.push(`text-anchor="${o.anchor}"`);
  if (o.bold) attrs.push('font-weight="bold"');
  if (o.rotate) attrs.push(`transform="rotate(${o.rotate} ${num(x)} ${num(y)})"`);
  return `<text ${attrs.join(' ')}>${escapeXml(content)}</text>`;
}

/**
 * An `<image>` showing `width x height` RGBA pixels (row-major) stretched over the box
 * (x, y, w, h) with nearest-neighbour scaling, as a PNG data URI.
 */
export function pixelImage(rgba: Uint8Array, width: number, height: number, x: number, y: number, w: number, h: number): string {
  const png = encode({ width, height, data: rgba, channels: 4, depth: 8 });
  return `<image x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" preserveAspectRatio="none"`
    // Nearest-neighbour cells: browsers take pixelated (or crisp-edges), resvg only the last, legacy value.
    + ` image-rendering="optimizeSpeed" style="image-rendering:crisp-edges;image-rendering:pixelated;image-rendering:optimizeSpeed"`
    + ` href="data:image/png;base64,${base64(png)}"/>`;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 of bytes (no Buffer or btoa needed). */
export function base64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[n >> 18] + B64[(n >> 12) & 63] + (i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < bytes.length ? B64[n & 63] : '=');
  }
  return out;
}

/** Options of {@link compose}. */
export interface ComposeOptions {
  /** Space between figures and around the whole, in user units (default 12). */
  gap?: number;
  /** Vertical alignment of figures in a row (default 'top'). */
  align?: 'top' | 'center';
  /** Bold heading above everything, e.g. a gallery row's caption (default none). */
  title?: string;
}

/** Lays figures out in rows (each row left to right, rows top to bottom) on one figure. */
export function compose(rows: readonly (readonly Figure[])[], o: ComposeOptions = {}): Figure {
  const gap = o.gap ?? 12;
  const parts: string[] = [];
  let y = gap, width = 0;
  if (o.title) {
    parts.push(text(gap, y + 16, o.title, { size: 17, bold: true }));
    y += 28;
    width = textWidth(o.title, 17) + 2 * gap;
  }
  for (const row of rows) {
    const h = Math.max(0, ...row.map((f) => f.height));
    let x = gap;
    for (const f of row) {
      const dy = o.align === 'center' ? (h - f.height) / 2 : 0;
      parts.push(`<g transform="translate(${num(x)} ${num(y + dy)})">${f.body}</g>`);
      x += f.width + gap;
    }
    width = Math.max(width, x);
    y += h + gap;
  }
  return { width: Math.ceil(width), height: Math.ceil(y), body: parts.join('\n') };
}

/** The complete standalone SVG document of a figure, on a white background. */
export function toSvg(f: Figure, label = ''): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${f.width}" height="${f.height}" viewBox="0 0 ${f.width} ${f.height}"`
    + ` font-family="${FONT_FAMILY}" role="img" aria-label="${escapeXml(label)}" style="max-width:100%;height:auto">\n`
    + `<rect width="100%" height="100%" fill="#fff"/>\n${f.body}\n</svg>\n`;
}
