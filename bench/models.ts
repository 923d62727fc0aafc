// The benchmark's reference models, written with kensa's own nn modules; bench/torch_bench.py
// builds the same models in PyTorch. Each case returns a closure that runs one training step.
import { manualSeed, randn, randint, rand, tidy, keep, noGrad, type Tensor } from '../src/engine/index.js';
import { MetricNet } from '../src/methods/metric-learning/metric-net.js';
import { featureClusteringLoss } from '../src/methods/unsupervised-seg/feature-clustering-loss.js';
import { F } from '../src/nn/index.js';
import { Adam, SGD, type Optimizer } from '../src/optim/index.js';
import { MiniVgg, UNet, UnsupSegNet } from '../src/models/index.js';
import { buildBackbone } from '../src/methods/classify/backbones.js';
import { buildCycleGan, cycleGanTask } from '../src/methods/cyclegan/index.js';
import { Rng } from '../src/data/rng.js';
import type { ImageSet } from '../src/data/image-set.js';
import { markPhase } from './op-profile.js';

export interface BenchCase {
  model: string;
  description: string;
  /** Items (tiles, images) per step, to report throughput. */
  itemsPerStep?: number;
  /** Builds the model and data; returns one training step and a cleanup. */
  setup(): { step: () => number; dispose: () => void };
}

/** One training step: zero the gradients, loss, backward, loss value, optimizer update (phases marked for the profile). */
function trainStep(opt: Optimizer<{ lr: number }>, loss: () => Tensor): () => number {
  return () => {
    markPhase('zeroGrad');
    opt.zeroGrad();
    const l = tidy(() => {
      markPhase('forward');
      const t = loss();
      markPhase('backward');
      t.backward();
      markPhase('item');
      return t.item();
    });
    markPhase('optimizer');
    opt.step();
    markPhase('end');
    return l;
  };
}

/** Length of the OPS chain and the size of its tensors. */
export const OPS_CHAIN = 1000;
export const OPS_SIZE = 64;

/** One feature-clustering iteration (the method's own loss) on an H×W RGB image. */
function featureClusteringCase(model: string, description: string, height: number, width: number): BenchCase {
  return {
    model,
    description,
    setup() {
      manualSeed(0);
      const net = new UnsupSegNet({ inChannels: 3, channels: 100, nConv: 2 });
      const opt = new SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
      const x = keep(rand([1, 3, height, width]));
      return {
        step: trainStep(opt, () => featureClusteringLoss(net.forward(x)).loss),
        dispose: () => x.dispose(),
      };
    },
  };
}

/** The metric-learning tile network of cases M4/M5 (scripts/torchref/metric_bench.py builds its twin). */
function tileNet(): MetricNet {
  return new MetricNet({ backbone: 'minivgg', width: 16, inputSize: 32, embeddingSize: 64, head: 'arcface', numClasses: 4 });
}

/** A placeholder one-channel image set (the CycleGAN case steps on its own tensors; the task only needs non-empty domains). */
function benchImageSet(n: number, seed: number, size: number): ImageSet {
  const rng = new Rng(seed);
  const data = Float32Array.from({ length: n * size * size }, () => rng.next());
  return { classes: ['x'], channels: 1, size, count: n, data, labels: new Int32Array(n), groups: Array.from({ length: n }, (_, i) => `g${i}`), sources: [] };
}

