// Whole-image prediction with a trained segmenter: normalise as in training, sliding-window class
// probabilities, labels (foreground probability > 0.5 for two classes, else the most probable
// class), and the Dice of labels against a mask.
import { noGrad, tensor, tidy, type Tensor } from '../../engine/index.js';
import type { ImageTensorLike } from '../../data/index.js';
import { classDiceCounts, dice, diceFromCounts, meanClassDice } from '../../metrics/dice.js';
import type { UNet } from '../../models/index.js';
import { segmentationProbabilities } from './losses.js';
import { normalizeImage, type PixelNorm } from './seg-data.js';
import { slidingWindow, type SlidingWindowOptions } from './sliding-window.js';

/** What prediction needs of a segmenter (a LoadedSegmenter, or a network during training). */
export interface Segmenter {
  unet: UNet;
  classes: number;
  norm: PixelNorm;
  /** Input sides must be multiples of this. */
  multiple: number;
}

export interface Prediction {
  height: number;
  width: number;
  /** Probability planes [K', H, W]: K' = 1 (foreground) for two classes, else K. */
  probs: Float32Array;
  planes: number;
  /** Class index per pixel [H·W]. */
  labels: Uint8Array;
}

/** Labels from probability planes. */
export function labelsOf(probs: Float32Array, planes: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  if (planes === 1) {
    for (let i = 0; i < n; i++) out[i] = probs[i] > 0.5 ? 1 : 0;
    return out;
  }
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < planes; k++) if (probs[k * n + i] > probs[best * n + i]) best = k;
    out[i] = best;
  }
  return out;
}

/** Probabilities of the network for an already normalised image tensor batch (eval mode, no gradients). */
export function probabilityFn(s: Segmenter): (x: Tensor) => Tensor {
  return (x) => tidy(() => segmentationProbabilities(s.unet.forward(x), s.classes));
}

/** Sliding-window prediction of a raw image (values as read, e.g. in [0, 1]). */
export function predictImage(s: Segmenter, raw: ImageTensorLike, o: SlidingWindowOptions & { device?: string } = {}): Prediction {
  const img = normalizeImage(raw, s.norm);
  const was = s.unet.training;
  s.unet.eval();
  const probs = noGrad(() =>
    tidy(() => {
      const x = tensor(img.data, { shape: [img.channels, img.height, img.width], device: o.device ?? 'cpu' });
      return slidingWindow(probabilityFn(s), x, { ...o, multiple: s.multiple }).cpu().data() as Float32Array;
    }),
  );
  s.unet.train(was);
  const n = img.height * img.width;
  const planes = probs.length / n;
  return { height: img.height, width: img.width, probs, planes, labels: labelsOf(probs, planes, n) };
}

/** Dice of labels against a class-index mask: the foreground class for two classes, else the mean over classes 1..K−1. */
export function segmentationDice(labels: ArrayLike<number>, mask: ArrayLike<number>, classes: number): number {
  if (classes === 2) return dice(labels, mask);
  return meanClassDice(labels, mask, Array.from({ length: classes - 1 }, (_, k) => k + 1));
}

/** Dice of each foreground class 1..K−1 of a label map against a class-index mask (both empty = 1). */
export function classDices(labels: ArrayLike<number>, mask: ArrayLike<number>, classes: number): number[] {
  if (classes === 2) return [dice(labels, mask)];
  return Array.from({ length: classes - 1 }, (_, k) => diceFromCounts(classDiceCounts(labels, mask, k + 1)));
}
