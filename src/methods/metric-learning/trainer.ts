// Training of a MetricNet on in-memory tiles: class-balanced (or shuffled) epochs under a seed,
// seeded flips and quarter turns (optionally brightness/contrast and zoom jitter; data/transforms),
// Adam with a constant or cosine learning rate, an optional margin warm-up of the metric heads,
// validation accuracy after each epoch; plus batched embedding of a tile set for the scores.
import { tensor, tidy, noGrad, type Tensor } from '../../engine/index.js';
import { Adam, cosineSchedule } from '../../optim/index.js';
import { Rng, epochOrder, augment, RandCompose, RandFlip, RandRotate90, RandBrightnessContrast, RandAffine, type RandomTransform } from '../../data/index.js';
import { CosineMarginHead } from './heads/cosine-head.js';
import { matrix, type Matrix } from './matrix.js';
import type { MetricNet } from './metric-net.js';
import type { TileSet } from './tile-data.js';
import { fit, type FitTask, type EpochRecord as FitEpochRecord } from '../../train/index.js';
import { dataShard, shardRange } from '../../distributed/world.js';

export interface TrainOptions {
  /** @default 10 */ epochs?: number;
  /** @default 64 */ batchSize?: number;
  /** Adam learning rate. @default 0.001 */ lr?: number;
  /** Adam L2 weight decay. @default 0.0005 */ weightDecay?: number;
  /** Seeded flips and quarter turns of each tile. @default true */ augment?: boolean;
  /** With augment: brightness shift and contrast change up to ± this (in pixel units 0–1, before normalisation), on half the tiles; 0 = none. @default 0 */ jitter?: number;
  /** With augment: zoom in by a factor log-uniform in [1, 1 + scaleJitter] (bilinear, no border), on half the tiles; 0 = none. @default 0 */ scaleJitter?: number;
  /** 'constant', or 'cosine': lr·(1 + cos(π·e / epochs)) / 2 in epoch e (0-based). @default 'constant' */ lrSchedule?: 'constant' | 'cosine';
  /** Metric heads: the margin grows linearly from 0 in epoch 0 to full in epoch marginWarmup (marginFraction e / marginWarmup); 0 = full from the start. @default 0 */ marginWarmup?: number;
  /** 'balanced': classes drawn equally often (with replacement); 'shuffle': each tile once. @default 'balanced' */ order?: 'balanced' | 'shuffle';
  /** @default 0 */ seed?: number;
  /** Pixel normalisation (x − mean) / std. @default { mean: 0, std: 1 } */ norm?: { mean: number; std: number };
  /** Device of the tensors. @default 'cpu' */ device?: string;
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  trainAccuracy: number;
  /** Tile accuracy on the validation tiles (NaN without them). */
  valAccuracy: number;
  seconds: number;
  tilesPerSecond: number;
}

export interface TrainHooks {
  /** Called after each epoch. */
  onEpoch?(record: EpochRecord): void | Promise<void>;
}

/** Tiles `idx` of a set as a normalised [B,1,t,t] tensor, each augmented with its own seeded stream. */
export function tileBatch(set: TileSet, idx: readonly number[], o: TrainOptions, rngFor?: (k: number) => Rng): Tensor {
  const t = set.size;
  const out = new Float32Array(idx.length * t * t);
  const mean = o.norm?.mean ?? 0;
  const std = o.norm?.std ?? 1;
  const aug = augmentation(o);
  idx.forEach((i, k) => {
    let d = set.data.subarray(i * t * t, (i + 1) * t * t);
    if (rngFor) d = augment(aug, { image: { data: Float32Array.from(d), channels: 1, height: t, width: t } }, rngFor(k)).sample.image.data;
    for (let p = 0; p < d.length; p++) out[k * t * t + p] = (d[p] - mean) / std;
  });
  return tensor(out, { shape: [idx.length, 1, t, t], device: o.device ?? 'cpu' });
}

/** The seeded per-tile augmentation of TrainOptions: flips, quarter turns, then the optional zoom and intensity jitter. */
export function augmentation(o: Pick<TrainOptions, 'jitter' | 'scaleJitter'>): RandCompose {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const steps: RandomTransform<any>[] = [new RandFlip(), new RandRotate90()];
  const z = o.scaleJitter ?? 0;
  const j = o.jitter ?? 0;
  if (!(z >= 0)) throw new RangeError(`scaleJitter must be >= 0, got ${z}`);
  if (!(j >= 0 && j < 1)) throw new RangeError(`jitter must be in [0, 1), got ${j}`);
  if (z > 0) steps.push(new RandAffine({ rotate: 0, translate: 0, scale: [1, 1 + z] }));
  if (j > 0) steps.push(new RandBrightnessContrast({ brightness: j, contrast: j }));
  return new RandCompose(steps);
}

/** Multiplier of the base learning rate in epoch `epoch` (0-based) of `epochs`. */
export function lrFactor(schedule: TrainOptions['lrSchedule'], epoch: number, epochs: number): number {
  if ((schedule ?? 'constant') === 'constant') return 1;
  if (schedule !== 'cosine') throw new RangeError(`unknown lrSchedule '${String(schedule)}' (constant or cosine)`);
  return cosineSchedule({ tMax: epochs })(epoch);
}

/** Fraction of the margin applied in epoch `epoch` (0-based) under a warm-up of `warmup` epochs. */
export function marginFraction(epoch: number, warmup: number): number {
  return warmup > 0 ? Math.min(1, epoch / warmup) : 1;
}

