// The CycleGAN trainer under fit on tiny generated images, for data-parallel-trainers.test.ts: run
// alone with batch 2B, or as 2 ranks of batch B under kensa launch; writes the final weights of the
// four networks. Flips on (seeded by each image's place in the global batch).
// Usage: dp-cyclegan-worker.js OUT.json BATCH EPOCHS POOL
import { writeFileSync } from 'node:fs';
import { manualSeed, setNumThreads } from '../../engine/index.js';
import { buildCycleGan, cycleGanTask } from '../../methods/cyclegan/trainer.js';
import { fit } from '../../train/index.js';
import { InstanceNorm2d, Module } from '../../nn/index.js';
import type { ImageSet } from '../../data/index.js';
import { biasesBeforeNorm, dampedAdam, frozen, stateOf } from './dp-state.js';

const [out, batch, epochs, pool] = process.argv.slice(2);
setNumThreads(1);
// 8 images 8×8 per domain: A a bright left half, B a bright top half, values from a fixed LCG
const size = 8;
let s = 777;
const rand = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
function domain(n: number, bright: (x: number, y: number) => boolean): ImageSet {
  const data = new Float32Array(n * size * size);
  for (let i = 0; i < n; i++) for (let p = 0; p < size * size; p++) data[i * size * size + p] = Math.min(1, 0.4 * rand() + (bright(p % size, Math.floor(p / size)) ? 0.5 : 0.1));
  return { classes: ['x'], channels: 1, size, count: n, data, labels: new Int32Array(n), groups: Array.from({ length: n }, (_, i) => `g${i}`), sources: Array.from({ length: n }, (_, i) => ({ path: `x${i}.png` })) };
}
const a = domain(8, (x) => x < size / 2);
const b = domain(8, (_, y) => y < size / 2);
// rank-dependent initial weights: fit's broadcast must make them rank 0's
manualSeed(13 + Number(process.env.RANK ?? 0));
const nets = buildCycleGan({ generator: { ngf: 2, blocks: 1 }, discriminator: { ndf: 2, layers: 1 } });
class Four extends Module {
  constructor() {
    super();
    for (const [k, m] of Object.entries(nets)) this.registerModule(k, m);
  }
}
const all = new Four();
const task = cycleGanTask(nets, a, b, { epochs: Number(epochs), decayEpochs: 0, batchSize: Number(batch), poolSize: Number(pool), flip: true, seed: 9 });
dampedAdam([task.optimizerG, task.optimizerD]);
frozen(biasesBeforeNorm(all, InstanceNorm2d), [task.optimizerG, task.optimizerD]);
const r = await fit(task, { epochs: Number(epochs), seed: 9 });
process.stdout.write(`trained ${r.history.length} epochs\n`);
writeFileSync(out, JSON.stringify({ rank: Number(process.env.RANK ?? 0), steps: r.history.length, ...stateOf(all) }));
