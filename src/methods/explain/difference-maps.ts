// What translation changed: signed and absolute difference maps (original − translated), group
// means of them, and two numbers for how well a heat map agrees with |difference| inside a mask:
// Pearson's r over the pixels and the overlap of the two top-fraction pixel sets.
import { OptionError } from '../../util/errors.js';

/** original − translated, pixel by pixel. */
export function signedDifference(original: Float32Array, translated: Float32Array): Float32Array {
  if (original.length !== translated.length) throw new OptionError('translated', `has ${translated.length} pixels, the original ${original.length}`);
  return original.map((v, i) => v - translated[i]);
}

/** Pixel-wise mean of several maps of one size. */
export function meanMap(maps: readonly Float32Array[]): Float32Array {
  if (maps.length === 0) throw new OptionError('maps', 'needs at least one map');
  const out = new Float32Array(maps[0].length);
  for (const m of maps) for (let i = 0; i < m.length; i++) out[i] += m[i] / maps.length;
  return out;
}

function masked(a: ArrayLike<number>, mask: ArrayLike<boolean | number> | undefined): number[] {
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (!mask || mask[i]) out.push(a[i]);
  return out;
}

/** Pearson's correlation of a and b over the pixels where mask is set (NaN when either is constant). */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>, mask?: ArrayLike<boolean | number>): number {
  if (a.length !== b.length) throw new OptionError('b', `has ${b.length} values, a has ${a.length}`);
  const x = masked(a, mask);
  const y = masked(b, mask);
  const n = x.length;
  if (n < 2) return NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i] / n;
    my += y[i] / n;
  }
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

/** Indices (into the masked pixels) of the top `fraction` by value; ties broken by position. */
function topSet(v: number[], fraction: number): Set<number> {
  const k = Math.max(1, Math.round(v.length * fraction));
  return new Set(v.map((x, i) => [x, i] as const).sort((p, q) => q[0] - p[0] || p[1] - q[1]).slice(0, k).map(([, i]) => i));
}

/**
 * |top(a) ∩ top(b)| / k where top = the `fraction` highest pixels inside the mask (k of them).
 * Two unrelated maps overlap by about `fraction`; identical ones by 1.
 */
export function topFractionOverlap(a: ArrayLike<number>, b: ArrayLike<number>, fraction = 0.1, mask?: ArrayLike<boolean | number>): number {
  if (!(fraction > 0 && fraction <= 1)) throw new OptionError('fraction', `must be in (0, 1], got ${fraction}`);
  const x = masked(a, mask);
  const y = masked(b, mask);
  if (x.length === 0) return NaN;
  const ta = topSet(x, fraction);
  const tb = topSet(y, fraction);
  let both = 0;
  for (const i of ta) if (tb.has(i)) both++;
  return both / ta.size;
}
