// CycleGAN training as a FitTask for the shared training loop (Zhu et al. 2017, §4 "Training
// details"): per step one generator update (both generators, D frozen) and one discriminator
// update (both discriminators on real images and on fakes drawn through the image pools), Adam
// with constant learning rate for `epochs` epochs and linear decay over `decayEpochs` more. The
// pools are the task's extra state, so checkpoints and --resume carry them.
import { noGrad, tidy, type Tensor } from '../../engine/index.js';
import { Adam } from '../../optim/index.js';
import { constantThenLinearSchedule } from '../../optim/schedule.js';
import { RandFlip, RandCompose, Rng, imageSetBatch, type ImageSet } from '../../data/index.js';
import type { FitTask } from '../../train/index.js';
import { dataShard, shardRange } from '../../distributed/world.js';
import { CycleGanGenerator, PatchDiscriminator, type CycleGanGeneratorOptions, type PatchDiscriminatorOptions } from '../../models/index.js';
import { ImagePool } from './image-pool.js';
import { discriminatorLoss, generatorPass, type CycleGanLossWeights, type CycleGanNets, type GeneratorTerms } from './losses.js';

/** Networks of one run: both generators share one configuration, both discriminators another. */
export interface CycleGanNetConfig {
  generator: CycleGanGeneratorOptions;
  discriminator: PatchDiscriminatorOptions;
}

export function buildCycleGan(c: CycleGanNetConfig): CycleGanNets {
  return { gA2B: new CycleGanGenerator(c.generator), gB2A: new CycleGanGenerator(c.generator), dA: new PatchDiscriminator(c.discriminator), dB: new PatchDiscriminator(c.discriminator) };
}

export function disposeNets(n: CycleGanNets): void {
  for (const m of [n.gA2B, n.gB2A, n.dA, n.dB]) m.dispose();
}

export interface CycleGanTrainOptions extends CycleGanLossWeights {
  /** Epochs at the initial learning rate. @default 100 */ epochs?: number;
  /** Epochs of linear decay towards 0 after them. @default 100 */ decayEpochs?: number;
  /** Adam learning rate. @default 0.0002 */ lr?: number;
  /** Adam β₁ (β₂ is 0.999). @default 0.5 */ beta1?: number;
  /** Past fakes kept per discriminator; 0 = none. @default 50 */ poolSize?: number;
  /** Images per domain per step. @default 1 */ batchSize?: number;
  /** Random left-right flips of the training images. @default true */ flip?: boolean;
  /** Most steps per epoch; 0 = max(|A|, |B|) / batch. @default 0 */ maxPerEpoch?: number;
  /** @default 0 */ seed?: number;
  /** @default 'cpu' */ device?: string;
}

/** Intensities in [0, 1] ↔ the generators' [−1, 1]. */
export const TO_TANH = { mean: 0.5, std: 0.5 } as const;

export type CycleGanMetrics = GeneratorTerms & { dA: number; dB: number };

export interface CycleGanTask extends FitTask {
  nets: CycleGanNets;
  pools: { a: ImagePool; b: ImagePool };
  optimizerG: Adam;
  optimizerD: Adam;
  /** The update of one step on given batches [B,1,S,S] in [−1, 1]; `rng` draws the pools' choices. */
  trainStep(realA: Tensor, realB: Tensor, rng: { a: Rng; b: Rng }): CycleGanMetrics;
}

function setRequiresGrad(ms: { parameters(): Tensor[] }[], on: boolean): void {
  for (const m of ms) for (const p of m.parameters()) p.requiresGrad = on;
}

/**
 * The FitTask training `nets` on unpaired images of domain A (`a`) and B (`b`), both [N,1,S,S]
 * in [0, 1]. `val` images of each domain (optional) give the per-epoch mean cycle error.
 */
