// Data-parallel scaling on one machine (issue 17 point 6): the same global batch trained by
// 1 process × 2 libtorch threads against 2 processes × 1 thread (data-parallel fit's gradient
// averaging over Gloo, each rank half the batch), for an M1- and an M2-class step. Rounds
// alternate the two set-ups so both see the same machine load; per model the median ms per global
// step of each, the items per second and the throughput ratio (2 × 1 over 1 × 2). The 2 × 1 set-up
// runs with the gradient all-reduce overlapped with backward (the default) and without it
// (KENSA_DDP_OVERLAP=0), in the same rounds; --bucket-mb sets the gradient bucket size (default
// 25, which leaves these models one bucket each: nothing to overlap but the last bucket's start).
// --paired P instead: one 2 × 1 launch per model that alternates blocks of S steps with the
// all-reduce overlapped and not (P pairs, the order flipping every pair), so slow changes of the
// machine's load fall on both alike; per model the median ms of each and the median (quartiles) of
// the P paired ratios.
//   node dist/bench/dist-bench.js [--models M1,M2] [--rounds R] [--steps S] [--warmup W] [--bucket-mb MB] [--paired P] [--json]
// Internally the script re-runs itself as the timed children (--child single|rank).
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { keep, manualSeed, rand, randint, randn, setNumThreads, tidy, type Tensor } from '../src/engine/index.js';
import { F, type Module } from '../src/nn/index.js';
import { Adam } from '../src/optim/index.js';
import { MiniVgg, UNet } from '../src/models/index.js';
import { ProcessGroup } from '../src/distributed/process-group.js';
import { makeDataParallel } from '../src/distributed/data-parallel.js';
import { freePort } from '../src/distributed/free-port.js';
import { median, quantileSorted } from './stats.js';

const SELF = fileURLToPath(import.meta.url);

/** A step of the global batch `batch`, of which this process computes `part` items. */
interface DistCase {
  model: string;
  description: string;
  batch: number;
  build(part: number): { net: Module; opt: Adam; loss: () => Tensor; dispose(): void };
}

const CASES: DistCase[] = [
  {
    model: 'M1',
    description: 'mini-VGG 32×32×3, global batch 64, Adam (bench M1)',
    batch: 64,
    build(part) {
      manualSeed(0);
      const net = new MiniVgg({ inChannels: 3, inputSize: 32, numClasses: 10 });
      const x = keep(randn([part, 3, 32, 32]));
      const y = keep(randint(0, 10, [part]));
      return { net, opt: new Adam(net.parameters(), { lr: 1e-3 }), loss: () => F.crossEntropy(net.forward(x), y), dispose: () => [x, y].forEach((t) => t.dispose()) };
    },
  },
  {
    model: 'M2',
    description: 'U-Net 128×128×1 (16-32-64-128), global batch 4, BCE, Adam (bench M2)',
    batch: 4,
    build(part) {
      manualSeed(0);
      const net = new UNet({ inChannels: 1, outChannels: 1, widths: [16, 32, 64, 128] });
      const x = keep(randn([part, 1, 128, 128]));
      const y = keep(tidy(() => rand([part, 1, 128, 128]).gt(0.5).float()));
      return { net, opt: new Adam(net.parameters(), { lr: 1e-3 }), loss: () => F.binaryCrossEntropyWithLogits(net.forward(x), y), dispose: () => [x, y].forEach((t) => t.dispose()) };
    },
  },
];

interface Args { models: string[]; rounds: number; steps: number; warmup: number; bucketMb: number; paired: number; json: boolean; child?: 'single' | 'rank' | 'paired' }

function parseArgs(argv: string[]): Args {
  const a: Args = { models: CASES.map((c) => c.model), rounds: 3, steps: 10, warmup: 2, bucketMb: 25, paired: 0, json: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const int = (min: number): number => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < min) throw new Error(`dist-bench: ${k} needs an integer ≥ ${min}, got ${argv[i]}`);
      return v;
    };
    if (k === '--models') a.models = (argv[++i] ?? '').split(',');
    else if (k === '--rounds') a.rounds = int(1);
    else if (k === '--steps') a.steps = int(1);
    else if (k === '--warmup') a.warmup = int(0);
    else if (k === '--paired') a.paired = int(1);
    else if (k === '--bucket-mb') {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v <= 0) throw new Error(`dist-bench: --bucket-mb needs a positive number, got ${argv[i]}`);
      a.bucketMb = v;
    } else if (k === '--json') a.json = true;
    else if (k === '--child') {
      const v = argv[++i];
      if (v !== 'single' && v !== 'rank' && v !== 'paired') throw new Error(`dist-bench: --child is single, rank or paired, got ${v}`);
      a.child = v;
    } else throw new Error(`dist-bench: unknown option ${k}`);
  }
  for (const m of a.models) if (!CASES.some((c) => c.model === m)) throw new Error(`dist-bench: unknown model ${m} (${CASES.map((c) => c.model).join(', ')})`);
  return a;
}

