// Statistics of the benchmark: medians, and a seeded two-stage bootstrap of the median
// kensa/PyTorch ratio over paired steps in blocks (percentile interval, Efron & Tibshirani, An
// Introduction to the Bootstrap, 1993, ch. 13; resampling blocks, then pairs within each block, as
// for clustered data in Davison & Hinkley, Bootstrap Methods, 1997, §3.8): a load change that
// shifts one block's ratios widens the interval instead of being averaged away.

export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('median of no values');
  const s = [...xs].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Quantile q in [0, 1] of sorted values, linear between order statistics (numpy's default). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of no values');
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Mulberry32: a small seeded generator of uniforms in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One timed pair: a kensa step and the PyTorch step next to it, ms. */
export interface Pair {
  kensa: number;
  torch: number;
}

/** A timed pair with both engines' process CPU time (all threads), ms. */
export interface TimedPair extends Pair {
  kensaCpu: number;
  torchCpu: number;
  /** kensa's process CPU time (ms) while the PyTorch step of this pair ran. */
  kensaCpuBesideTorch?: number;
}

export interface RatioInterval {
  /** Median over all pairs of kensa/PyTorch. */
  ratio: number;
  /** Bounds of the central `level` percentile interval of the bootstrapped median. */
  low: number;
  high: number;
  level: number;
  resamples: number;
}

export interface BootstrapOptions {
  /** @default 2000 */ resamples?: number;
  /** @default 0.95 */ level?: number;
  /** @default 1 */ seed?: number;
}

/**
 * Median paired ratio kensa/PyTorch and its bootstrap interval: each resample draws as many
 * blocks as were measured, with replacement, then within each drawn block as many pairs as it
 * holds, with replacement, and takes the median ratio of all drawn pairs.
 */
export function ratioInterval(blocks: readonly (readonly Pair[])[], o: BootstrapOptions = {}): RatioInterval {
  const resamples = o.resamples ?? 2000;
  const level = o.level ?? 0.95;
  const rand = mulberry32(o.seed ?? 1);
  const ratios = blocks.filter((b) => b.length > 0).map((b) => b.map((p) => p.kensa / p.torch));
  if (ratios.length === 0) throw new RangeError('ratioInterval: no pairs');
  const stats: number[] = [];
  const n = ratios.length;
  for (let r = 0; r < resamples; r++) {
    const drawn: number[] = [];
    for (let i = 0; i < n; i++) {
      const block = ratios[Math.floor(rand() * n)];
      for (let j = 0; j < block.length; j++) drawn.push(block[Math.floor(rand() * block.length)]);
    }
    stats.push(median(drawn));
  }
  stats.sort((p, q) => p - q);
  const tail = (1 - level) / 2;
  return { ratio: median(ratios.flat()), low: quantileSorted(stats, tail), high: quantileSorted(stats, 1 - tail), level, resamples };
}

/**
 * Each kensa step of a block against the geometric mean of the PyTorch steps run just before and
 * just after it (the one neighbour at a block's ends). The block ran in time order
 * kensa, PyTorch, kensa, … (or PyTorch first when `torchFirst`), so a load that drifts
 * geometrically during the block cancels exactly, where the adjacent pair keeps one step of drift.
 */
export function neighbourPairs(block: readonly Pair[], torchFirst: boolean): Pair[] {
  return block.map((p, i) => {
    const before = torchFirst ? p.torch : block[i - 1]?.torch;
    const after = torchFirst ? block[i + 1]?.torch : p.torch;
    const torch = before !== undefined && after !== undefined ? Math.sqrt(before * after) : (before ?? after ?? p.torch);
    return { kensa: p.kensa, torch };
  });
}