export function cycleGanTask(nets: CycleGanNets, a: ImageSet, b: ImageSet, o: CycleGanTrainOptions = {}, val?: { a: ImageSet; b: ImageSet }): CycleGanTask {
  const seed = o.seed ?? 0;
  const bs = o.batchSize ?? 1;
  const device = o.device ?? 'cpu';
  const lr0 = o.lr ?? 2e-4;
  const betas: [number, number] = [o.beta1 ?? 0.5, 0.999];
  const weights: CycleGanLossWeights = { lambdaCycle: o.lambdaCycle, lambdaIdentity: o.lambdaIdentity, ganMode: o.ganMode };
  if (a.count === 0 || b.count === 0) throw new RangeError('cycleGanTask: both domains need training images');
  const optimizerG = new Adam([...nets.gA2B.parameters(), ...nets.gB2A.parameters()], { lr: lr0, betas });
  const optimizerD = new Adam([...nets.dA.parameters(), ...nets.dB.parameters()], { lr: lr0, betas });
  const pools = { a: new ImagePool(o.poolSize ?? 50), b: new ImagePool(o.poolSize ?? 50) };
  // reference schedule: factor 1 − max(0, t + 1 − epochs) / (decayEpochs + 1) in epoch t (0-based)
  const factor = constantThenLinearSchedule({ constantEpochs: (o.epochs ?? 100) - 1, decayEpochs: o.decayEpochs ?? 100 });
  const flip = (o.flip ?? true) ? new RandCompose([new RandFlip({ horizontal: 0.5, vertical: 0 })]) : undefined;
  const full = Math.max(a.count, b.count);
  // data-parallel (kensa launch): a step is a global batch of bs per rank per domain, this rank trains on its part
  const world = (): number => dataShard().worldSize;
  const steps = (): number => Math.max(1, Math.floor((o.maxPerEpoch ? Math.min(o.maxPerEpoch * bs * world(), full) : full) / (bs * world())));
  let orderA: number[] = [];
  let orderB: number[] = [];
  const cycled = (n: number, perm: number[]): number[] => Array.from({ length: n }, (_, i) => perm[i % perm.length]);
  const batch = (set: ImageSet, order: number[], epoch: number, s: number, domain: number): Tensor => {
    const part = shardRange(bs * world()); // k: place in the global batch, so flips do not depend on the world size
    return imageSetBatch(set, order.slice(s * bs * world() + part.start, s * bs * world() + part.start + part.count), { transform: flip, rngFor: (k) => Rng.derive(seed, epoch, s, part.start + k, domain), norm: TO_TANH, device });
  };
  /** One generator update (discriminators frozen), then one discriminator update on real and pooled fake images. */
  const trainStep = (realA: Tensor, realB: Tensor, rng: { a: Rng; b: Rng }): CycleGanMetrics =>
    tidy(() => {
      setRequiresGrad([nets.dA, nets.dB], false);
      optimizerG.zeroGrad();
      const g = generatorPass(nets, realA, realB, weights);
      g.total.backward();
      const terms = Object.fromEntries(Object.entries(g.terms).map(([k, t]) => [k, t.item()])) as unknown as GeneratorTerms;
      optimizerG.step();
      setRequiresGrad([nets.dA, nets.dB], true);
      optimizerD.zeroGrad();
      const lossDB = discriminatorLoss(nets.dB, realB, pools.b.query(g.fakeB, rng.b), o.ganMode);
      const lossDA = discriminatorLoss(nets.dA, realA, pools.a.query(g.fakeA, rng.a), o.ganMode);
      lossDA.add(lossDB).backward();
      optimizerD.step();
      return { ...terms, dA: lossDA.item(), dB: lossDB.item() };
    });
  return {
    nets,
    pools,
    optimizerG,
    optimizerD,
    modules: { gA2B: nets.gA2B, gB2A: nets.gB2A, dA: nets.dA, dB: nets.dB },
    optimizers: { g: optimizerG, d: optimizerD },
    extraState: {
      save: () => ({ poolA: pools.a.save(), poolB: pools.b.save() }),
      load: (v) => {
        const s = v as { poolA?: unknown; poolB?: unknown } | undefined;
        pools.a.load(s?.poolA, 'checkpoint (pool of fake A images)');
        pools.b.load(s?.poolB, 'checkpoint (pool of fake B images)');
      },
    },
    stepsPerEpoch: steps,
    beginEpoch(epoch) {
      for (const opt of [optimizerG, optimizerD]) opt.setLr(lr0 * factor(epoch));
      orderA = cycled(steps() * bs * world(), Rng.derive(seed, epoch, 1).permutation(a.count));
      orderB = cycled(steps() * bs * world(), Rng.derive(seed, epoch, 2).permutation(b.count));
    },
    step(epoch, s) {
      const metrics = tidy(() => trainStep(batch(a, orderA, epoch, s, 1), batch(b, orderB, epoch, s, 2), { a: Rng.derive(seed, epoch, s, 0x9a), b: Rng.derive(seed, epoch, s, 0x9b) }));
      return { metrics: { ...metrics }, samples: bs };
    },
    trainStep,
    evaluate() {
      if (!val || val.a.count === 0 || val.b.count === 0) return {};
      return cycleErrors(nets, val.a, val.b, device);
    },
  };
}

/** Mean |F(G(a)) − a| and |G(F(b)) − b| over sets of [0, 1] images, in [0, 1] intensity units. */
export function cycleErrors(nets: CycleGanNets, a: ImageSet, b: ImageSet, device = 'cpu', batchSize = 8): { valCycleA: number; valCycleB: number } {
  const err = (set: ImageSet, there: CycleGanGenerator, back: CycleGanGenerator): number => {
    let sum = 0;
    for (let s = 0; s < set.count; s += batchSize) {
      const idx = Array.from({ length: Math.min(batchSize, set.count - s) }, (_, k) => s + k);
      sum += tidy(() => {
        const x = imageSetBatch(set, idx, { norm: TO_TANH, device });
        return back.forward(there.forward(x)).sub(x).abs().mean().item() * idx.length;
      });
    }
    return sum / set.count / 2; // [−1, 1] → [0, 1] units
  };
  const wasTraining = nets.gA2B.training;
  nets.gA2B.eval();
  nets.gB2A.eval();
  const r = noGrad(() => ({ valCycleA: err(a, nets.gA2B, nets.gB2A), valCycleB: err(b, nets.gB2A, nets.gA2B) }));
  nets.gA2B.train(wasTraining);
  nets.gB2A.train(wasTraining);
  return r;
}