/** Child of --paired: blocks of `steps` steps, overlap off and on in turn; rank 0 prints both lists of ms per step. */
async function pairedChild(a: Args): Promise<void> {
  const c = CASES.find((x) => x.model === a.models[0])!;
  setNumThreads(1);
  const s = c.build(c.batch / 2);
  const group = await ProcessGroup.fromEnv();
  if (!group) throw new Error('dist-bench: --child paired needs WORLD_SIZE');
  const ms: Record<'off' | 'on', number[]> = { off: [], on: [] };
  const block = async (overlap: boolean, n: number): Promise<number> => {
    const dp = await makeDataParallel({ modules: { net: s.net }, optimizers: { adam: s.opt } }, group, { keepGroup: true, overlap, bucketBytes: a.bucketMb * 1024 * 1024 });
    await group.barrier();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      s.opt.zeroGrad();
      tidy(() => s.loss().backward());
      s.opt.step();
    }
    await group.barrier();
    const t = (performance.now() - t0) / Math.max(n, 1);
    dp.close();
    return t;
  };
  await block(true, a.warmup);
  await block(false, a.warmup);
  for (let p = 0; p < a.paired; p++) {
    for (const overlap of p % 2 === 0 ? [false, true] : [true, false]) ms[overlap ? 'on' : 'off'].push(await block(overlap, a.steps));
  }
  if (group.rank === 0) process.stdout.write(`${JSON.stringify(ms)}\n`);
  group.destroy();
  s.dispose();
}

/** Child: times `steps` steps after `warmup`; prints ms per step (rank 0 only under a group). */
async function child(a: Args): Promise<void> {
  if (a.child === 'paired') return pairedChild(a);
  const c = CASES.find((x) => x.model === a.models[0])!;
  const world = Number(process.env.WORLD_SIZE ?? 1);
  setNumThreads(a.child === 'single' ? 2 : 1);
  const s = c.build(c.batch / world);
  const group = a.child === 'rank' ? await ProcessGroup.fromEnv() : undefined;
  const dp = group ? await makeDataParallel({ modules: { net: s.net }, optimizers: { adam: s.opt } }, group) : undefined;
  const step = (): void => {
    s.opt.zeroGrad();
    tidy(() => s.loss().backward());
    s.opt.step(); // under dp: gradients averaged over the ranks first
  };
  for (let i = 0; i < a.warmup; i++) step();
  await group?.barrier();
  const t0 = performance.now();
  for (let i = 0; i < a.steps; i++) step();
  await group?.barrier();
  const ms = (performance.now() - t0) / a.steps;
  const st = dp?.reducerStats().adam;
  if ((group?.rank ?? 0) === 0) process.stdout.write(`${JSON.stringify({ ms, buckets: st?.buckets, inBackward: st ? st.lastInBackward : undefined })}\n`);
  dp?.close();
  group?.destroy();
  s.dispose();
}

function runChild(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [SELF, ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`dist-bench: child ${args.join(' ')} exited with ${code}`))));
  });
}

