// Segmentation losses: soft Dice (Milletari et al. 2016, arXiv 1606.04797, Eq. 1 without squares in
// the denominator) summed over the whole batch, plus binary or categorical cross-entropy.
// Binary: one logit channel, sigmoid. Multi-class: K logit channels, softmax; Dice averaged over the
// foreground classes 1..K−1.
import { tidy, type Tensor } from '../../engine/index.js';
import { F } from '../../nn/index.js';

export const SEG_LOSSES = ['dice-ce', 'dice', 'ce'] as const;
export type SegLoss = (typeof SEG_LOSSES)[number];

/** Smoothing of the soft Dice: keeps an all-background batch finite. */
const EPS = 1e-5;

function softDiceLoss(probs: Tensor, target: Tensor): Tensor {
  // probs, target: [N, H, W] in [0, 1]
  const inter = probs.mul(target).sum();
  const denom = probs.sum().add(target.sum());
  return inter.mul(2).add(EPS).div(denom.add(EPS)).neg().add(1);
}

/**
 * The loss of logits [N, K', H, W] (K' = 1 for two classes, else K) against int64 masks [N, H, W].
 * 'dice-ce' = cross-entropy + soft Dice, equally weighted.
 */
export function segmentationLoss(logits: Tensor, masks: Tensor, classes: number, kind: SegLoss = 'dice-ce'): Tensor {
  return tidy(() => {
    const terms: Tensor[] = [];
    if (classes === 2) {
      const z = logits.select(1, 0); // [N, H, W]
      const y = masks.float();
      if (kind !== 'dice') terms.push(F.binaryCrossEntropyWithLogits(z, y));
      if (kind !== 'ce') terms.push(softDiceLoss(z.sigmoid(), y));
    } else {
      if (kind !== 'dice') terms.push(F.crossEntropy(logits, masks));
      if (kind !== 'ce') {
        const p = F.softmax(logits, 1);
        let d: Tensor | undefined;
        for (let k = 1; k < classes; k++) {
          const l = softDiceLoss(p.select(1, k), masks.eq(k).float());
          d = d ? d.add(l) : l;
        }
        terms.push(d!.div(classes - 1));
      }
    }
    return terms.length === 1 ? terms[0] : terms[0].add(terms[1]);
  });
}

/** Class probabilities [N, K', H, W] from logits: sigmoid for two classes (foreground only), else softmax. */
export function segmentationProbabilities(logits: Tensor, classes: number): Tensor {
  return classes === 2 ? logits.sigmoid() : F.softmax(logits, 1);
}
