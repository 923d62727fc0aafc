// Unsupervised segmentation by differentiable feature clustering (Kim, Kanezaki & Tanaka, IEEE TIP
// 29, 2020, 8055-8068, arXiv 2007.09990, Algorithm 1): a small CNN is trained on one image alone to
// cluster its own per-pixel responses; the label map is the argmax over the q response channels.
//
// Speed (481×321, q = 100, 2 threads on the shared 2-core dev machine, alternating A/B steps, so
// absolute times include other jobs' load): one iteration costs the same as PyTorch 1.13 (bench
// M3b: kensa 9374 ms vs PyTorch 9356 ms median under load; PyTorch alone took ~2.3 s). Tried and
// dropped: a channels-last input (convs then run channels-last) was slower, median ~10.3 s vs
// ~9.0 s contiguous. oneDNN is already what Debian's libtorch uses for these convolutions
// (USE_MKLDNN=ON); switching it off in PyTorch made a step ~1.5× slower (7.8 s vs 5.0 s).
// Also measured in PyTorch 1.13 (scripts/torchref/segspeed_levers.py, alternating with fp32, 1
// thread): channels_last 1.8× slower, bf16 autocast 8× slower (this VM has AVX2 only, no
// AVX-512/bf16) and both change the labels; mkldnn tensors, jit.freeze and the continuity
// differences as depthwise convs gave no gain. Folders gain from `kensa segment --workers N`.
import { manualSeed, noGrad, tensor, tidy, keep, type Tensor } from '../../engine/index.js';
import { UnsupSegNet } from '../../models/unsup-seg-net.js';
import { SGD } from '../../optim/index.js';
import type { FloatPlanes } from '../../io/types.js';
import { OptionError } from '../../util/errors.js';
import { featureClusteringLoss, type FeatureClusteringLossWeights, type ScribbleTargets } from './feature-clustering-loss.js';
import { scribbleClasses, type ScribbleMask } from './scribble.js';

/** Options of {@link segmentByFeatureClustering}; every field has the paper's default. */
export interface FeatureClusteringOptions extends FeatureClusteringLossWeights {
  /** Response channels q, also the most labels possible. @default 100 */
  channels?: number;
  /** Number of 3×3 conv blocks (nConv). @default 2 */
  nConv?: number;
  /** Most training iterations. @default 1000 */
  maxIterations?: number;
  /** Stop once an iteration's labels have at most this many distinct values; with scribbles the
   * number of scribble classes replaces it. @default 3 */
  minLabels?: number;
  /** SGD learning rate. @default 0.1 */
  lr?: number;
  /** SGD momentum. @default 0.9 */
  momentum?: number;
  /** Seed of the network's initial weights (ignored when `net` is given). @default 0 */
  seed?: number;
  /** 'cpu' or 'cuda[:N]'. @default 'cpu' */
  device?: string;
  /** Scribble mask of the image's size: 255 = unlabelled, other values = class index (< q). @default none */
  scribble?: ScribbleMask;
  /** Start from (and train) this network instead of a freshly seeded one. @default a new UnsupSegNet */
  net?: UnsupSegNet;
  /** Called after every iteration (progress bars). @default none */
  onIteration?: (stats: IterationStats) => void;
  /** Called every `liveEvery` iterations with the labels that iteration trained toward ([H, W], row-major). @default none */
  onLabels?: (iteration: number, labels: Int32Array) => void;
  /** How often onLabels is called. @default 10 */
  liveEvery?: number;
}

/** What one iteration saw. */
export interface IterationStats {
  /** 1-based. */
  iteration: number;
  loss: number;
  /** Distinct labels of the argmax the iteration trained toward. */
  labels: number;
}

/** Result of segmenting one image. */
export interface FeatureClusteringResult {
  /** Label per pixel (the response channel), row-major [H, W]. */
  labels: Int32Array;
  width: number;
  height: number;
  /** Distinct values in `labels`. */
  labelCount: number;
  /** Iterations run (≤ maxIterations). */
  iterations: number;
  /** Whether the label count reached minLabels before maxIterations. */
  stoppedEarly: boolean;
  /** Loss per iteration. */
  lossHistory: number[];
  /** Distinct labels per iteration (before that iteration's update). */
  labelCountHistory: number[];
  /** Wall time in ms. */
  ms: number;
}

