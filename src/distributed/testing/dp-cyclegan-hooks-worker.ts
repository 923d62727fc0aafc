// One rank of the CycleGAN hook check in data-parallel-overlap.test.ts: 3 trainer steps under
// makeDataParallel with 512-byte buckets, then both reducers' statistics as one JSON line.
import { manualSeed, setNumThreads } from '../../engine/index.js';
import { buildCycleGan, cycleGanTask } from '../../methods/cyclegan/trainer.js';
import type { ImageSet } from '../../data/index.js';
import { ProcessGroup } from '../process-group.js';
import { makeDataParallel } from '../data-parallel.js';

setNumThreads(1);
const size = 8;
let s = 777;
const rand = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
const domain = (n: number): ImageSet => ({ classes: ['x'], channels: 1, size, count: n, data: Float32Array.from({ length: n * size * size }, rand), labels: new Int32Array(n), groups: Array.from({ length: n }, (_, i) => `g${i}`), sources: Array.from({ length: n }, (_, i) => ({ path: `x${i}.png` })) });
manualSeed(13);
const nets = buildCycleGan({ generator: { ngf: 2, blocks: 1 }, discriminator: { ndf: 2, layers: 1 } });
const task = cycleGanTask(nets, domain(8), domain(8), { epochs: 1, decayEpochs: 0, batchSize: 1, poolSize: 0, seed: 9 });
const group = await ProcessGroup.fromEnv();
if (!group) throw new Error('dp-cyclegan-hooks-worker: WORLD_SIZE is unset');
const dp = await makeDataParallel(task, group, { keepGroup: true, overlap: true, bucketBytes: 512 });
await task.beginEpoch?.(0);
for (let k = 0; k < 3; k++) await task.step(0, k);
process.stdout.write(`${JSON.stringify({ rank: group.rank, stats: dp.reducerStats() })}\n`);
dp.close();
group.destroy();
process.exit(0);
