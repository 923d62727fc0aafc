// Reference mode of differentiable feature clustering (Kim et al. 2020, Sec. IV-E, and the
// authors' demo_ref.py): one network is trained on a set of reference images (each resized to
// 224×224, a fixed number of updates per image, batch 1, no early stop, μ_con = 5), saved, and then
// segments unseen images at their native size, or the frames of a video, without retraining.
// BatchNorm stays in training mode when applying, so each image is normalised by its own statistics.
import { existsSync } from 'node:fs';
import { keep, manualSeed, tidy, type Tensor } from '../../engine/index.js';
import { fit, type FitReporter, type FitTask } from '../../train/fit.js';
import { loadSafetensors } from '../../engine/safetensors.js';
import { UnsupSegNet } from '../../models/unsup-seg-net.js';
import { SGD } from '../../optim/index.js';
import type { FloatPlanes } from '../../io/types.js';
import { InputError } from '../../util/errors.js';
import { countDistinct, planesToTensor, predictLabels } from './feature-clustering.js';
import { featureClusteringLoss } from './feature-clustering-loss.js';

/** Options of {@link trainReference}. */
export interface ReferenceTrainOptions {
  /** Response channels q. @default 100 */
  channels?: number;
  /** 3×3 conv blocks. @default 2 */
  nConv?: number;
  /** SGD updates on each reference image. @default 1000 */
  updatesPerImage?: number;
  /** Passes over the reference set. @default 1 */
  epochs?: number;
  /** @default 0.1 */
  lr?: number;
  /** @default 0.9 */
  momentum?: number;
  /** μ_sim. @default 1 */
  muSim?: number;
  /** μ_con (5 in reference mode). @default 5 */
  muCon?: number;
  /** Seed of the initial weights. @default 0 */
  seed?: number;
  /** @default 'cpu' */
  device?: string;
  /** Called after every update. @default none */
  onUpdate?: (stats: { update: number; total: number; image: number; loss: number; labels: number }) => void;
}

export const REFERENCE_DEFAULTS = { channels: 100, nConv: 2, updatesPerImage: 1000, epochs: 1, lr: 0.1, momentum: 0.9, muSim: 1, muCon: 5, seed: 0 } as const;

/** The trained network and its training curves. */
export interface ReferenceTrainResult {
  net: UnsupSegNet;
  lossHistory: number[];
  labelCountHistory: number[];
  ms: number;
}

/**
 * Trains one network on reference images (already resized, all with the same channel count) on
 * the shared fit loop: one fit "epoch" is one reference image's updates, so with `checkpointDir`
 * a checkpoint follows every image and `resume` continues after the last one (the loss and label
 * curves travel with it). The updates draw no randomness, so a resumed training equals an
 * uninterrupted one.
 */
export async function trainReference(images: readonly FloatPlanes[], options: ReferenceTrainOptions = {}, run: { checkpointDir?: string; resume?: boolean; reporter?: FitReporter } = {}): Promise<ReferenceTrainResult> {
  const started = Date.now();
  const o = { ...REFERENCE_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as typeof REFERENCE_DEFAULTS & ReferenceTrainOptions;
  if (images.length === 0) throw new InputError('reference', 'no reference images');
  const device = o.device ?? 'cpu';
  manualSeed(o.seed);
  const net = new UnsupSegNet({ inChannels: images[0].channels, channels: o.channels, nConv: o.nConv });
  net.to(device).train();
  const opt = new SGD(net.parameters(), { lr: o.lr, momentum: o.momentum });
  let lossHistory: number[] = [];
  let labelCountHistory: number[] = [];
  const total = o.epochs * images.length * o.updatesPerImage;
  let x: Tensor | undefined;
  const task: FitTask = {
    modules: { net },
    optimizers: { opt },
    extraState: {
      save: () => ({ lossHistory, labelCountHistory }),
      load: (v) => {
        const h = v as { lossHistory: number[]; labelCountHistory: number[] };
        lossHistory = [...h.lossHistory];
        labelCountHistory = [...h.labelCountHistory];
      },
    },
    stepsPerEpoch: () => o.updatesPerImage,
    beginEpoch: (unit) => {
      x?.dispose();
      x = keep(planesToTensor(images[unit % images.length], device));
      net.train();
    },
    step: (unit) => {
      opt.zeroGrad();
      const [loss, labels] = tidy(() => {
        const r = featureClusteringLoss(net.forward(x!), o);
        r.loss.backward();
        return [r.loss.item(), countDistinct(r.labels)];
      });
      opt.step();
      lossHistory.push(loss);
      labelCountHistory.push(labels);
      o.onUpdate?.({ update: lossHistory.length, total, image: unit % images.length, loss, labels });
      return { metrics: { loss, labels } };
    },
  };
  try {
    await fit(task, { epochs: o.epochs * images.length, checkpointDir: run.checkpointDir, resume: run.resume, seed: o.seed, label: 'reference image' }, run.reporter);
  } catch (err) {
    net.dispose();
    throw err;
  } finally {
    x?.dispose();
    opt.dispose();
  }
  return { net, lossHistory, labelCountHistory, ms: Date.now() - started };
}

/** Labels of one image [C, H, W] (any size) from a trained network, no training. */
export function applyReference(net: UnsupSegNet, image: FloatPlanes, device = 'cpu'): { labels: Int32Array; labelCount: number; ms: number } {
  const started = Date.now();
  net.train();
  const x = planesToTensor(image, device);
  try {
    const labels = predictLabels(net, x);
    return { labels, labelCount: new Set(labels).size, ms: Date.now() - started };
  } finally {
    x.dispose();
  }
}

/** Saves a reference network as safetensors (PyTorch state-dict names under `body.`). */
export function saveReferenceNet(net: UnsupSegNet, path: string): void {
  const q = net.options.channels ?? 100;
  net.save(path, { model: 'UnsupSegNet', channels: String(q), nConv: String(net.options.nConv ?? 2), inChannels: String(net.options.inChannels ?? 3) });
}

/** Loads a network saved by {@link saveReferenceNet}; its shape is read from the weights. */
export function loadReferenceNet(path: string, device = 'cpu'): UnsupSegNet {
  if (!existsSync(path)) throw new InputError(path, 'no such file');
  let file;
  try {
    file = loadSafetensors(path);
  } catch (err) {
    throw new InputError(path, `not a readable safetensors file: ${(err as Error).message.split('\n')[0]}`);
  }
  const { tensors } = file;
  try {
    const convs = [...tensors.entries()]
      .filter(([k, t]) => /^body\.\d+\.weight$/.test(k) && t.shape.length === 4)
      .sort((a, b) => Number(a[0].split('.')[1]) - Number(b[0].split('.')[1]));
    const n3 = convs.filter(([, t]) => t.shape[2] === 3).length;
    if (convs.length < 2 || n3 < 1) throw new InputError(path, 'holds no UnsupSegNet weights (expected body.N.weight conv kernels)');
    const first = convs[0][1];
    const net = new UnsupSegNet({ inChannels: first.shape[1], channels: first.shape[0], nConv: n3 });
    try {
      net.loadStateDict(tensors);
    } catch (err) {
      net.dispose();
      throw new InputError(path, (err as Error).message);
    }
    return net.to(device);
  } finally {
    for (const t of tensors.values()) t.dispose();
  }
}
