// The per-iteration objective of differentiable feature clustering (Kim, Kanezaki & Tanaka,
// IEEE TIP 2020, arXiv 2007.09990, eqs. 1-4): cross-entropy of the response to its own argmax
// (feature similarity), plus the L1 of vertical and horizontal response differences (spatial
// continuity), plus an optional cross-entropy toward scribbled classes.
import type { Tensor } from '../../engine/index.js';
import { F } from '../../nn/index.js';

/** Weights of the loss terms. */
export interface FeatureClusteringLossWeights {
  /** μ_sim, weight of the similarity term. @default 1 */
  muSim?: number;
  /** μ_con, weight of the continuity term. @default 1 */
  muCon?: number;
  /** Weight of the scribble term (used only with scribble targets). @default 0.5 */
  muScribble?: number;
}

/** Scribble targets as int64 tensors [N, H, W]; -100 marks pixels a term ignores. */
export interface ScribbleTargets {
  /** Scribble class at scribbled pixels, -100 elsewhere. */
  scribble: Tensor;
  /** Bool [N, H, W], true at scribbled pixels (the similarity term skips them). */
  scribbled: Tensor;
}

/** One evaluated objective: the scalar loss (with autograd) and the labels it clustered toward. */
export interface FeatureClusteringLoss {
  /** Scalar loss, differentiable. */
  loss: Tensor;
  /** argmax over channels, int64 [N, H, W]. */
  labels: Tensor;
}

const IGNORE = -100;

/**
 * Loss of a response [N, q, H, W]. The similarity CE is a mean over pixels (over unscribbled
 * pixels only when scribbles are given); the continuity means run over all [N, q, H-1, W] and
 * [N, q, H, W-1] differences. Consumes `response` (disposes it once the graph holds it).
 */
export function featureClusteringLoss(response: Tensor, weights: FeatureClusteringLossWeights = {}, scribbles?: ScribbleTargets): FeatureClusteringLoss {
  const muSim = weights.muSim ?? 1;
  const muCon = weights.muCon ?? 1;
  const muScr = weights.muScribble ?? 0.5;
  const labels = response.argmax(1); // [N, H, W]
  let sim: Tensor;
  if (scribbles) {
    using simTarget = labels.maskedFill(scribbles.scribbled, IGNORE);
    using ceSim = F.crossEntropy(response, simTarget, { ignoreIndex: IGNORE });
    using ceScr = F.crossEntropy(response, scribbles.scribble, { ignoreIndex: IGNORE });
    using a = ceSim.mul(muSim);
    using b = ceScr.mul(muScr);
    sim = a.add(b);
  } else {
    using ce = F.crossEntropy(response, labels);
    sim = ce.mul(muSim);
  }
  using dy = meanAbsDiff(response, 2);
  using dx = meanAbsDiff(response, 3);
  response.dispose();
  using con = dy.add(dx);
  using conW = con.mul(muCon);
  using s = sim;
  return { loss: s.add(conW), labels };
}

/** mean |r[i+1] − r[i]| along `dim`. */
function meanAbsDiff(r: Tensor, dim: number): Tensor {
  using a = r.slice(dim, 1);
  using b = r.slice(dim, 0, -1);
  using d = a.sub(b);
  using ad = d.abs();
  return ad.mean();
}
