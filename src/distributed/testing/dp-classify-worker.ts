// The classify trainer under fit on a tiny generated set, for data-parallel.test.ts: run alone
// with --batch 2B, or as 2 ranks of --batch B under kensa launch; writes the final weights.
// Usage: dp-classify-worker.js OUT.json BATCH EPOCHS [bn|syncbn|''] [twice]
import { writeFileSync } from 'node:fs';
import { manualSeed, setNumThreads } from '../../engine/index.js';
import { MiniVgg } from '../../models/index.js';
import { classifierTask } from '../../methods/classify/trainer.js';
import { fit } from '../../train/index.js';
import { BatchNorm2d, syncBatchNorm } from '../../nn/index.js';
import type { ImageSet } from '../../data/index.js';

const [out, batch, epochs, bn] = process.argv.slice(2);
setNumThreads(1);
// 32 images 8×8: class 1 has a brighter left half; values from a fixed LCG
const n = 32;
const size = 8;
const data = new Float32Array(n * size * size);
let s = 12345;
const rand = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
const labels = new Int32Array(n);
for (let i = 0; i < n; i++) {
  labels[i] = i % 2;
  for (let p = 0; p < size * size; p++) data[i * size * size + p] = rand() + (labels[i] === 1 && p % size < size / 2 ? 0.5 : 0);
}
const set: ImageSet = { classes: ['a', 'b'], channels: 1, size, count: n, data, labels, groups: Array.from({ length: n }, (_, i) => `g${i}`), sources: Array.from({ length: n }, (_, i) => ({ path: `x${i}.png` })) };
// every rank builds its own initial weights under a rank-dependent seed: fit's broadcast must make them rank 0's
manualSeed(7 + Number(process.env.RANK ?? 0));
const net = new MiniVgg({ inChannels: 1, inputSize: size, widths: [4], denseWidth: 8, numClasses: 2, batchNorm: bn === 'bn' || bn === 'syncbn', dropout: 0 });
// A conv bias right before batch norm has no effect on the output and an analytic gradient of 0;
// Adam turns its rounding noise into lr-sized steps, which moves the running means without meaning
// anything, so it is frozen (as torchvision builds such convs without bias).
if (bn) for (const [k, p] of net.namedParameters()) if (/^features\.\d+\.bias$/.test(k) && net.features.children()[Number(k.split('.')[1]) + 1] instanceof BatchNorm2d) p.requiresGrad = false;
if (bn === 'syncbn') syncBatchNorm(net);
const task = classifierTask(net, set, undefined, { epochs: Number(epochs), batchSize: Number(batch), lr: 0.01, weightDecay: 0, augment: 'none', balanced: false, seed: 3 });
manualSeed(7);
let r = await fit(task, { epochs: Number(epochs), seed: 3 });
// 'twice': a second fit in the same process (as a command with folds does) joins the same group
if (process.argv[6] === 'twice') r = await fit(task, { epochs: Number(epochs), seed: 4 });
const weights = net.namedParameters().map(([k, t]) => [k, Array.from(t.data() as Float32Array)]);
// running statistics too (num_batches_tracked left out: an int64 counter)
const buffers = net.namedBuffers().filter(([, t]) => t.dtype === 'float32').map(([k, t]) => [k, Array.from(t.data() as Float32Array)]);
process.stdout.write(`trained ${r.history.length} epochs\n`);
writeFileSync(out, JSON.stringify({ rank: Number(process.env.RANK ?? 0), steps: r.history.length, weights: Object.fromEntries(weights), buffers: Object.fromEntries(buffers) }));
