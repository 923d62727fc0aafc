// The metric-learning trainer under fit on tiny generated tiles, for data-parallel-trainers.test.ts:
// run alone with batch 2B, or as 2 ranks of batch B under kensa launch; writes the final weights and
// batch-norm running statistics. Augmentation on (seeded per tile by its place in the epoch), an
// ArcFace head, class-balanced order.
// Usage: dp-metric-worker.js OUT.json BATCH EPOCHS bn|syncbn
import { writeFileSync } from 'node:fs';
import { manualSeed, setNumThreads } from '../../engine/index.js';
import { MetricNet } from '../../methods/metric-learning/metric-net.js';
import { metricTask } from '../../methods/metric-learning/trainer.js';
import type { TileSet } from '../../methods/metric-learning/tile-data.js';
import { fit } from '../../train/index.js';
import { BatchNorm2d, syncBatchNorm } from '../../nn/index.js';
import { biasesBeforeNorm, dampedAdam, frozen, stateOf } from './dp-state.js';

const [out, batch, epochs, bn] = process.argv.slice(2);
setNumThreads(1);
// 32 tiles 8×8 of 2 classes (class 1 brighter in its left half), values from a fixed LCG
const n = 32;
const t = 8;
const data = new Float32Array(n * t * t);
let s = 4242;
const rand = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
const labels = new Int32Array(n);
for (let i = 0; i < n; i++) {
  labels[i] = i % 2;
  for (let p = 0; p < t * t; p++) data[i * t * t + p] = rand() + (labels[i] === 1 && p % t < t / 2 ? 0.5 : 0);
}
const set: TileSet = {
  data, size: t, count: n, labels,
  source: Int32Array.from({ length: n }, (_, i) => i),
  tiles: Array.from({ length: n }, () => ({ x: 0, y: 0, width: t, height: t })),
  images: Array.from({ length: n }, (_, i) => ({ path: `x${i}.png`, label: labels[i] })),
  imageSizes: Array.from({ length: n }, () => ({ width: t, height: t })),
} as unknown as TileSet;
// rank-dependent initial weights: fit's broadcast must make them rank 0's
manualSeed(11 + Number(process.env.RANK ?? 0));
const net = new MetricNet({ backbone: 'minivgg', width: 2, inputSize: t, embeddingSize: 4, head: 'arcface', numClasses: 2 });
if (bn === 'syncbn') syncBatchNorm(net);
const task = metricTask(net, set, undefined, { epochs: Number(epochs), batchSize: Number(batch), lr: 0.001, weightDecay: 0, augment: true, order: 'balanced', seed: 5 });
dampedAdam([task.optimizer], 1e-2);
frozen(biasesBeforeNorm(net, BatchNorm2d), [task.optimizer]);
const r = await fit(task, { epochs: Number(epochs), seed: 5 });
process.stdout.write(`trained ${r.history.length} epochs\n`);
writeFileSync(out, JSON.stringify({ rank: Number(process.env.RANK ?? 0), steps: r.history.length, ...stateOf(net) }));
