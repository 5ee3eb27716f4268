/**
 * Student's t for the study's paired differences: a mean over seeds, its t statistic, degrees of
 * freedom, two-sided p-value and 95% interval. Plain numbers, no dependencies.
 */

/** ln Gamma(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error about 1e-15). */
function lnGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
    9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1, d = 1 - (a + b) * x / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b) for 0 <= x <= 1. */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? front * betaFraction(a, b, x) / a : 1 - front * betaFraction(b, a, 1 - x) / b;
}

function checkDf(df: number): void {
  if (!(Number.isFinite(df) && df > 0)) throw new RangeError(`degrees of freedom must be a positive number, got ${df}`);
}

/** P(|T| >= |t|) for Student's t with `df` degrees of freedom (the two-sided p-value of t). */
export function studentTTwoSided(t: number, df: number): number {
  checkDf(df);
  if (Number.isNaN(t)) return NaN;
  if (!Number.isFinite(t)) return 0;
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** The quantile q with P(T <= q) = `prob` for Student's t with `df` degrees of freedom (0 < prob < 1). */
export function studentTQuantile(prob: number, df: number): number {
  checkDf(df);
  if (!(prob > 0 && prob < 1)) throw new RangeError(`probability must be in (0, 1), got ${prob}`);
  if (prob === 0.5) return 0;
  const tail = prob < 0.5 ? prob : 1 - prob; // one-sided tail area beyond |q|
  let lo = 0, hi = 1;
  while (studentTTwoSided(hi, df) / 2 > tail) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (studentTTwoSided(mid, df) / 2 > tail) lo = mid;
    else hi = mid;
  }
  const q = (lo + hi) / 2;
  return prob < 0.5 ? -q : q;
}

/** A one-sample t summary of paired differences (see {@link pairedT}). */
export interface TSummary {
  /** Number of differences (seeds). */
  readonly n: number;
  /** Their mean. */
  readonly mean: number;
  /** Standard error of the mean: sample std / sqrt(n); NaN for fewer than 2. */
  readonly se: number;
  /** mean / se; NaN for fewer than 2 differences or a zero standard error. */
  readonly t: number;
  /** Degrees of freedom, n - 1. */
  readonly df: number;
  /** Two-sided p-value of t against a mean of 0; NaN when t is. */
  readonly p: number;
  /** Lower end of the 95% interval of the mean (mean - t_{0.975, df} * se); NaN for fewer than 2. */
  readonly lo: number;
  /** Upper end of the 95% interval of the mean. */
  readonly hi: number;
}

/** Mean, standard error, t, degrees of freedom, two-sided p-value and 95% interval of `values` against 0. */
export function pairedT(values: readonly number[]): TSummary {
  const n = values.length;
  const mean = n > 0 ? values.reduce((a, b) => a + b, 0) / n : NaN;
  if (n < 2) return { n, mean, se: NaN, t: NaN, df: Math.max(n - 1, 0), p: NaN, lo: NaN, hi: NaN };
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  const se = sd / Math.sqrt(n);
  const df = n - 1;
  const t = se > 0 ? mean / se : NaN;
  const q = studentTQuantile(0.975, df);
  return { n, mean, se, t, df, p: Number.isNaN(t) ? NaN : studentTTwoSided(t, df), lo: mean - q * se, hi: mean + q * se };
}