interface ChildOut { ms: number; buckets?: number; inBackward?: number }
const outOf = (out: string): ChildOut => JSON.parse(out.trim().split('\n').pop()!) as ChildOut;

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  if (a.child) return child(a);
  const env = { ...process.env, OMP_NUM_THREADS: '1' };
  const common = (m: string): string[] => ['--models', m, '--steps', String(a.steps), '--warmup', String(a.warmup)];
  if (a.paired > 0) return paired(a, env);
  const rows = [];
  for (const m of a.models) {
    const c = CASES.find((x) => x.model === m)!;
    const single: number[] = [];
    const pair: Record<'0' | '1', ChildOut[]> = { '0': [], '1': [] };
    const one = (): Promise<void> => runChild([...common(m), '--child', 'single'], env).then((o) => void single.push(outOf(o).ms));
    const two = async (overlap: '0' | '1'): Promise<void> => {
      const port = await freePort();
      const ranks = [0, 1].map((rank) => runChild([...common(m), '--child', 'rank'], { ...env, KENSA_DDP_OVERLAP: overlap, KENSA_DDP_BUCKET_MB: String(a.bucketMb), MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), RANK: String(rank), WORLD_SIZE: '2', LOCAL_RANK: String(rank), KENSA_DIST_TIMEOUT: '300' }));
      pair[overlap].push(outOf((await Promise.all(ranks))[0]));
    };
    // rotate which set-up goes first, so all three see the same load
    const order = [one, () => two('0'), () => two('1')];
    for (let r = 0; r < a.rounds; r++) for (let k = 0; k < order.length; k++) await order[(k + r) % order.length]();
    const ms1 = median(single);
    const msOff = median(pair['0'].map((o) => o.ms));
    const msOn = median(pair['1'].map((o) => o.ms));
    const on = pair['1'][0];
    rows.push({ model: m, description: c.description, globalBatch: c.batch, rounds: a.rounds, steps: a.steps, bucketMb: a.bucketMb, buckets: on.buckets, bucketsStartedInBackward: on.inBackward, oneByTwo: { msPerStep: ms1, itemsPerSecond: (c.batch * 1000) / ms1 }, twoByOne: { msPerStep: msOff, itemsPerSecond: (c.batch * 1000) / msOff }, twoByOneOverlap: { msPerStep: msOn, itemsPerSecond: (c.batch * 1000) / msOn }, throughputRatio: ms1 / msOff, overlapRatio: msOff / msOn, loadAverage: loadavg() });
  }
  if (a.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  process.stdout.write('| model | global batch | 1 process × 2 threads (ms/step, items/s) | 2 processes × 1 thread (ms/step, items/s) | the same, all-reduce overlapped with backward (ms/step, items/s; buckets started in backward) | throughput 2×1 / 1×2 | overlap speed-up |\n|---|---|---|---|---|---|---|\n');
  for (const r of rows) process.stdout.write(`| ${r.model} ${r.description} | ${r.globalBatch} | ${r.oneByTwo.msPerStep.toFixed(1)}, ${r.oneByTwo.itemsPerSecond.toFixed(1)} | ${r.twoByOne.msPerStep.toFixed(1)}, ${r.twoByOne.itemsPerSecond.toFixed(1)} | ${r.twoByOneOverlap.msPerStep.toFixed(1)}, ${r.twoByOneOverlap.itemsPerSecond.toFixed(1)}; ${r.bucketsStartedInBackward ?? '?'} of ${r.buckets ?? '?'} | ${r.throughputRatio.toFixed(2)} | ${r.overlapRatio.toFixed(2)} |\n`);
  process.stdout.write(`(median of ${a.rounds} rotating rounds of ${a.steps} steps after ${a.warmup} warm-up steps each; buckets of ${a.bucketMb} MB; load average at the end ${loadavg().map((x) => x.toFixed(2)).join(' ')})\n`);
}

async function paired(a: Args, env: NodeJS.ProcessEnv): Promise<void> {
  const rows = [];
  for (const m of a.models) {
    const c = CASES.find((x) => x.model === m)!;
    const port = await freePort();
    const args = ['--models', m, '--steps', String(a.steps), '--warmup', String(a.warmup), '--bucket-mb', String(a.bucketMb), '--paired', String(a.paired), '--child', 'paired'];
    const outs = await Promise.all([0, 1].map((rank) => runChild(args, { ...env, MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), RANK: String(rank), WORLD_SIZE: '2', LOCAL_RANK: String(rank), KENSA_DIST_TIMEOUT: '300' })));
    const ms = JSON.parse(outs[0].trim().split('\n').pop()!) as { off: number[]; on: number[] };
    const ratios = ms.off.map((v, i) => v / ms.on[i]).sort((x, y) => x - y);
    rows.push({ model: m, description: c.description, globalBatch: c.batch, pairs: a.paired, steps: a.steps, bucketMb: a.bucketMb, msOff: median(ms.off), msOn: median(ms.on), ratioMedian: median(ratios), ratioQ1: quantileSorted(ratios, 0.25), ratioQ3: quantileSorted(ratios, 0.75), raw: ms, loadAverage: loadavg() });
  }
  if (a.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  process.stdout.write('| model | global batch | 2 × 1, all-reduce after backward (ms/step) | 2 × 1, overlapped (ms/step) | paired ratio after / overlapped, median (quartiles) |\n|---|---|---|---|---|\n');
  for (const r of rows) process.stdout.write(`| ${r.model} ${r.description} | ${r.globalBatch} | ${r.msOff.toFixed(1)} | ${r.msOn.toFixed(1)} | ${r.ratioMedian.toFixed(3)} (${r.ratioQ1.toFixed(3)}-${r.ratioQ3.toFixed(3)}) |\n`);
  process.stdout.write(`(${a.paired} pairs of ${a.steps}-step blocks in one 2-rank launch per model, after ${a.warmup} warm-up steps of each; buckets of ${a.bucketMb} MB; load average at the end ${loadavg().map((x) => x.toFixed(2)).join(' ')})\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
