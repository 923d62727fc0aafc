// Data-parallel fit for the trainers with their own samplers, through kensa launch: 2 ranks of
// batch B end with the weights of one process of batch 2B (within 1e-5), both ranks the same, for
//  - metric train's trainer (ArcFace head, seeded augmentation, class-balanced order), 8 steps: its
//    mini-VGG and embedding batch norms synchronised (--sync-bn) against plain batch norm on the
//    combined batch; per-replica batch norm is the control that must miss;
//  - CycleGAN (instance norm: per image, nothing to synchronise) with --pool-size 0, 4 steps (a
//    GAN's two-player updates grow rounding differences about 30x per 4 steps: 9e-8 after 4,
//    2.5e-5 after 8); with a pool, each rank keeps its own pool of its own fakes, so the runs part
//    once a pool is full (pool 2: the control that must miss).
// The workers keep biases that feed a norm fixed and raise Adam's eps (testing/dp-state.ts): their
// gradients are analytically 0, and Adam turns the rounding noise, which depends on the batch
// split, into lr-sized steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distAvailable } from './native-dist.js';
import { native } from '../engine/native.js';

const MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const worker = (name: string): string => fileURLToPath(new URL(`./testing/${name}.js`, import.meta.url));
const skip = distAvailable() ? false : 'the kensa addon in use was built without process groups (needs libgloo-dev at build time)';
const skipSync = skip || (typeof (native as unknown as Record<string, unknown>).distAllReduceDiff === 'function' ? false : 'the kensa addon in use predates the differentiable all-reduce (native/src/dist.cc): rebuild it');
const env = { ...process.env, OMP_NUM_THREADS: '1' };

type Weights = Record<string, number[]>;
interface State { weights: Weights; buffers: Weights }
const read = (file: string): State => JSON.parse(readFileSync(file, 'utf8')) as State;
function maxDiff(a: Weights, b: Weights): number {
  let m = 0;
  assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort());
  for (const k of Object.keys(a)) a[k].forEach((v, i) => (m = Math.max(m, Math.abs(v - b[k][i]))));
  return m;
}
/** One process: WORKER OUT BATCH EPOCHS ARG. */
function alone(dir: string, name: string, batch: number, epochs: number, arg: string): State {
  const file = join(dir, `${name}-alone-${batch}-${arg}.json`);
  const r = spawnSync(process.execPath, [worker(name), file, String(batch), String(epochs), arg], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return read(file);
}
/** Two ranks under kensa launch, each writing OUT<rank>.json. */
function launched(dir: string, name: string, batch: number, epochs: number, arg: string): State[] {
  const file = join(dir, `${name}-launch-${batch}-${arg}-rank`);
  const r = spawnSync(process.execPath, [MAIN, 'launch', '--nproc', '2', '--timeout', '60', '--', 'sh', '-c', `exec "$0" "$1" "$2$RANK.json" "$3" "$4" "$5"`, process.execPath, worker(name), file, String(batch), String(epochs), arg], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  return [0, 1].map((k) => read(`${file}${k}.json`));
}

test('metric trainer: 2 ranks x 4 with synchronised batch norm = 1 x 8 with batch norm after 8 steps, weights and running statistics; per-replica BN misses', { skip: skipSync, timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kensa-dp-metric-'));
  try {
    const [r0, r1] = launched(dir, 'dp-metric-worker', 4, 2, 'syncbn');
    const ref = alone(dir, 'dp-metric-worker', 8, 2, 'bn');
    const [c0] = launched(dir, 'dp-metric-worker', 4, 2, 'bn');
    assert.ok(Object.keys(ref.buffers).length >= 4, 'the model has batch-norm buffers');
    assert.ok(maxDiff(r0.weights, r1.weights) < 1e-6, 'ranks diverged');
    const dw = maxDiff(r0.weights, ref.weights);
    const db = maxDiff(r0.buffers, ref.buffers);
    const cw = maxDiff(c0.weights, ref.weights);
    process.stdout.write(`# metric 2x4 SyncBN vs 1x8 BN: max |dw| ${dw.toExponential(2)}, max |d running| ${db.toExponential(2)}; per-replica BN |dw| ${cw.toExponential(2)}\n`);
    assert.ok(dw < 1e-5, `2x4 SyncBN vs 1x8: max |dw| = ${dw}`);
    assert.ok(db < 1e-5, `2x4 SyncBN vs 1x8: max |d running stats| = ${db}`);
    assert.ok(cw > 100 * Math.max(dw, 1e-7), `per-replica BN is not clearly further from 1x8: ${cw} vs ${dw}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CycleGAN: 2 ranks x 1 = 1 x 2 after 4 steps with --pool-size 0 (within 1e-5); with a pool of 2 (per-rank pools) they part', { skip, timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kensa-dp-cyclegan-'));
  try {
    const [r0, r1] = launched(dir, 'dp-cyclegan-worker', 1, 1, '0');
    const ref = alone(dir, 'dp-cyclegan-worker', 2, 1, '0');
    assert.equal(maxDiff(r0.weights, r1.weights), 0, 'ranks diverged');
    const dw = maxDiff(r0.weights, ref.weights);
    const [p0] = launched(dir, 'dp-cyclegan-worker', 1, 1, '2');
    const pref = alone(dir, 'dp-cyclegan-worker', 2, 1, '2');
    const pw = maxDiff(p0.weights, pref.weights);
    const c = maxDiff(alone(dir, 'dp-cyclegan-worker', 1, 1, '0').weights, ref.weights);
    process.stdout.write(`# CycleGAN 2x1 vs 1x2, pool 0: max |dw| ${dw.toExponential(2)}; pool 2: ${pw.toExponential(2)}; 1x1 vs 1x2: ${c.toExponential(2)}\n`);
    assert.ok(dw < 1e-5, `2x1 vs 1x2 with no pool: max |dw| = ${dw}`);
    assert.ok(pw > 100 * Math.max(dw, 1e-7), `per-rank pools unexpectedly match one pool: ${pw}`);
    assert.ok(c > 1e-4, `batch 1 alone is as close to batch 2 as the ranks are: ${c}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
