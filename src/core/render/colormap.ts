import { scaleLinear, scaleLog } from 'd3-scale';
import { interpolateInferno, interpolateMagma, interpolateViridis } from 'd3-scale-chromatic';
import { check } from '../errors.js';

/** An sRGB colour, each channel 0-255. */
export type Rgb = readonly [number, number, number];

/** Names of the built-in colour maps. */
export type ColormapName = 'viridis' | 'magma' | 'inferno' | 'gray';

/** How values map to colours: 'log' for losses (spanning decades), 'linear' for accuracies. */
export type ScaleKind = 'log' | 'linear';

/** A colour map: t = 0 is the darkest colour of every built-in map. */
export interface Colormap {
  /** Registry name. */
  readonly name: ColormapName;
  /** Colour at position t in [0, 1]. */
  readonly at: (t: number) => Rgb;
  /** Colour for NaN values, unlike every colour of the map. */
  readonly nanColor: Rgb;
  /** Colour for overlays (target outlines) that stands out on this map. */
  readonly accentColor: Rgb;
}

/** On a log scale, values <= 0 (a loss that underflowed) are raised to this floor: they get the lowest colour. */
export const LOG_FLOOR = 1e-12;

const rgb = (f: (t: number) => string) => (t: number): Rgb => {
  const m = /^#(..)(..)(..)$|^rgb\((\d+), ?(\d+), ?(\d+)\)$/.exec(f(t))!;
  return m[1] ? [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)] : [+m[4], +m[5], +m[6]];
};

const REGISTRY: Readonly<Record<ColormapName, Colormap>> = {
  viridis: { name: 'viridis', at: rgb(interpolateViridis), nanColor: [255, 0, 255], accentColor: [255, 40, 40] },
  magma: { name: 'magma', at: rgb(interpolateMagma), nanColor: [0, 200, 80], accentColor: [0, 220, 255] },
  inferno: { name: 'inferno', at: rgb(interpolateInferno), nanColor: [0, 200, 80], accentColor: [0, 220, 255] },
  gray: { name: 'gray', at: (t) => {
    const g = Math.round(255 * t);
    return [g, g, g];
  }, nanColor: [255, 0, 0], accentColor: [0, 150, 255] },
};

/** Names accepted by {@link getColormap}. */
export function colormapNames(): ColormapName[] {
  return Object.keys(REGISTRY) as ColormapName[];
}

/** Looks a colour map up by name; throws an MpoError naming the choices for an unknown name. */
export function getColormap(name: string): Colormap {
  check(Object.prototype.hasOwnProperty.call(REGISTRY, name), () => `unknown colour map "${name}": use one of ${colormapNames().join(', ')}`);
  return REGISTRY[name as ColormapName];
}

/** The default colour map of a scale: 'magma' for log (low loss dark, like black target cells), 'viridis' for linear. */
export function defaultColormap(scale: ScaleKind): ColormapName {
  return scale === 'log' ? 'magma' : 'viridis';
}

/** A colour scale: how values are placed and which colours they get. */
export interface ColorScale {
  /** 'log' (losses) or 'linear' (accuracies). */
  scale: ScaleKind;
  /** [lo, hi]: lo gets the map's first colour, hi its last; values outside are clamped. */
  domain: readonly [number, number];
  /** Colour map name. Default: {@link defaultColormap} of the scale. */
  colormap?: ColormapName | string;
}

/** Checks a domain (finite, lo <= hi, lo > 0 on a log scale) and returns it; throws an MpoError otherwise. */
export function checkDomain(domain: readonly [number, number], scale: ScaleKind): readonly [number, number] {
  const [lo, hi] = domain;
  check(Array.isArray(domain) && domain.length === 2 && Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi,
    `colour domain [${domain}] is invalid: pass [lo, hi] with finite numbers and lo <= hi`);
  check(scale !== 'log' || lo > 0, `log-scale colour domain [${lo}, ${hi}] does not start above 0: use a positive lower bound (e.g. 0.001) or scale 'linear'`);
  return domain;
}

/** [min, max] of the finite values (on a log scale the positive ones); [0, 1] or [1, 10] when there are none. */
export function dataDomain(values: ArrayLike<number>, scale: ScaleKind): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v) || (scale === 'log' && v <= 0)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return lo <= hi ? [lo, hi] : scale === 'log' ? [1, 10] : [0, 1];
}

/**
 * The d3 position scale of a colour scale: domain -> [0, 1], clamped (a d3 `scaleLog` or
 * `scaleLinear`). Its `ticks()` and `tickFormat()` label colour bars.
 */
export function positionScale(s: Pick<ColorScale, 'scale' | 'domain'>) {
  return (s.scale === 'log' ? scaleLog() : scaleLinear()).domain(checkDomain(s.domain, s.scale)).range([0, 1]).clamp(true);
}

/**
 * Position of `value` on the scale in [0, 1]; NaN for NaN. Values outside the domain (and
 * infinities) are clamped; on a log scale values <= 0 count as {@link LOG_FLOOR}; lo == hi gives 0.5.
 */
export function normalize(value: number, s: Pick<ColorScale, 'scale' | 'domain'>): number {
  if (Number.isNaN(value)) return NaN;
  if (!last || last.kind !== s.scale || last.lo !== s.domain[0] || last.hi !== s.domain[1]) {
    last = { kind: s.scale, lo: s.domain[0], hi: s.domain[1], f: positionScale(s) }; // one scale per map, not per cell
  }
  return last.f(s.scale === 'log' ? Math.max(value, LOG_FLOOR) : value);
}
let last: { kind: ScaleKind; lo: number; hi: number; f: (v: number) => number; } | undefined;

/** The colour of `value` (NaN: the map's NaN colour). Throws an MpoError for a bad domain or colour map. */
export function colorFor(value: number, s: ColorScale): Rgb {
  const cmap = getColormap(s.colormap ?? defaultColormap(s.scale));
  const t = normalize(value, s);
  return Number.isNaN(t) ? cmap.nanColor : cmap.at(t);
}
