// Summaries of SA over images: per layer the units' mean SA (each unit averaged over images), the
// share of units above a threshold, the all-channel layer SA, the best and worst unit; and the
// label-free quality estimate of one image (mean output-guided SA of the last layers' units).
import { OptionError } from '../../util/errors.js';
import type { ImageAbility } from './segmentation-ability.js';

export interface UnitRef {
  unit: number;
  sa: number;
}

export interface LayerSummary {
  name: string;
  channels: number;
  /** Mean over units of each unit's mean SA over images. */
  meanSA: number;
  medianSA: number;
  /** Share of units whose mean SA exceeds the threshold. */
  activeShare: number;
  /** Mean over images of the all-channel layer SA. */
  layerSA: number;
  bestUnit: UnitRef;
  worstUnit: UnitRef;
  /** Each unit's mean SA over images [C]. */
  unitSA: number[];
}

function median(v: readonly number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Per-layer summary of the truth-guided SA of several images (all analysed with the same layers). */
export function summarizeLayers(images: readonly ImageAbility[], threshold: number): LayerSummary[] {
  if (images.length === 0) throw new OptionError('images', 'no image to summarise');
  return images[0].layers.map((l0, li) => {
    const unitSA = new Array<number>(l0.channels).fill(0);
    let layerSA = 0;
    for (const img of images) {
      const s = img.layers[li].truth;
      if (!s) throw new OptionError('--masks', 'SA needs ground-truth masks');
      s.unitSA.forEach((v, u) => (unitSA[u] += v / images.length));
      layerSA += s.layerSA / images.length;
    }
    let best = 0;
    let worst = 0;
    unitSA.forEach((v, u) => {
      if (v > unitSA[best]) best = u;
      if (v < unitSA[worst]) worst = u;
    });
    return {
      name: l0.name,
      channels: l0.channels,
      meanSA: unitSA.reduce((a, b) => a + b, 0) / unitSA.length,
      medianSA: median(unitSA),
      activeShare: unitSA.filter((v) => v > threshold).length / unitSA.length,
      layerSA,
      bestUnit: { unit: best, sa: unitSA[best] },
      worstUnit: { unit: worst, sa: unitSA[worst] },
      unitSA,
    };
  });
}

/**
 * Label-free estimate of one image: mean output-guided unit SA over the named layers. An empty
 * output (no pixel of the class) has no object prototype to measure the units against, and every
 * unit that also finds nothing would score 1 by the both-empty Dice rule; its estimate is 0 instead
 * (nothing found, nothing vouched for), so a network that goes blank on a degraded image does not
 * look confident. (On a truly empty image this under-rates a correct blank output.)
 */
export function labelFreeEstimate(img: Pick<ImageAbility, 'layers' | 'outputMask'>, layers: readonly string[]): number {
  const empty = !img.outputMask.some((v) => v !== 0);
  let s = 0;
  let n = 0;
  for (const l of img.layers) {
    if (!layers.includes(l.name)) continue;
    for (const v of l.output.unitSA) {
      s += v;
      n++;
    }
  }
  if (n === 0) throw new OptionError('--estimate-layers', `none of ${layers.join(', ')} was analysed`);
  return empty ? 0 : s / n;
}