/** Metric-net training as a FitTask of the shared loop: one step = one batch, evaluate = validation tile accuracy. */
export function metricTask(net: MetricNet, train: TileSet, val: TileSet | undefined, o: TrainOptions = {}): FitTask & { optimizer: Adam } {
  const bs = o.batchSize ?? 64;
  const seed = o.seed ?? 0;
  const opt = new Adam(net.parameters(), { lr: o.lr ?? 1e-3, weightDecay: o.weightDecay ?? 5e-4 });
  const labels = Array.from(train.labels);
  let order: number[] = [];
  const baseLr = o.lr ?? 1e-3;
  const epochs = o.epochs ?? 10;
  return {
    optimizer: opt,
    modules: { net },
    optimizers: { adam: opt },
    // data-parallel (kensa launch): each step is a global batch of bs per rank, this rank trains on its part
    stepsPerEpoch: () => Math.floor(train.count / (bs * dataShard().worldSize)) || 1,
    beginEpoch(epoch) {
      opt.setLr(baseLr * lrFactor(o.lrSchedule, epoch, epochs));
      if (net.head instanceof CosineMarginHead) net.head.marginFraction = marginFraction(epoch, o.marginWarmup ?? 0);
      order = epochOrder(train.count, epoch, { order: o.order ?? 'balanced', seed, labels });
    },
    step(epoch, s) {
      const globalBs = bs * dataShard().worldSize;
      const part = shardRange(Math.min(globalBs, order.length - s * globalBs));
      const first = s * globalBs + part.start; // position in the epoch of this rank's first tile
      const idx = order.slice(first, first + part.count);
      opt.zeroGrad();
      const [loss, right] = tidy(() => {
        const x = tileBatch(train, idx, o, (o.augment ?? true) ? (k) => Rng.derive(seed, epoch, first + k) : undefined);
        const y = tensor(idx.map((i) => train.labels[i]), { dtype: 'int64', device: o.device ?? 'cpu' });
        const emb = net.embed(x);
        const l = net.head.loss(emb, y);
        l.backward();
        const hit = noGrad(() => net.head.logits(emb).argmax(1).eq(y).sum().item());
        return [l.item(), hit];
      });
      opt.step();
      return { metrics: { loss, accuracy: right / idx.length }, samples: idx.length };
    },
    evaluate: (): Record<string, number> => (val && val.count > 0 ? { accuracy: accuracy(predict(net, val, o).logits, val.labels) } : {}),
  };
}

/** The metric trainer's per-epoch record from the fit loop's. */
export function metricRecord(r: FitEpochRecord): EpochRecord {
  return { epoch: r.epoch, loss: r.train.loss, trainAccuracy: r.train.accuracy, valAccuracy: r.val.accuracy ?? NaN, seconds: r.seconds, tilesPerSecond: r.samplesPerSecond };
}

/**
 * Trains through the shared fit loop; checkpoints only when `ck.checkpointDir` is given (then
 * `ck.resume` continues from its newest good checkpoint, a finished one trains no further).
 */
export async function trainMetricNet(net: MetricNet, train: TileSet, val: TileSet | undefined, o: TrainOptions = {}, hooks: TrainHooks = {}, ck: { checkpointDir?: string; resume?: boolean } = {}): Promise<EpochRecord[]> {
  const task = metricTask(net, train, val, o);
  const r = await fit(task, { epochs: o.epochs ?? 10, seed: o.seed ?? 0, checkpointDir: ck.checkpointDir, resume: ck.resume }, undefined, { onEpoch: (rec) => hooks.onEpoch?.(metricRecord(rec)) });
  task.optimizer.dispose();
  return r.history.map(metricRecord);
}

/** Raw embeddings [N,D] and inference logits [N,C] of every tile (eval mode, no augmentation). */
export function predict(net: MetricNet, set: TileSet, o: TrainOptions = {}, batchSize = 256): { embeddings: Matrix; logits: Matrix } {
  net.eval();
  const d = net.config.embeddingSize;
  const c = net.config.numClasses;
  const embeddings = matrix(set.count, d);
  const logits = matrix(set.count, c);
  noGrad(() => {
    for (let s = 0; s < set.count; s += batchSize) {
      const idx = Array.from({ length: Math.min(batchSize, set.count - s) }, (_, k) => s + k);
      tidy(() => {
        const e = net.embed(tileBatch(set, idx, o));
        embeddings.data.set(e.cpu().data() as Float32Array, s * d);
        logits.data.set(net.head.logits(e).cpu().data() as Float32Array, s * c);
      });
    }
  });
  net.train();
  return { embeddings, logits };
}

/** The head's inference logits [N,C] of stored embeddings [N,D] (e.g. a model's reference tiles). */
export function headLogits(net: MetricNet, embeddings: Matrix, device = 'cpu'): Matrix {
  const out = matrix(embeddings.rows, net.config.numClasses);
  if (embeddings.rows === 0) return out;
  net.eval();
  noGrad(() => tidy(() => out.data.set(net.head.logits(tensor(embeddings.data, { shape: [embeddings.rows, embeddings.cols], device })).cpu().data() as Float32Array)));
  net.train();
  return out;
}

/** Row-wise argmax of logits. */
export function argmaxRows(m: Matrix): Int32Array {
  const out = new Int32Array(m.rows);
  for (let i = 0; i < m.rows; i++) {
    let best = -Infinity;
    for (let c = 0; c < m.cols; c++) {
      const v = m.data[i * m.cols + c];
      if (v > best) [best, out[i]] = [v, c];
    }
  }
  return out;
}

export function accuracy(logits: Matrix, labels: ArrayLike<number>): number {
  const p = argmaxRows(logits);
  let k = 0;
  for (let i = 0; i < p.length; i++) if (p[i] === labels[i]) k++;
  return p.length ? k / p.length : NaN;
}
