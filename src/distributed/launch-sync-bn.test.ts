// --sync-bn on metric train and segment-train under kensa launch: with one optimizer step (one
// global batch per epoch, 1 epoch), the batch-norm running statistics rank 0 saves come from the
// forward pass on the initial (broadcast) weights, so 2 ranks of batch B with --sync-bn must save
// those of one process of batch 2B; without --sync-bn (per-replica statistics of half the batch)
// they must not. (Weights are not compared here: Adam's first step moves every parameter by about
// lr times the sign of its gradient, and the sign of an analytically zero gradient is rounding
// noise; data-parallel-trainers.test.ts compares weights with such parameters held fixed.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distAvailable } from './native-dist.js';
import { native } from '../engine/native.js';
import { loadSafetensors } from '../engine/safetensors.js';
import { writePng } from '../io/index.js';
import { Rng } from '../data/rng.js';

const MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const skip = !distAvailable() ? 'the kensa addon in use was built without process groups (needs libgloo-dev at build time)'
  : typeof (native as unknown as Record<string, unknown>).distAllReduceDiff !== 'function' ? 'the kensa addon in use predates the differentiable all-reduce (native/src/dist.cc): rebuild it' : false;

function run(args: string[], ranks: number): void {
  const cmd = ranks > 1 ? [MAIN, 'launch', '--nproc', String(ranks), '--timeout', '120', '--', ...args] : [MAIN, ...args];
  const r = spawnSync(process.execPath, [...cmd, '--threads', '1'], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
}

/** Running means and variances of a safetensors file, by name. */
function runningStats(file: string): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const [k, t] of loadSafetensors(file).tensors) if (/running_(mean|var)$/.test(k)) out.set(k, Float32Array.from(t.data() as Float32Array));
  return out;
}
function maxDiff(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
  let m = 0;
  for (const [k, v] of a) v.forEach((x, i) => (m = Math.max(m, Math.abs(x - b.get(k)![i]))));
  return m;
}

/** Synced 2 x B, plain 2 x B and 1 x 2B runs of `args(batch, out)`; returns the two distances to 1 x 2B. */
function compare(dir: string, args: (batch: number, out: string) => string[], batch: number, weights: string): { sync: number; plain: number; layers: number } {
  run([...args(batch, join(dir, 'sync')), '--sync-bn'], 2);
  const log = readFileSync(join(dir, 'sync', 'log.txt'), 'utf8'); // rank 0's (--quiet keeps stderr short)
  const layers = Number(/--sync-bn: (\d+) batch-norm layer\(s\) synchronised/.exec(log)?.[1] ?? 0);
  run(args(batch, join(dir, 'plain')), 2);
  run(args(2 * batch, join(dir, 'alone')), 1);
  const ref = runningStats(join(dir, 'alone', weights));
  assert.ok(ref.size >= 4, 'the model has batch-norm statistics');
  return { sync: maxDiff(runningStats(join(dir, 'sync', weights)), ref), plain: maxDiff(runningStats(join(dir, 'plain', weights)), ref), layers };
}

async function greyImages(dir: string, n: number, s: number, draw: (x: number, y: number, k: number, rng: Rng) => number): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (let k = 0; k < n; k++) {
    const rng = new Rng(k + 1);
    const data = new Uint8Array(s * s);
    for (let i = 0; i < s * s; i++) data[i] = Math.max(0, Math.min(255, Math.round(draw(i % s, Math.floor(i / s), k, rng))));
    await writePng(join(dir, `i${k}.png`), { width: s, height: s, channels: 1, bitDepth: 8, data });
  }
}

test('metric train --sync-bn under launch: 2 x 12 saves the running statistics of 1 x 24 after one step; per-replica BN does not', { skip, timeout: 300_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kensa-syncbn-metric-'));
  try {
    await greyImages(join(dir, 'data', 'checker'), 6, 32, (x, y, _k, r) => ((Math.floor(x / 4) + Math.floor(y / 4)) % 2 ? 160 : 90) + (r.next() - 0.5) * 30);
    await greyImages(join(dir, 'data', 'stripes'), 6, 32, (_x, y, _k, r) => (y % 8 < 4 ? 160 : 90) + (r.next() - 0.5) * 30);
    // 3 training images per class, 4 tiles each: 24 training tiles, one global batch
    const args = (batch: number, out: string): string[] => ['metric', 'train', '--data', join(dir, 'data'), '--out', out, '--epochs', '1', '--head', 'softmax', '--guard', '0', '--crop', 'none', '--tile-size', '16', '--downsample', '2', '--width', '4', '--embedding-size', '4', '--batch-size', String(batch), '--val-fraction', '0.34', '--test-fraction', '0.17', '--quiet'];
    const d = compare(dir, args, 12, 'model.safetensors');
    process.stdout.write(`# metric train 2x12 --sync-bn vs 1x24: max |d running| ${d.sync.toExponential(2)}; per-replica ${d.plain.toExponential(2)}; ${d.layers} layers\n`);
    assert.equal(d.layers, 7, 'six mini-VGG batch norms and the embedding one');
    assert.ok(d.sync < 1e-5, `synced running statistics off by ${d.sync}`);
    assert.ok(d.plain > 100 * Math.max(d.sync, 1e-7), `per-replica statistics as close as synced ones: ${d.plain}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('segment-train --sync-bn under launch: 2 x 2 saves the running statistics of 1 x 4 after one step; per-replica BN does not', { skip, timeout: 300_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kensa-syncbn-seg-'));
  try {
    const disc = (k: number) => [10 + 3 * k, 12 + 2 * k, 5] as const;
    await greyImages(join(dir, 'images'), 6, 32, (x, y, k, r) => ((y - disc(k)[0]) ** 2 + (x - disc(k)[1]) ** 2 < 25 ? 180 : 70) + (r.next() - 0.5) * 40);
    await greyImages(join(dir, 'masks'), 6, 32, (x, y, k) => ((y - disc(k)[0]) ** 2 + (x - disc(k)[1]) ** 2 < 25 ? 255 : 0));
    // 4 training images x 1 patch: one global batch of 4
    const args = (batch: number, out: string): string[] => ['segment-train', '--images', join(dir, 'images'), '--masks', join(dir, 'masks'), '--out', out, '--epochs', '1', '--mask-values', '>127', '--depth', '2', '--width', '4', '--patch-size', '16', '--patches-per-image', '1', '--batch-size', String(batch), '--window', '16', '--val-fraction', '0.17', '--test-fraction', '0.17', '--quiet'];
    const d = compare(dir, args, 2, join('checkpoints', 'best.safetensors'));
    process.stdout.write(`# segment-train 2x2 --sync-bn vs 1x4: max |d running| ${d.sync.toExponential(2)}; per-replica ${d.plain.toExponential(2)}; ${d.layers} layers\n`);
    assert.ok(d.layers >= 4, `${d.layers} batch-norm layers converted`);
    assert.ok(d.sync < 1e-5, `synced running statistics off by ${d.sync}`);
    assert.ok(d.plain > 100 * Math.max(d.sync, 1e-7), `per-replica statistics as close as synced ones: ${d.plain}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