export const BENCH_CASES: BenchCase[] = [
  {
    model: 'M1',
    description: 'mini-VGG 32×32×3, batch 64, Adam',
    setup() {
      manualSeed(0);
      const net = new MiniVgg({ inChannels: 3, inputSize: 32, numClasses: 10 });
      const opt = new Adam(net.parameters(), { lr: 1e-3 });
      const x = keep(randn([64, 3, 32, 32]));
      const y = keep(randint(0, 10, [64]));
      return {
        step: trainStep(opt, () => F.crossEntropy(net.forward(x), y)),
        dispose: () => [x, y].forEach((t) => t.dispose()),
      };
    },
  },
  {
    model: 'M2',
    description: 'U-Net 128×128×1 (16-32-64-128), batch 4, BCE, Adam',
    setup() {
      manualSeed(0);
      const net = new UNet({ inChannels: 1, outChannels: 1, widths: [16, 32, 64, 128] });
      const opt = new Adam(net.parameters(), { lr: 1e-3 });
      const x = keep(randn([4, 1, 128, 128]));
      const y = keep(tidy(() => rand([4, 1, 128, 128]).gt(0.5).float()));
      return {
        step: trainStep(opt, () => F.binaryCrossEntropyWithLogits(net.forward(x), y)),
        dispose: () => [x, y].forEach((t) => t.dispose()),
      };
    },
  },
  {
    model: 'M2b',
    description: 'U-Net 256×256×1 (16-32-64-128), batch 2, BCE, Adam (kensa segment-train on 256-px patches)',
    setup() {
      manualSeed(0);
      const net = new UNet({ inChannels: 1, outChannels: 1, widths: [16, 32, 64, 128] });
      const opt = new Adam(net.parameters(), { lr: 1e-3 });
      const x = keep(randn([2, 1, 256, 256]));
      const y = keep(tidy(() => rand([2, 1, 256, 256]).gt(0.5).float()));
      return {
        step: trainStep(opt, () => F.binaryCrossEntropyWithLogits(net.forward(x), y)),
        dispose: () => [x, y].forEach((t) => t.dispose()),
      };
    },
  },
  featureClusteringCase('M3', 'unsupervised-segmentation net (q=100) on 320×480, CE to own argmax + L1 continuity, SGD', 320, 480),
  featureClusteringCase('M3b', 'one iteration of kensa segment (feature clustering, q=100) on a 481×321 BSDS500-sized image, SGD', 321, 481),
  {
    model: 'M4',
    description: 'metric-learning tile net (mini-VGG w16 + BN, 64-d embedding, ArcFace) 32×32, batch 64, Adam: training',
    itemsPerStep: 64,
    setup() {
      manualSeed(0);
      const net = tileNet();
      const opt = new Adam(net.parameters(), { lr: 1e-3, weightDecay: 5e-4 });
      const x = keep(randn([64, 1, 32, 32]));
      const y = keep(randint(0, 4, [64]));
      return {
        step: trainStep(opt, () => net.head.loss(net.embed(x), y)),
        dispose: () => [x, y].forEach((t) => t.dispose()),
      };
    },
  },
  {
    model: 'M5',
    description: 'the same tile net: embedding 64 tiles (eval, no gradients)',
    itemsPerStep: 64,
    setup() {
      manualSeed(0);
      const net = tileNet();
      net.eval();
      const x = keep(randn([64, 1, 32, 32]));
      return {
        step: () => noGrad(() => tidy(() => void net.embed(x))) ?? 0,
        dispose: () => x.dispose(),
      };
    },
  },
  {
    model: 'M6',
    description: 'one CycleGAN iteration 128×128×1 (ResNet generators ngf 64, 6 blocks; PatchGAN ndf 64; both generators then both discriminators, pool 50), batch 1, Adam',
    itemsPerStep: 1,
    setup() {
      manualSeed(0);
      const nets = buildCycleGan({ generator: { ngf: 64, blocks: 6 }, discriminator: { ndf: 64, layers: 3 } });
      const task = cycleGanTask(nets, benchImageSet(4, 1, 128), benchImageSet(4, 2, 128), { poolSize: 50, seed: 0 });
      const a = keep(tidy(() => rand([1, 1, 128, 128]).mul(2).sub(1)));
      const b = keep(tidy(() => rand([1, 1, 128, 128]).mul(2).sub(1)));
      let s = 0;
      return {
        step: () => {
          markPhase('forward');
          const m = task.trainStep(a, b, { a: Rng.derive(0, s, 0x9a), b: Rng.derive(0, s++, 0x9b) });
          markPhase('end');
          return m.cycleA;
        },
        dispose: () => {
          [a, b].forEach((t) => t.dispose());
          for (const n of Object.values(nets)) n.dispose();
        },
      };
    },
  },
  {
    model: 'M7',
    description: 'kensa classify default network: mini-VGG 128×128×1 (widths 16-256, BN, dense 256, dropout 0.3), 2 classes, batch 32, Adam (wd 1e-4)',
    itemsPerStep: 32,
    setup() {
      manualSeed(0);
      const net = buildBackbone({ backbone: 'minivgg', inChannels: 1, inputSize: 128, numClasses: 2 });
      const opt = new Adam(net.parameters(), { lr: 1e-3, weightDecay: 1e-4 });
      const x = keep(randn([32, 1, 128, 128]));
      const y = keep(randint(0, 2, [32]));
      return {
        step: trainStep(opt, () => F.crossEntropy(net.forward(x), y)),
        dispose: () => [x, y].forEach((t) => t.dispose()),
      };
    },
  },
  {
    model: 'OPS',
    description: `per-op overhead: ${OPS_CHAIN} adds on ${OPS_SIZE}-element tensors, forward + backward`,
    setup() {
      manualSeed(0);
      const x = keep(randn([OPS_SIZE]).requiresGrad_());
      const y = keep(randn([OPS_SIZE]));
      return {
        step: () => {
          markPhase('zeroGrad');
          x.zeroGrad();
          const l = tidy(() => {
            markPhase('forward');
            let h = x;
            for (let i = 0; i < OPS_CHAIN; i++) h = h.add(y);
            const loss = h.sum();
            markPhase('backward');
            loss.backward();
            markPhase('item');
            return loss.item();
          });
          markPhase('end');
          return l;
        },
        dispose: () => [x, y].forEach((t) => t.dispose()),
      };
    },
  },
];
