// Gradient all-reduce overlapped with backward (grad-reducer.ts, native/src/reducer.cc):
//  - through kensa launch, 2 ranks of half the batch with overlap on, with it off, and one
//    process on the whole batch end with the same weights after 4 SGD steps (within 1e-5), for a
//    mini-VGG without batch norm and a U-Net whose batch norms are synchronised under the group
//    (plain batch norm alone); every bucket's all-reduce was started inside backward;
//  - CycleGAN (two optimizers, one reducer each): the generator's backward fires no
//    discriminator hook (frozen) and the discriminator's none of the generators' (fakes detached);
//  - a peer that stops (killed, or hung past the timeout) → one-line error from the step;
//  - in one process (world of 1): a parameter no backward reaches holds its bucket back only in
//    the first step, keeps no gradient, and two backwards before one step are reduced as their sum.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distAvailable } from './native-dist.js';
import { reducerAvailable, type ReducerStats } from './grad-reducer.js';
import { ddpOptionsFromEnv, makeDataParallel } from './data-parallel.js';
import { ProcessGroup } from './process-group.js';
import { freePort } from './free-port.js';
import { Linear } from '../nn/index.js';
import { SGD } from '../optim/index.js';
import { ones, tidy } from '../engine/index.js';

const WORKER = fileURLToPath(new URL('./testing/dp-overlap-worker.js', import.meta.url));
const MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const skip = !distAvailable() ? 'the kensa addon in use was built without process groups (needs libgloo-dev at build time)' : !reducerAvailable() ? 'the kensa addon in use predates the gradient reducer (native/src/reducer.cc): rebuild it' : false;
const env = { ...process.env, OMP_NUM_THREADS: '1', KENSA_THREADS: '1' };
const STEPS = 4;
const BUCKET = 2048; // bytes: several buckets even for these tiny models

