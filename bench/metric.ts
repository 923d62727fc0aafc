// Metric-learning benchmark: training tiles/s (ArcFace step: forward, loss, backward, Adam) and
// embedding tiles/s (eval forward to the embedding) of kensa's MetricNet vs the same network in
// PyTorch (scripts/torchref/metric_bench.py), same threads, synthetic 1×T×T tiles.
// usage: node dist/bench/metric.js [--width 16] [--tile 32] [--batch 64] [--steps 10] [--threads 2]
import { performance } from 'node:perf_hooks';
import { manualSeed, randn, randint, tidy, noGrad, setNumThreads } from '../src/engine/index.js';
import { Adam } from '../src/optim/index.js';
import { MetricNet } from '../src/methods/metric-learning/metric-net.js';
import { runTorchScript } from '../src/testing/python.js';

const arg = (k: string, d: number): number => {
  const i = process.argv.indexOf(`--${k}`);
  return i >= 0 ? Number(process.argv[i + 1]) : d;
};
const o = { width: arg('width', 16), tile: arg('tile', 32), embedding: arg('embedding', 64), classes: 4, batch: arg('batch', 64), steps: arg('steps', 10), warmup: arg('warmup', 3), threads: arg('threads', 2) };
setNumThreads(o.threads);
manualSeed(0);
const net = new MetricNet({ backbone: 'minivgg', width: o.width, inputSize: o.tile, embeddingSize: o.embedding, head: 'arcface', numClasses: o.classes });
const opt = new Adam(net.parameters(), { lr: 1e-3, weightDecay: 5e-4 });
const x = randn([o.batch, 1, o.tile, o.tile]);
const y = randint(0, o.classes, [o.batch]);
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[v.length >> 1];
const train: number[] = [];
const embed: number[] = [];
for (let i = 0; i < o.warmup + o.steps; i++) {
  const t0 = performance.now();
  opt.zeroGrad();
  tidy(() => net.head.loss(net.embed(x), y).backward());
  opt.step();
  const t1 = performance.now();
  net.eval();
  noGrad(() => tidy(() => void net.embed(x)));
  net.train();
  const t2 = performance.now();
  if (i >= o.warmup) {
    train.push(t1 - t0);
    embed.push(t2 - t1);
  }
}
const kensa = { trainTilesPerS: (o.batch * 1000) / median(train), embedTilesPerS: (o.batch * 1000) / median(embed) };
const torch = JSON.parse(runTorchScript('metric_bench.py', Object.entries(o).flatMap(([k, v]) => [`--${k}`, String(v)]))) as typeof kensa;
console.log(JSON.stringify({ case: `metric-net minivgg w${o.width} ${o.tile}px arcface batch ${o.batch}`, threads: o.threads, kensa, torch, trainRatio: kensa.trainTilesPerS / torch.trainTilesPerS, embedRatio: kensa.embedTilesPerS / torch.embedTilesPerS }));
