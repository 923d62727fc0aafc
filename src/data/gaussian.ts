// The one Gaussian filter of kensa: separable smoothing of each channel of an interleaved float
// image with the semantics of scipy.ndimage.gaussian_filter(mode='reflect', truncate=4.0) (as
// skimage's felzenszwalb calls it), and its 1-D kernel, which tensor code (the CAM faithfulness
// blur) convolves with. Used by the Felzenszwalb baseline, the explanation's smoothed
// |difference|, seg-ability's blur degradation and the faithfulness baseline.
import { OptionError } from '../util/errors.js';

/** Sum in numpy's pairwise order (blocks of 8, unrolled), so kernel weights match numpy bit for bit. */
export function numpyPairwiseSum(a: Float64Array, start = 0, n = a.length): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i];
    return res;
  }
  if (n <= 128) {
    const r = new Float64Array(8);
    for (let j = 0; j < 8; j++) r[j] = a[start + j];
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += a[start + i + j];
    let res = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
    for (; i < n; i++) res += a[start + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return numpyPairwiseSum(a, start, n2) + numpyPairwiseSum(a, start + n2, n - n2);
}

/** Normalised 1-D Gaussian weights w[-r..r], r = floor(truncate * sigma + 0.5) (scipy's _gaussian_kernel1d). */
export function gaussianKernel1d(sigma: number, truncate = 4): Float64Array {
  const radius = Math.floor(truncate * sigma + 0.5);
  const w = new Float64Array(2 * radius + 1);
  const c = -0.5 / (sigma * sigma);
  for (let i = -radius; i <= radius; i++) w[i + radius] = Math.exp(c * (i * i));
  const sum = numpyPairwiseSum(w);
  for (let i = 0; i < w.length; i++) w[i] /= sum;
  return w;
}

// scipy 'reflect' (half-sample symmetric: d c b a | a b c d | d c b a), repeated for short lines.
function reflectIndex(i: number, n: number): number {
  const period = 2 * n;
  let m = i % period;
  if (m < 0) m += period;
  return m < n ? m : period - 1 - m;
}

// One axis of the separable filter, on every channel; symmetric-kernel accumulation order of
// scipy's NI_Correlate1D: centre first, then outermost pair inwards.
function correlateAxis(src: Float64Array, dst: Float64Array, len: number, lines: number, step: number, lineStep: number, channels: number, w: Float64Array): void {
  const r = (w.length - 1) / 2;
  const buf = new Float64Array(len + 2 * r);
  for (let line = 0; line < lines; line++) {
    for (let ch = 0; ch < channels; ch++) {
      const base = line * lineStep + ch;
      for (let i = -r; i < len + r; i++) buf[i + r] = src[base + reflectIndex(i, len) * step];
      for (let i = 0; i < len; i++) {
        const c = i + r;
        let acc = buf[c] * w[r];
        for (let j = r; j > 0; j--) acc += (buf[c - j] + buf[c + j]) * w[r - j];
        dst[base + i * step] = acc;
      }
    }
  }
}

/**
 * Smooths an interleaved [H, W, C] float image along rows then columns (axis 0, then axis 1, as
 * scipy does), each channel apart; the kernel reaches `truncate` σ (scipy's default 4). sigma 0
 * returns a copy.
 */
export function gaussianSmooth(data: Float64Array, width: number, height: number, channels: number, sigma: number, truncate = 4): Float64Array {
  if (!(sigma >= 0) || !Number.isFinite(sigma)) throw new OptionError('sigma', `must be a finite number >= 0, got ${sigma}`);
  const out = Float64Array.from(data);
  if (sigma <= 1e-15) return out;
  const w = gaussianKernel1d(sigma, truncate);
  const tmp = new Float64Array(data.length);
  // axis 0 (y): line = column x, step between samples = one row
  correlateAxis(data, tmp, height, width, width * channels, channels, channels, w);
  // axis 1 (x): line = row y, step = one pixel
  correlateAxis(tmp, out, width, height, channels, width * channels, channels, w);
  return out;
}
