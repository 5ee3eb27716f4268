/**
 * A small seeded pseudo-random generator (sfc32) whose whole state is four 32-bit
 * integers, so a checkpoint can store it and a resumed run draws the same numbers.
 * TensorFlow.js's seeded ops are stateless, and `Math.random` cannot be seeded, hence this.
 */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal sample (Box-Muller). */
  normal(): number;
  /** The generator's state, for checkpoints. */
  state(): RngState;
}

/** Serialisable state of an {@link Rng}. */
export type RngState = [number, number, number, number];

/** Creates a generator from an integer seed, or from a saved {@link RngState}. */
export function createRng(seedOrState: number | RngState): Rng {
  let a: number, b: number, c: number, d: number;
  if (typeof seedOrState === 'number') {
    if (!Number.isFinite(seedOrState)) throw new RangeError(`seed must be a finite number, got ${seedOrState}`);
    a = 0x9e3779b9;
    b = 0x243f6a88;
    c = 0xb7e15162;
    d = (seedOrState >>> 0) ^ Math.floor(seedOrState / 2 ** 32);
    for (let i = 0; i < 15; i++) step();
  } else {
    [a, b, c, d] = seedOrState;
  }
  function step(): number {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    const r = (t + d) | 0;
    c = (c + r) | 0;
    return (r >>> 0) / 4294967296;
  }
  return {
    next: step,
    int: (n) => Math.floor(step() * n),
    normal: () => {
      const u = 1 - step();
      const v = step();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    state: () => [a >>> 0, b >>> 0, c >>> 0, d >>> 0],
  };
}

/** Fisher-Yates: `k` distinct indices drawn from [0, n) without replacement. */
export function sampleWithoutReplacement(rng: Rng, n: number, k: number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  const m = Math.min(k, n);
  for (let i = 0; i < m; i++) {
    const j = i + rng.int(n - i);
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx.slice(0, m);
}

/**
 * An independent seed for one named stream of a run, derived from the run's seed by hashing
 * (FNV-1a over the stream name, mixed with the seed by a murmur3-style finaliser): e.g.
 * `deriveSeed(seed, 'mask')` draws the random mask apart from the initialisation, which uses
 * `seed` itself. Returns an integer in [0, 2^31).
 */
export function deriveSeed(seed: number, stream: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < stream.length; i++) h = Math.imul(h ^ stream.charCodeAt(i), 0x01000193);
  h ^= (seed >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32), 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) & 0x7fffffff;
}

/** The seed of a run's random mask: `maskSeed` when given, else {@link deriveSeed}(seed, 'mask'). */
export function maskSeedOf(config: { readonly seed: number; readonly maskSeed?: number | null; }): number {
  return config.maskSeed ?? deriveSeed(config.seed, 'mask');
}
