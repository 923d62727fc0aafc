// CycleGAN's objective (Zhu et al., ICCV 2017, arXiv 1703.10593): adversarial losses in the
// least-squares form (Mao et al. 2017, eq. 2 of the CycleGAN paper with the LSGAN substitution of
// §4), the cycle-consistency L1 loss (eq. 2) weighted by λ each way, and the identity L1 loss
// (§5.2) weighted by λ_identity·λ. Generators see images in [−1, 1].
import { fullLike, tidy, type Tensor } from '../../engine/index.js';
import { F, type Module } from '../../nn/index.js';
import type { CycleGanGenerator, PatchDiscriminator } from '../../models/index.js';

export const GAN_MODES = ['lsgan', 'vanilla'] as const;
export type GanMode = (typeof GAN_MODES)[number];

/** The four networks. dA tells real A images from F(B); dB tells real B images from G(A). */
export interface CycleGanNets {
  /** G: A → B. */
  gA2B: CycleGanGenerator;
  /** F: B → A. */
  gB2A: CycleGanGenerator;
  dA: PatchDiscriminator;
  dB: PatchDiscriminator;
}

export interface CycleGanLossWeights {
  /** λ of the cycle L1 loss, each way. @default 10 */ lambdaCycle?: number;
  /** Identity L1 weight as a fraction of λ (0 switches the identity pass off). @default 0.5 */ lambdaIdentity?: number;
  /** @default 'lsgan' */ ganMode?: GanMode;
}

/**
 * GAN loss of discriminator scores against "real" (1) or "fake" (0): mean squared error for
 * LSGAN, binary cross-entropy on logits for the original GAN.
 */
export function ganLoss(pred: Tensor, real: boolean, mode: GanMode = 'lsgan'): Tensor {
  return tidy(() => {
    const target = fullLike(pred, real ? 1 : 0);
    return mode === 'lsgan' ? F.mseLoss(pred, target) : F.binaryCrossEntropyWithLogits(pred, target);
  });
}

/** Weighted terms of the generators' loss (scalars, as plain numbers). */
export interface GeneratorTerms {
  /** GAN loss of dB on G(A), as if real. */
  advA2B: number;
  /** GAN loss of dA on F(B), as if real. */
  advB2A: number;
  /** λ·‖F(G(a)) − a‖₁ (mean). */
  cycleA: number;
  /** λ·‖G(F(b)) − b‖₁. */
  cycleB: number;
  /** λ_identity·λ·‖F(a) − a‖₁ (0 when identity is off). */
  idtA: number;
  /** λ_identity·λ·‖G(b) − b‖₁. */
  idtB: number;
}

export interface GeneratorPass {
  /** Sum of every term (the tensor to back-propagate). */
  total: Tensor;
  terms: Record<keyof GeneratorTerms, Tensor>;
  /** G(a) and F(b), still attached to the generators' graph. */
  fakeB: Tensor;
  fakeA: Tensor;
}

/** Forward pass of both generators on a pair of batches, with every loss term (reference order). */
export function generatorPass(nets: CycleGanNets, realA: Tensor, realB: Tensor, w: CycleGanLossWeights = {}): GeneratorPass {
  const lambda = w.lambdaCycle ?? 10;
  const lambdaIdt = w.lambdaIdentity ?? 0.5;
  const mode = w.ganMode ?? 'lsgan';
  return tidy(() => {
    const fakeB = nets.gA2B.forward(realA);
    const recA = nets.gB2A.forward(fakeB);
    const fakeA = nets.gB2A.forward(realB);
    const recB = nets.gA2B.forward(fakeA);
    let idtA: Tensor;
    let idtB: Tensor;
    if (lambdaIdt > 0) {
      idtB = F.l1Loss(nets.gA2B.forward(realB), realB).mul(lambda * lambdaIdt);
      idtA = F.l1Loss(nets.gB2A.forward(realA), realA).mul(lambda * lambdaIdt);
    } else {
      idtA = fullLike(realA.sum(), 0);
      idtB = fullLike(realB.sum(), 0);
    }
    const terms = {
      advA2B: ganLoss(nets.dB.forward(fakeB), true, mode),
      advB2A: ganLoss(nets.dA.forward(fakeA), true, mode),
      cycleA: F.l1Loss(recA, realA).mul(lambda),
      cycleB: F.l1Loss(recB, realB).mul(lambda),
      idtA,
      idtB,
    };
    const total = terms.advA2B.add(terms.advB2A).add(terms.cycleA).add(terms.cycleB).add(terms.idtA).add(terms.idtB);
    return { total, terms, fakeB, fakeA };
  });
}

/** ½ (GAN(d(real), real) + GAN(d(fake), fake)); `fake` is detached here. */
export function discriminatorLoss(d: Module & { forward(x: Tensor): Tensor }, real: Tensor, fake: Tensor, mode: GanMode = 'lsgan'): Tensor {
  return tidy(() => ganLoss(d.forward(real), true, mode).add(ganLoss(d.forward(fake.detach()), false, mode)).mul(0.5));
}