/** The defaults, resolved (what the CLI shows). */
export const FEATURE_CLUSTERING_DEFAULTS = {
  channels: 100,
  nConv: 2,
  maxIterations: 1000,
  minLabels: 3,
  lr: 0.1,
  momentum: 0.9,
  muSim: 1,
  muCon: 1,
  muScribble: 0.5,
  seed: 0,
} as const;

/** Image planes [C, H, W] as a [1, C, H, W] tensor on `device` (values taken as they are, [0, 1] expected). */
export function planesToTensor(image: FloatPlanes, device = 'cpu'): Tensor {
  if (image.data.length !== image.channels * image.height * image.width) {
    throw new OptionError('image', `has ${image.data.length} values but ${image.channels}x${image.height}x${image.width}`);
  }
  return tensor(image.data, { shape: [1, image.channels, image.height, image.width], device });
}

/** Distinct values of an integer tensor. */
export function countDistinct(labels: Tensor): number {
  return tidy(() => labels.unique().values.shape[0]);
}

/** Argmax labels of the network's response (BN in training mode, as the method keeps it), [H, W] of image 0. */
export function predictLabels(net: UnsupSegNet, x: Tensor): Int32Array {
  return tidy(() => {
    const labels = noGrad(() => net.forward(x).argmax(1)).select(0, 0).int();
    return new Int32Array(labels.data() as Int32Array);
  });
}

/** Segments one image [C, H, W] with values in [0, 1] (Algorithm 1 of the paper). */
export function segmentByFeatureClustering(image: FloatPlanes, options: FeatureClusteringOptions = {}): FeatureClusteringResult {
  const started = Date.now();
  const o = { ...FEATURE_CLUSTERING_DEFAULTS, ...stripUndefined(options) };
  const device = options.device ?? 'cpu';
  const { height: h, width: w } = image;
  let minLabels = o.minLabels;
  let scribbles: ScribbleTargets | undefined;
  if (options.scribble) {
    const classes = scribbleClasses(options.scribble, { width: w, height: h, channels: o.channels });
    minLabels = classes.length;
    scribbles = scribbleTargets(options.scribble, device);
  }
  const ownNet = options.net === undefined;
  if (ownNet) manualSeed(o.seed);
  const net = options.net ?? new UnsupSegNet({ inChannels: image.channels, channels: o.channels, nConv: o.nConv });
  if (ownNet) net.to(device);
  net.train();
  const opt = new SGD(net.parameters(), { lr: o.lr, momentum: o.momentum });
  const x = keep(planesToTensor(image, device));
  const lossHistory: number[] = [];
  const labelCountHistory: number[] = [];
  let stoppedEarly = false;
  try {
    for (let it = 1; it <= o.maxIterations; it++) {
      opt.zeroGrad();
      const [loss, count] = tidy(() => {
        const r = featureClusteringLoss(net.forward(x), o, scribbles);
        r.loss.backward();
        if (options.onLabels && it % Math.max(1, options.liveEvery ?? 10) === 0) options.onLabels(it, new Int32Array(r.labels.select(0, 0).int().data() as Int32Array));
        return [r.loss.item(), countDistinct(r.labels)];
      });
      opt.step();
      lossHistory.push(loss);
      labelCountHistory.push(count);
      options.onIteration?.({ iteration: it, loss, labels: count });
      if (count <= minLabels) {
        stoppedEarly = true;
        break;
      }
    }
    const labels = predictLabels(net, x);
    return {
      labels,
      width: w,
      height: h,
      labelCount: new Set(labels).size,
      iterations: lossHistory.length,
      stoppedEarly,
      lossHistory,
      labelCountHistory,
      ms: Date.now() - started,
    };
  } finally {
    x.dispose();
    opt.dispose();
    if (scribbles) {
      scribbles.scribble.dispose();
      scribbles.scribbled.dispose();
    }
    if (ownNet) net.dispose();
  }
}

/** Scribble mask → int64 targets [1, H, W] (-100 where unlabelled) and a bool "scribbled" mask. */
function scribbleTargets(mask: ScribbleMask, device: string): ScribbleTargets {
  return tidy(() => {
    const m = tensor(Int32Array.from(mask.data), { shape: [1, mask.height, mask.width], device });
    const unl = m.eq(255);
    const scribble = keep(m.maskedFill(unl, -100).long());
    const scribbled = keep(unl.logicalNot());
    return { scribble, scribbled };
  });
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
