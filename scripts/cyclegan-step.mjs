#!/usr/bin/env node
// kensa's side of scripts/torchref/cyclegan_step.py: times one CycleGAN training iteration (both
// generators' update with the discriminators frozen, then both discriminators' update on pooled
// fakes; batch 1) of the task `kensa cyclegan train` runs, on random images, from a compiled build.
//
// usage: node scripts/cyclegan-step.mjs [--dist dist] --size 128 --ngf 64 --ndf 64 --blocks 6
//        [--upsample transpose|resize-conv|resize-conv-bilinear] [--pool 50] [--iters 5] [--warmup 2] [--threads 1]
// prints {"msPerIteration": median, "all": [...]} as JSON.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const dist = resolve(arg('dist', 'dist'));
const load = (p) => import(pathToFileURL(resolve(dist, p)).href);
const { manualSeed, setNumThreads } = await load('src/engine/index.js');
const { buildCycleGan, cycleGanTask } = await load('src/methods/cyclegan/index.js');

const size = Number(arg('size', 128));
const o = { ngf: Number(arg('ngf', 64)), ndf: Number(arg('ndf', 64)), blocks: Number(arg('blocks', 6)), upsample: arg('upsample', 'transpose') };
const iters = Number(arg('iters', 5));
const warmup = Number(arg('warmup', 2));
const threads = Number(arg('threads', 1));
setNumThreads(threads);
manualSeed(0);
const images = (n, seed) => {
  let x = seed >>> 0;
  const data = new Float32Array(n * size * size).map(() => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32));
  return { classes: ['x'], channels: 1, size, count: n, data, labels: new Int32Array(n), groups: Array.from({ length: n }, (_, i) => `g${i}`), sources: [] };
};
const nets = buildCycleGan({ generator: { ngf: o.ngf, blocks: o.blocks, upsample: o.upsample }, discriminator: { ndf: o.ndf, layers: 3 } });
const task = cycleGanTask(nets, images(warmup + iters, 1), images(warmup + iters, 2), { poolSize: Number(arg('pool', 50)), seed: 0 });
task.beginEpoch(0);
const times = [];
for (let s = 0; s < warmup + iters; s++) {
  const t0 = performance.now();
  await task.step(0, s);
  if (s >= warmup) times.push(performance.now() - t0);
}
const sorted = [...times].sort((a, b) => a - b);
const mid = sorted.length >> 1;
const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
console.log(JSON.stringify({ msPerIteration: median, all: times.map((t) => Math.round(t * 10) / 10), size, ...o, threads }));
