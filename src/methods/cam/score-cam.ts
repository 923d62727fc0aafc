// Score-CAM: each channel, upsampled to the input and min-max scaled to [0, 1], masks the input;
// the target score of each masked input, softmaxed over channels, is the channel weight. No
// gradients (Wang et al., arXiv 1910.01279, Eq. 4-6 and Algorithm 1).
import { Tensor } from '../../engine/tensor.js';
import { cat } from '../../engine/tensor-shape.js';
import { tidy } from '../../engine/scope.js';
import { interpolate, softmax } from '../../nn/functional.js';
import { BaseCam } from './base-cam.js';
import { minMaxScale } from './normalize.js';
import type { CamLayerInput } from './types.js';

export class ScoreCam extends BaseCam {
  readonly name = 'scorecam';
  readonly title = 'Score-CAM';
  readonly reference = 'arXiv:1910.01279';
  override readonly usesGradients = false;
  /** The softmax over channels is not invariant to scaling its inputs. */
  readonly scaleInvariant = false;
  protected override channelWeights(input: CamLayerInput): Tensor {
    const [n, k] = input.activations.shape;
    const [, , hIn, wIn] = input.input.shape;
    const rows: Tensor[] = [];
    try {
      for (let i = 0; i < n; i++) {
        rows.push(
          tidy(() => {
            const a = input.activations.narrow(0, i, 1); // [1,K,h,w]
            const up = interpolate(a, { size: [hIn, wIn], mode: 'bilinear' }).squeeze(0); // [K,H,W]
            const masks = minMaxScale(up, 1).unsqueeze(1); // [K,1,H,W], each channel in [0, 1]
            const x = input.input.narrow(0, i, 1); // [1,C,H,W]
            const scores: Tensor[] = [];
            for (let s = 0; s < k; s += input.batchSize) {
              const m = Math.min(input.batchSize, k - s);
              scores.push(input.score(x.mul(masks.narrow(0, s, m)), Array.from({ length: m }, () => i)));
            }
            return softmax(cat(scores, 0), 0).unsqueeze(0); // [1,K]
          }),
        );
      }
      return cat(rows, 0);
    } finally {
      for (const r of rows) r.dispose();
    }
  }
}
