import { interpolateInferno, interpolateMagma, interpolateViridis } from 'd3-scale-chromatic';
import { check, MpoError } from '../errors.js';
import type { Rgb } from './raster.js';

/** Names of the built-in colour maps. */
export type ColormapName = 'viridis' | 'magma' | 'inferno' | 'gray';

/** A colour map: low values first (t = 0 is the darkest colour of every built-in map). */
export interface Colormap {
  /** Registry name. */
  readonly name: ColormapName;
  /** Colour at position t in [0, 1] (callers clamp t first). */
  readonly at: (t: number) => Rgb;
  /** Colour for NaN values, chosen to stand out from every colour of the map. */
  readonly nanColor: Rgb;
  /** Colour for overlays (outlines) that stands out on this map. */
  readonly accentColor: Rgb;
}

/** How values are mapped to [0, 1] before looking up a colour. */
export type ScaleKind = 'log' | 'linear';

/**
 * On a log scale, values <= 0 (e.g. a loss that underflowed to 0) are raised to this
 * floor before they are clamped to the domain, so they get the lowest colour.
 */
export const LOG_FLOOR = 1e-12;

function fromHex(hex: string): Rgb {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (m) return [Number.parseInt(m[1], 16), Number.parseInt(m[2], 16), Number.parseInt(m[3], 16)];
  const rgb = /^rgb\((\d+),\s*(\d+),\s*(\d+)\)$/.exec(hex);
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
  throw new MpoError(`colour "${hex}" from d3-scale-chromatic is not #rrggbb or rgb(): report this bug`);
}

const REGISTRY: Readonly<Record<ColormapName, Colormap>> = {
  viridis: { name: 'viridis', at: (t) => fromHex(interpolateViridis(t)), nanColor: [255, 0, 255], accentColor: [255, 40, 40] },
  magma: { name: 'magma', at: (t) => fromHex(interpolateMagma(t)), nanColor: [0, 200, 80], accentColor: [0, 220, 255] },
  inferno: { name: 'inferno', at: (t) => fromHex(interpolateInferno(t)), nanColor: [0, 200, 80], accentColor: [0, 220, 255] },
  gray: {
    name: 'gray',
    at: (t) => {
      const g = Math.round(255 * Math.min(1, Math.max(0, t)));
      return [g, g, g];
    },
    nanColor: [255, 0, 0],
    accentColor: [0, 150, 255],
  },
};

/** Names accepted by {@link getColormap}. */
export function colormapNames(): ColormapName[] {
  return Object.keys(REGISTRY) as ColormapName[];
}

/** Looks a colour map up by name; throws an MpoError naming the choices for an unknown name. */
export function getColormap(name: string): Colormap {
  check(Object.prototype.hasOwnProperty.call(REGISTRY, name),
    () => `unknown colour map "${name}": use one of ${colormapNames().join(', ')}`);
  return REGISTRY[name as ColormapName];
}

/** Options of {@link colorFor} and {@link normalize}. */
export interface ColorScale {
  /** 'log' (e.g. losses, spanning decades) or 'linear' (e.g. accuracies). */
  scale: ScaleKind;
  /** [lo, hi]: lo gets the first colour of the map, hi the last; values outside are clamped. */
  domain: readonly [number, number];
  /** Colour map name (default 'magma' for 'log', 'viridis' for 'linear'). */
  colormap?: ColormapName | string;
}

/** The default colour map of a scale: 'magma' (low loss dark) for log, 'viridis' for linear. */
export function defaultColormap(scale: ScaleKind): ColormapName {
  return scale === 'log' ? 'magma' : 'viridis';
}

/**
 * Checks a domain for a scale and returns it: finite, lo <= hi, and lo > 0 on a log
 * scale. Throws an MpoError naming the domain otherwise.
 */
export function checkDomain(domain: readonly [number, number], scale: ScaleKind): readonly [number, number] {
  const [lo, hi] = domain;
  check(Array.isArray(domain) && domain.length === 2 && Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi,
    `colour domain [${domain}] is invalid: pass [lo, hi] with finite numbers and lo <= hi`);
  check(scale !== 'log' || lo > 0,
    `log-scale colour domain [${lo}, ${hi}] does not start above 0: use a positive lower bound (e.g. 0.001) or scale 'linear'`);
  return domain;
}

/**
 * Domain of the data: [min, max] of the finite values; on a log scale of the finite
 * positive values. Falls back to [0, 1] (linear) or [1, 10] (log) when there are none.
 */
export function dataDomain(values: ArrayLike<number>, scale: ScaleKind): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v) || (scale === 'log' && v <= 0)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return scale === 'log' ? [1, 10] : [0, 1];
  return [lo, hi];
}

/**
 * Position of `value` on the colour scale, in [0, 1]; NaN for NaN. Values outside the
 * domain (and +-Infinity) are clamped to its ends; on a log scale values <= 0 are
 * raised to {@link LOG_FLOOR} first. A domain with lo == hi maps everything to 0.5.
 */
export function normalize(value: number, s: Pick<ColorScale, 'scale' | 'domain'>): number {
  if (Number.isNaN(value)) return NaN;
  const [lo, hi] = s.domain;
  if (lo === hi) return 0.5;
  let t: number;
  if (s.scale === 'log') {
    const v = Math.max(value, LOG_FLOOR);
    t = (Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo));
  } else {
    t = (value - lo) / (hi - lo);
  }
  if (Number.isNaN(t)) t = value > 0 ? 1 : 0;
  return Math.min(1, Math.max(0, t));
}

/**
 * The colour of `value`: the domain's lo gets the map's first colour, hi its last;
 * NaN gets the map's {@link Colormap.nanColor}. Throws an MpoError for an invalid domain
 * or unknown colour map.
 */
export function colorFor(value: number, s: ColorScale): Rgb {
  checkDomain(s.domain, s.scale);
  const cmap = getColormap(s.colormap ?? defaultColormap(s.scale));
  const t = normalize(value, s);
  return Number.isNaN(t) ? cmap.nanColor : cmap.at(t);
}
