// Summary statistics behind box and violin plots: quantiles, Tukey box statistics, Gaussian KDE.

/** Finite values of `values`, sorted ascending. */
export function sortedFinite(values: ArrayLike<number>): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) out.push(values[i]);
  return Float64Array.from(out).sort();
}

/** Quantile q ∈ [0, 1] of sorted data, linear interpolation between order statistics (NumPy's default). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Tukey box statistics: quartiles, whiskers at the most extreme data within `k`·IQR, and the outliers. */
export interface BoxStats {
  n: number;
  q1: number;
  median: number;
  q3: number;
  lowWhisker: number;
  highWhisker: number;
  outliers: number[];
}

export function boxStats(values: ArrayLike<number>, k = 1.5): BoxStats {
  const s = sortedFinite(values);
  const q1 = quantile(s, 0.25);
  const median = quantile(s, 0.5);
  const q3 = quantile(s, 0.75);
  const lo = q1 - k * (q3 - q1);
  const hi = q3 + k * (q3 - q1);
  let lowWhisker = median;
  let highWhisker = median;
  const outliers: number[] = [];
  for (const v of s) {
    if (v < lo || v > hi) outliers.push(v);
    else {
      if (v < lowWhisker) lowWhisker = v;
      if (v > highWhisker) highWhisker = v;
    }
  }
  return { n: s.length, q1, median, q3, lowWhisker, highWhisker, outliers };
}

/** Mean and sample standard deviation. */
function meanStd(s: ArrayLike<number>): [number, number] {
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += s[i];
  const mean = sum / s.length;
  let ss = 0;
  for (let i = 0; i < s.length; i++) ss += (s[i] - mean) ** 2;
  return [mean, Math.sqrt(ss / Math.max(1, s.length - 1))];
}

/** Silverman's rule of thumb: 0.9·min(σ, IQR/1.34)·n^(−1/5) (Silverman 1986, eq. 3.31). */
export function silvermanBandwidth(sorted: ArrayLike<number>): number {
  const [, sd] = meanStd(sorted);
  const iqr = quantile(sorted, 0.75) - quantile(sorted, 0.25);
  const spread = Math.min(sd, iqr / 1.34) || sd || Math.abs(sorted[0]) * 0.1 || 1;
  return 0.9 * spread * sorted.length ** -0.2;
}

/** A density curve: `density[i]` at `at[i]`. */
export interface Density {
  at: Float64Array;
  density: Float64Array;
  bandwidth: number;
}

/** Gaussian kernel density on `points` grid values spanning [min − cut·bw, max + cut·bw]. */
export function gaussianKde(values: ArrayLike<number>, options: { points?: number; cut?: number; bandwidth?: number } = {}): Density {
  const s = sortedFinite(values);
  const points = options.points ?? 100;
  if (s.length === 0) return { at: new Float64Array(0), density: new Float64Array(0), bandwidth: NaN };
  const bw = options.bandwidth ?? silvermanBandwidth(s);
  const cut = options.cut ?? 1;
  const lo = s[0] - cut * bw;
  const hi = s[s.length - 1] + cut * bw;
  const at = new Float64Array(points);
  const density = new Float64Array(points);
  const norm = 1 / (s.length * bw * Math.sqrt(2 * Math.PI));
  for (let j = 0; j < points; j++) {
    const x = lo + ((hi - lo) * j) / (points - 1);
    at[j] = x;
    let sum = 0;
    // Kernels beyond 6 bandwidths contribute < 1e-8: skip them using the sorted order.
    for (let i = lowerBound(s, x - 6 * bw); i < s.length && s[i] <= x + 6 * bw; i++) sum += Math.exp(-0.5 * ((x - s[i]) / bw) ** 2);
    density[j] = sum * norm;
  }
  return { at, density, bandwidth: bw };
}

function lowerBound(s: Float64Array, v: number): number {
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
