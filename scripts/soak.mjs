#!/usr/bin/env node
// Soak (benchmark-style, not a unit test): 10 000 training steps of a small CNN through the shared
// fit loop, then 1 000 unsupervised-segmentation calls, in one process; prints RSS and the live-tensor
// count over time and the growth between the first and last thirds (bounded growth = flat).
//   nice -n 10 node --expose-gc scripts/soak.mjs [--dist dist] [--steps 10000] [--segments 1000] [--threads 1] [--json FILE]
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const dist = resolve(opt('dist', 'dist'));
const load = (p) => import(pathToFileURL(join(dist, p)).href);
const engine = await load('src/engine/index.js');
const { fit } = await load('src/train/index.js');
const { MiniVgg } = await load('src/models/mini-vgg.js');
const { Adam } = await load('src/optim/index.js');
const F = await load('src/nn/functional.js');
const { segmentByFeatureClustering } = await load('src/methods/unsupervised-seg/index.js');

const STEPS = Number(opt('steps', '10000'));
const SEGMENTS = Number(opt('segments', '1000'));
engine.setNumThreads(Number(opt('threads', '1')));
engine.manualSeed(0);

const samples = [];
const mib = (b) => b / 2 ** 20;
function sample(phase, n) {
  globalThis.gc?.();
  const s = { phase, n, rssMiB: Number(mib(process.memoryUsage().rss).toFixed(1)), heapMiB: Number(mib(process.memoryUsage().heapUsed).toFixed(1)), liveTensors: engine.liveTensors() };
  samples.push(s);
  console.log(`${phase.padEnd(8)} ${String(n).padStart(6)}  rss ${s.rssMiB.toFixed(1)} MiB  heap ${s.heapMiB.toFixed(1)} MiB  live tensors ${s.liveTensors}`);
}

// 1. training: mini-VGG on 16x16 grey inputs, batch 8, 4 classes (a class = a brightness level + noise)
const baseLive = engine.liveTensors();
const net = new MiniVgg({ inChannels: 1, inputSize: 16, widths: [8, 16], denseWidth: 32, numClasses: 4 });
const adam = new Adam(net.parameters(), { lr: 1e-3 });
const perEpoch = 500;
const every = Math.max(1, Math.floor(STEPS / 20));
let done = 0;
sample('train', 0);
const t0 = Date.now();
await fit(
  {
    modules: { net },
    optimizers: { adam },
    stepsPerEpoch: () => perEpoch,
    step() {
      adam.zeroGrad();
      const loss = engine.tidy(() => {
        const y = engine.randint(0, 4, [8], { dtype: 'int64' });
        const x = engine.randn([8, 1, 16, 16]).mul(0.3).add(y.to('float32').reshape([8, 1, 1, 1]));
        const l = F.crossEntropy(net.forward(x), y);
        l.backward();
        return l.item();
      });
      adam.step();
      done++;
      if (done % every === 0) sample('train', done);
      return { metrics: { loss } };
    },
  },
  { epochs: Math.ceil(STEPS / perEpoch), seed: 0 },
);
const trainMs = Date.now() - t0;

// 2. segmentation: 1 000 calls on a 32x32 RGB image, 5 iterations each, 16 response channels
const img = { channels: 3, height: 32, width: 32, data: Float32Array.from({ length: 3 * 32 * 32 }, (_, i) => ((i % 32) < 16 ? 0.8 : 0.2) + 0.05 * Math.sin(i)) };
const segEvery = Math.max(1, Math.floor(SEGMENTS / 20));
sample('segment', 0);
const t1 = Date.now();
for (let i = 1; i <= SEGMENTS; i++) {
  segmentByFeatureClustering(img, { channels: 16, nConv: 1, maxIterations: 5, minLabels: 1, seed: i });
  if (i % segEvery === 0) sample('segment', i);
}
const segMs = Date.now() - t1;

/** Growth from the mean of the second sixth to the mean of the last sixth of a phase's samples (warm-up excluded). */
function growth(phase) {
  const s = samples.filter((x) => x.phase === phase && x.n > 0);
  const k = Math.max(1, Math.floor(s.length / 6));
  const mean = (a, f) => a.reduce((t, x) => t + f(x), 0) / a.length;
  const early = s.slice(k, 2 * k);
  const late = s.slice(-k);
  return {
    rssMiB: Number((mean(late, (x) => x.rssMiB) - mean(early, (x) => x.rssMiB)).toFixed(1)),
    liveTensors: Math.max(...s.map((x) => x.liveTensors)) - Math.min(...s.map((x) => x.liveTensors)),
    rssMaxMiB: Math.max(...s.map((x) => x.rssMiB)),
  };
}
const summary = {
  steps: STEPS, segments: SEGMENTS, threads: engine.getNumThreads(), libtorch: engine.libtorchVersion?.(),
  trainSeconds: trainMs / 1000, segmentSeconds: segMs / 1000,
  baseLiveTensors: baseLive, modelLiveTensors: samples[0].liveTensors,
  train: growth('train'), segment: growth('segment'),
};
net.dispose();
adam.dispose();
summary.liveAfterDispose = engine.liveTensors();
console.log(JSON.stringify(summary, null, 2));
if (opt('json')) writeFileSync(opt('json'), `${JSON.stringify({ summary, samples }, null, 2)}\n`);
