/**
 * Tick positions and number formatting for colour bars, axes and charts: "nice"
 * values (1, 2, 2.5, 5 times a power of ten) on linear scales, powers of ten (or
 * 1-2-5 / 1-3 multiples of them) on log scales, and short labels such as
 * `0.1`, `2.5`, `1e-5`.
 */

/** Rounds away floating-point noise, e.g. 0.30000000000000004 -> 0.3. */
function clean(v: number): number {
  return v === 0 ? 0 : Number.parseFloat(v.toPrecision(12));
}

/**
 * "Nice" ticks inside [lo, hi] on a linear scale: multiples of a step of 1, 2, 2.5 or
 * 5 times a power of ten, the smallest such step giving at most `maxCount` ticks
 * (default 5). Returns `[lo]` when lo == hi and [] for non-finite bounds or lo > hi.
 */
export function linearTicks(lo: number, hi: number, maxCount = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) return [];
  if (lo === hi) return [lo];
  const span = hi - lo;
  const base = Math.floor(Math.log10(span)) - 2;
  for (let e = base; e <= base + 4; e++) {
    for (const m of [1, 2, 2.5, 5]) {
      const step = m * 10 ** e;
      const first = Math.ceil(lo / step - 1e-9);
      const last = Math.floor(hi / step + 1e-9);
      if (last - first + 1 <= maxCount) {
        const ticks: number[] = [];
        for (let i = first; i <= last; i++) ticks.push(clean(i * step));
        return ticks;
      }
    }
  }
  return [lo, hi];
}

/**
 * Ticks inside [lo, hi] (lo > 0) on a log scale, 2 to `maxCount` (default 5) of them:
 * powers of ten when the range holds at least three (every k-th power if there are too
 * many), else 1-3, 1-2-5, 1-2-3-5 multiples of powers of ten, else nice linear ticks;
 * as a last resort the two ends. Returns [] for invalid bounds.
 */
export function logTicks(lo: number, hi: number, maxCount = 5): number[] {
  if (!(lo > 0) || !Number.isFinite(hi) || lo > hi) return [];
  if (lo === hi) return [lo];
  const inside = (v: number): boolean => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9);
  const k0 = Math.ceil(Math.log10(lo) - 1e-9);
  const k1 = Math.floor(Math.log10(hi) + 1e-9);
  const powers = k1 - k0 + 1;
  if (powers >= 3) {
    const stride = Math.ceil(powers / maxCount);
    let ticks: number[] = [];
    for (let k = k0; k <= k1; k++) if (((k % stride) + stride) % stride === 0) ticks.push(clean(10 ** k));
    if (ticks.length < 2) {
      ticks = [];
      for (let k = k1; k >= k0; k -= stride) ticks.unshift(clean(10 ** k));
    }
    return ticks;
  }
  let best: number[] = [];
  for (const mults of [[1], [1, 3], [1, 2, 5], [1, 2, 3, 5]]) {
    const ticks: number[] = [];
    for (let k = Math.floor(Math.log10(lo)) - 1; k <= Math.ceil(Math.log10(hi)); k++) {
      for (const m of mults) {
        const v = clean(m * 10 ** k);
        if (inside(v)) ticks.push(v);
      }
    }
    if (ticks.length > maxCount) break;
    best = ticks;
    if (ticks.length >= 3) return ticks;
  }
  const lin = linearTicks(lo, hi, maxCount).filter((v) => v > 0);
  if (lin.length >= Math.max(2, best.length)) return lin;
  return best.length >= 2 ? best : [lo, hi];
}

/**
 * Short label for a tick value: `0`, `0.001`, `2.5`, `40`, `12000`; exponent form
 * (`1e-5`, `2.5e6`) below 0.001 and from 100000 on. Keeps at most 4 significant digits.
 */
export function formatTick(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e5) return String(Number.parseFloat(v.toPrecision(4)));
  const [mant, exp] = v.toExponential(3).split('e');
  return `${Number.parseFloat(mant)}e${Number.parseInt(exp, 10)}`;
}

/**
 * Human-readable number for tables and titles: integers as they are (below 1e15),
 * other values with `digits` significant digits (default 4) and no trailing zeros,
 * in exponent form below 0.001 or from 1e6 on; `NaN`, `inf`, `-inf` for non-finite values.
 */
export function formatNumber(v: number, digits = 4): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e6) return String(Number.parseFloat(v.toPrecision(digits)));
  const [mant, exp] = v.toExponential(digits - 1).split('e');
  return `${Number.parseFloat(mant)}e${Number.parseInt(exp, 10)}`;
}