type Weights = Record<string, number[]>;
interface Out { rank: number; overlap: boolean; stats?: ReducerStats; weights: Weights; buffers: Weights }
const read = (file: string): Out => JSON.parse(readFileSync(file, 'utf8')) as Out;
function maxDiff(a: Weights, b: Weights): number {
  let m = 0;
  assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort());
  for (const k of Object.keys(a)) a[k].forEach((v, i) => (m = Math.max(m, Math.abs(v - b[k][i]))));
  return m;
}
function alone(dir: string, model: string, batch: number): Out {
  const file = join(dir, `${model}-alone-${batch}.json`);
  const r = spawnSync(process.execPath, [WORKER, file, model, String(batch), String(STEPS), '0', String(BUCKET)], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return read(file);
}
function launched(dir: string, model: string, overlap: 0 | 1): Out[] {
  const file = join(dir, `${model}-launch-${overlap}-rank`);
  const r = spawnSync(process.execPath, [MAIN, 'launch', '--nproc', '2', '--timeout', '60', '--', 'sh', '-c', `exec "$0" "$1" "$2$RANK.json" "$3" 8 "$4" "$5" "$6"`, process.execPath, WORKER, file, model, String(STEPS), String(overlap), String(BUCKET)], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  return [0, 1].map((k) => read(`${file}${k}.json`));
}

for (const model of ['vgg', 'unet']) {
  const what = model === 'vgg' ? 'mini-VGG (no batch norm)' : 'U-Net (synchronised batch norm under the group, plain alone)';
  test(`${what}: 2 ranks x 4 with overlap = without = 1 process x 8 after ${STEPS} steps (within 1e-5); every bucket started inside backward`, { skip, timeout: 240_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'kensa-dp-overlap-'));
    try {
      const [on0, on1] = launched(dir, model, 1);
      const [off0, off1] = launched(dir, model, 0);
      const ref = alone(dir, model, 8);
      const control = alone(dir, model, 4); // half the batch alone: must land elsewhere
      assert.ok(maxDiff(on0.weights, on1.weights) < 1e-7 && maxDiff(off0.weights, off1.weights) < 1e-7, 'ranks diverged');
      const dOn = maxDiff(on0.weights, ref.weights);
      const dOff = maxDiff(off0.weights, ref.weights);
      const dOnOff = maxDiff(on0.weights, off0.weights);
      const c = maxDiff(control.weights, ref.weights);
      const db = model === 'unet' ? maxDiff(on0.buffers, ref.buffers) : 0;
      process.stdout.write(`# ${model}: max |dw| overlap vs 1x8 ${dOn.toExponential(2)}, no overlap vs 1x8 ${dOff.toExponential(2)}, overlap vs none ${dOnOff.toExponential(2)}, running stats ${db.toExponential(2)}; 1x4 vs 1x8 ${c.toExponential(2)}; reducer ${JSON.stringify(on0.stats)}\n`);
      assert.ok(dOn < 1e-5 && dOff < 1e-5 && dOnOff < 1e-5, `overlap ${dOn}, no overlap ${dOff}, between ${dOnOff}`);
      assert.ok(db < 1e-5, `running statistics differ by ${db}`);
      assert.ok(c > 1e-3, `batch 4 alone is as close to batch 8 as the ranks are: ${c}`);
      assert.equal(on0.overlap, true);
      assert.equal(off0.overlap, false);
      assert.equal(off0.stats, undefined);
      const s = on0.stats!;
      assert.ok(s.buckets >= 3, `only ${s.buckets} buckets of ${BUCKET} bytes`);
      assert.equal(s.steps, STEPS);
      // all-reduces started by the gradient hooks, while backward ran: all of them, none left to finish()
      assert.equal(s.launchedInBackward, s.buckets * STEPS);
      assert.equal(s.launchedInFinish, 0);
      assert.equal(s.redone, 0);
      assert.deepEqual(on1.stats, s);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test("CycleGAN, 2 ranks: each optimizer's reducer starts all its buckets inside its own backward; no hook fires outside its optimizer's zeroGrad → step", { skip, timeout: 120_000 }, () => {
  const w = fileURLToPath(new URL('./testing/dp-cyclegan-hooks-worker.js', import.meta.url));
  const r = spawnSync(process.execPath, [MAIN, 'launch', '--nproc', '2', '--timeout', '60', '--', process.execPath, w], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  const outs = [0, 1].map((k) => {
    const line = r.stdout.split('\n').find((l) => l.startsWith(`[rank ${k}] {`));
    assert.ok(line, r.stdout);
    return JSON.parse(line.slice(line.indexOf('{'))) as { stats: Record<'g' | 'd', ReducerStats> };
  });
  const { g, d } = outs[0].stats;
  process.stdout.write(`# CycleGAN reducers: g ${JSON.stringify(g)}, d ${JSON.stringify(d)}\n`);
  assert.deepEqual(outs[1].stats, outs[0].stats);
  for (const s of [g, d]) {
    assert.ok(s.buckets >= 3);
    assert.equal(s.steps, 3);
    assert.equal(s.launchedInBackward, 3 * s.buckets);
    assert.equal(s.ignoredHooks, 0); // a hook that fired in the other optimizer's backward would count here
  }
});

interface Rank {
  child: ChildProcess;
  out: Promise<{ code: number | null; lines: string[] }>;
  ready: Promise<void>;
}
function start(port: number, rank: number, timeoutS: number): Rank {
  const child = spawn(process.execPath, [WORKER, join(tmpdir(), `kensa-overlap-die-${port}-${rank}.json`), 'vgg', '8', String(STEPS), '1', String(BUCKET), 'die'], {
    env: { ...env, MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), RANK: String(rank), WORLD_SIZE: '2', LOCAL_RANK: String(rank), KENSA_DIST_TIMEOUT: String(timeoutS) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((res) => (onReady = res));
  child.stdout!.on('data', (d: Buffer) => {
    text += d.toString();
    if (text.includes('ready')) onReady();
  });
  child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  const out = new Promise<{ code: number | null; lines: string[] }>((res) => child.on('close', (code) => res({ code, lines: text.split('\n').filter((l) => l.trim() !== '') })));
  return { child, out, ready };
}
function errorOf(lines: string[]): { error: string; ms: number } {
  const l = lines.find((x) => x.startsWith('{'));
  assert.ok(l, `no JSON line in:\n${lines.join('\n')}`);
  return JSON.parse(l) as { error: string; ms: number };
}

test('a peer that stops after one step: killed → one-line error from the next step at once; hung → after the timeout', { skip, timeout: 120_000 }, async () => {
  {
    const port = await freePort();
    const r0 = start(port, 0, 30);
    const r1 = start(port, 1, 30);
    await r1.ready; // rank 1 finished step 1 and sleeps; rank 0's step 2 started its buckets during backward and waits
    await new Promise((res) => setTimeout(res, 300));
    const t0 = Date.now();
    r1.child.kill('SIGKILL');
    const o0 = await r0.out;
    const ms = Date.now() - t0;
    await r1.out;
    assert.equal(o0.code, 1, o0.lines.join('\n'));
    const e = errorOf(o0.lines);
    process.stdout.write(`# killed peer: ${e.error} (${ms} ms after the kill)\n`);
    assert.match(e.error, /^allReduce: gradient bucket \d+ of \d+: .+/);
    assert.ok(!e.error.includes('\n'));
    assert.ok(ms < 20_000, `the error came ${ms} ms after the kill (timeout 30 s)`);
  }
  {
    const port = await freePort();
    const r0 = start(port, 0, 6);
    const r1 = start(port, 1, 6);
    const o0 = await r0.out;
    r1.child.kill('SIGKILL');
    await r1.out;
    assert.equal(o0.code, 1, o0.lines.join('\n'));
    const e = errorOf(o0.lines);
    process.stdout.write(`# hung peer: ${e.error} (${e.ms} ms into training)\n`);
    assert.match(e.error, /^allReduce: gradient bucket \d+ of \d+: .*(timed out|timeout)/i);
    assert.ok(e.ms >= 5000 && e.ms < 40_000, `timed out after ${e.ms} ms (timeout 6 s)`);
  }
});

test('world of 1: a parameter without a gradient holds its bucket back only in the first step and gets none; two backwards before a step are reduced as their sum', { skip, timeout: 60_000 }, async () => {
  const group = await ProcessGroup.init({ host: '127.0.0.1', port: await freePort(), rank: 0, worldSize: 1, timeoutMs: 10_000 });
  const used = new Linear(3, 2);
  const unused = new Linear(3, 2);
  const opt = new SGD([...used.parameters(), ...unused.parameters()], { lr: 0 });
  // 1-byte buckets: one tensor each, in reverse order: unused.bias, unused.weight, used.bias, used.weight
  const dp = await makeDataParallel({ modules: { used, unused }, optimizers: { sgd: opt } }, group, { overlap: true, bucketBytes: 1 });
  const backward = (): void => tidy(() => used.forward(ones([4, 3])).sum().backward());
  try {
    opt.zeroGrad();
    backward();
    opt.step();
    let s = dp.reducerStats().sgd;
    // step 1: the first bucket (unused.bias) never became ready, so nothing could start before finish()
    assert.deepEqual([s.buckets, s.lastInBackward, s.lastInFinish, s.expected], [4, 0, 4, 2]);
    assert.equal(unused.parameters()[1].grad, undefined);
    opt.zeroGrad();
    backward();
    opt.step();
    s = dp.reducerStats().sgd;
    // step 2: only used's 2 tensors are waited for; all 4 buckets start inside backward
    assert.deepEqual([s.lastInBackward, s.lastInFinish, s.redone], [4, 0, 0]);
    // d(sum of W·x + b)/db over 4 rows of ones = 4 per output; averaged over 1 rank
    assert.deepEqual(used.parameters()[1].grad!.toArray(), [4, 4]);
    opt.zeroGrad();
    backward();
    backward();
    opt.step();
    s = dp.reducerStats().sgd;
    // the second backward re-marked sent parameters: every bucket sent again from .grad, 4 + 4 = 8
    assert.equal(s.redone, 1);
    assert.deepEqual(used.parameters()[1].grad!.toArray(), [8, 8]);
    assert.equal(unused.parameters()[0].grad, undefined);
    // a backward outside zeroGrad → step (not armed) starts nothing
    backward();
    assert.equal(dp.reducerStats().sgd.ignoredHooks, 2);
  } finally {
    dp.close();
    opt.dispose();
    used.dispose();
    unused.dispose();
  }
});

// (A world of 1 cannot show that the after-backward all-reduce averaged anything: what is checked is
// that such a parameter is left out of the reducer and comes through the step with its gradient.)
test('world of 1: a parameter frozen when makeDataParallel runs is left out of the reducer\'s buckets and, trained later, keeps its gradient through the step', { skip, timeout: 60_000 }, async () => {
  const group = await ProcessGroup.init({ host: '127.0.0.1', port: await freePort(), rank: 0, worldSize: 1, timeoutMs: 10_000 });
  const used = new Linear(3, 2);
  const late = new Linear(3, 2);
  for (const p of late.parameters()) p.requiresGrad = false;
  const opt = new SGD([...used.parameters(), ...late.parameters()], { lr: 0 });
  const dp = await makeDataParallel({ modules: { used, late }, optimizers: { sgd: opt } }, group, { overlap: true, bucketBytes: 1 });
  try {
    for (const p of late.parameters()) p.requiresGrad = true;
    opt.zeroGrad();
    tidy(() => used.forward(ones([4, 3])).add(late.forward(ones([4, 3]))).sum().backward());
    opt.step();
    const s = dp.reducerStats().sgd;
    assert.deepEqual([s.buckets, s.lastInBackward], [2, 2]); // used's 2 tensors hooked
    // both biases: 4 rows of ones → 4 per output
    assert.deepEqual(used.parameters()[1].grad!.toArray(), [4, 4]);
    assert.deepEqual(late.parameters()[1].grad!.toArray(), [4, 4]);
    assert.deepEqual(late.parameters()[0].grad!.toArray(), [[4, 4, 4], [4, 4, 4]]); // Σ over rows of x = 4
  } finally {
    dp.close();
    opt.dispose();
    used.dispose();
    late.dispose();
  }
});

test('KENSA_DDP_OVERLAP and KENSA_DDP_BUCKET_MB: read when set, refused in one line when malformed', () => {
  assert.deepEqual(ddpOptionsFromEnv({}), {});
  assert.deepEqual(ddpOptionsFromEnv({ KENSA_DDP_OVERLAP: '0' }), { overlap: false });
  assert.deepEqual(ddpOptionsFromEnv({ KENSA_DDP_OVERLAP: '1', KENSA_DDP_BUCKET_MB: '0.5' }), { overlap: true, bucketBytes: 524_288 }); // 0.5 · 2^20
  assert.throws(() => ddpOptionsFromEnv({ KENSA_DDP_OVERLAP: 'off' }), /^Error: KENSA_DDP_OVERLAP must be 0 or 1, got 'off'$/);
  assert.throws(() => ddpOptionsFromEnv({ KENSA_DDP_BUCKET_MB: '-2' }), /^Error: KENSA_DDP_BUCKET_MB must be a positive number/);
  assert.throws(() => ddpOptionsFromEnv({ KENSA_DDP_BUCKET_MB: '25MB' }), /KENSA_DDP_BUCKET_MB/);
});
