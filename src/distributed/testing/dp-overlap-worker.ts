// A hand-written data-parallel loop (zeroGrad → backward → step, as every trainer does) for
// data-parallel-overlap.test.ts: alone (no WORLD_SIZE) on the global batch, or one rank of
// several on its part of it, with the gradient all-reduce overlapped with backward or not.
// Writes the final weights, float buffers and the reducer's statistics.
// Usage: dp-overlap-worker.js OUT.json MODEL GLOBAL_BATCH STEPS OVERLAP(0|1) BUCKET_BYTES [die]
//   MODEL: vgg (mini-VGG, no batch norm) or unet (U-Net with batch norm; synchronised under a group)
//   die: rank 1 stops after one step and waits to be killed; rank 0 reports its error as JSON.
import { writeFileSync } from 'node:fs';
import { manualSeed, setNumThreads, tensor, tidy, type Tensor } from '../../engine/index.js';
import { F, syncBatchNorm } from '../../nn/index.js';
import { SGD } from '../../optim/index.js';
import { MiniVgg, UNet } from '../../models/index.js';
import { ProcessGroup } from '../process-group.js';
import { makeDataParallel, type DataParallel } from '../data-parallel.js';
import { shardRange } from '../world.js';
import { stateOf } from './dp-state.js';

const [out, model, globalArg, stepsArg, overlapArg, bucketArg, mode] = process.argv.slice(2);
const globalBatch = Number(globalArg);
const steps = Number(stepsArg);
setNumThreads(1);
const size = 8;
let s = 4242;
const rand = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
// every step's global batch, fixed: images [steps·G, 1, 8, 8], labels (vgg) or masks (unet)
const n = steps * globalBatch;
const images = Float32Array.from({ length: n * size * size }, () => rand());
const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
for (let i = 0; i < n; i++) if (labels[i] === 1) for (let p = 0; p < size * size; p++) if (p % size < size / 2) images[i * size * size + p] += 0.5;
const masks = Float32Array.from(images, (v) => (v > 0.6 ? 1 : 0));

const group = process.env.WORLD_SIZE ? await ProcessGroup.fromEnv() : undefined;
const rank = group?.rank ?? 0;
manualSeed(21 + rank); // rank-dependent: makeDataParallel's broadcast must make them rank 0's
const net: UNet | MiniVgg = model === 'unet' ? new UNet({ inChannels: 1, outChannels: 1, widths: [4, 8, 16], batchNorm: true }) : new MiniVgg({ inChannels: 1, inputSize: size, widths: [4, 8], denseWidth: 16, numClasses: 2, batchNorm: false, dropout: 0 });
if (model === 'unet' && group) syncBatchNorm(net);
const opt = new SGD(net.parameters(), { lr: 0.05, momentum: 0.9 });
let dp: DataParallel | undefined;
if (group) dp = await makeDataParallel({ modules: { net }, optimizers: { sgd: opt } }, group, { keepGroup: true, overlap: overlapArg === '1', bucketBytes: Number(bucketArg) });

const part = (from: Float32Array | Int32Array, per: number, step: number): { start: number; count: number; data: Float32Array | Int32Array } => {
  const r = group ? shardRange(globalBatch, { rank, worldSize: group.worldSize }) : { start: 0, count: globalBatch };
  const first = step * globalBatch + r.start;
  return { ...r, data: from.slice(first * per, (first + r.count) * per) };
};
const loss = (step: number): Tensor => {
  const x = part(images, size * size, step);
  const xs = tensor(x.data as Float32Array, { shape: [x.count, 1, size, size] });
  if (model === 'unet') return F.binaryCrossEntropyWithLogits(net.forward(xs), tensor(part(masks, size * size, step).data as Float32Array, { shape: [x.count, 1, size, size] }));
  return F.crossEntropy(net.forward(xs), tensor(part(labels, 1, step).data as Int32Array, { shape: [x.count] }).long());
};

const t0 = Date.now();
try {
  for (let k = 0; k < steps; k++) {
    if (mode === 'die' && rank === 1 && k === 1) {
      process.stdout.write('ready\n');
      await new Promise((res) => setTimeout(res, 600_000));
    }
    opt.zeroGrad();
    tidy(() => loss(k).backward());
    opt.step();
  }
} catch (e) {
  process.stdout.write(`${JSON.stringify({ rank, error: (e as Error).message, ms: Date.now() - t0 })}\n`);
  process.exit(1);
}
const stats = dp?.reducerStats().sgd;
writeFileSync(out, JSON.stringify({ rank, overlap: dp?.overlap ?? false, stats, ...stateOf(net) }));
process.stdout.write(`done ${steps} steps\n`);
dp?.close();
group?.destroy();
process.exit(0);
