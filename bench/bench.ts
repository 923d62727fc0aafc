// kensa vs PyTorch, side by side in one run: each reference model's training step timed in
// alternating blocks of paired steps (kensa, PyTorch, kensa, …; odd blocks start with PyTorch), same
// thread count, so both see the same machine load. Per model: median ms per step of each, the
// median paired ratio kensa/PyTorch and its 95 % block-bootstrap interval (bench/stats.ts).
//   npm run bench -- [--json] [--quick] [--threads N] [--models M1,M2] [--blocks B]
//                    [--seconds S] [--steps-per-block K] [--warmup W] [--micro]
//                    [--samples FILE] [--torch-malloc glibc|kensa] [--torch-blas same|installed]
// --micro runs the per-op overhead micro cases (bench/micro-cases.ts) instead of the model rows.
// --samples writes every timed pair (per model, per block, in time order) to FILE as JSON, for
// studying other estimators on the same run. --torch-malloc kensa runs the PyTorch process with
// kensa's heap policy (native/src/addon.cc) through GLIBC_TUNABLES; the default is PyTorch as
// installed (glibc's heap defaults), which page-faults a step's activations in again each step.
// --torch-blas: by default the PyTorch process gets kensa's OpenBLAS thread count
// (OPENBLAS_NUM_THREADS, 1 unless the user chose), so both engines run the same threads; 'installed'
// leaves PyTorch's OpenBLAS pool at its default (one spinning thread per core beside OpenMP's), which
// on a 2-core VM made PyTorch's U-Net step bimodal (158-455 ms against 124-161 ms).
import { performance } from 'node:perf_hooks';
import { cpus, loadavg } from 'node:os';
import { setNumThreads, getNumThreads, libtorchVersion, mallocPolicy, blasPolicy } from '../src/engine/index.js';
import { BENCH_CASES, type BenchCase } from './models.js';
import { MICRO_CASES } from './micro-cases.js';
import { TorchPeer } from './torch-peer.js';
import { median, ratioInterval, neighbourPairs, type TimedPair } from './stats.js';
import { writeFileAtomicSync } from '../src/util/atomic-write.js';

interface Args {
  json: boolean;
  quick: boolean;
  threads: number;
  models?: string[];
  /** Blocks per model. @default 8 (2 with --quick) */
  blocks: number;
  /** Measured seconds per model (both engines), which sets the steps per block. @default 20 (4 with --quick) */
  seconds: number;
  /** Fixed steps per block instead of the time budget. */
  stepsPerBlock?: number;
  /** Warm-up pairs before measuring. @default 2 (1 with --quick) */
  warmup: number;
  /** The micro cases of bench/micro-cases.ts instead of the model rows. @default false */
  micro: boolean;
  /** Write every timed pair to this JSON file. */
  samples?: string;
  /** The PyTorch process's heap: as installed ('glibc') or with kensa's policy ('kensa'). @default 'glibc' */
  torchMalloc: 'glibc' | 'kensa';
  /** The PyTorch process's OpenBLAS threads: kensa's count ('same') or as installed. @default 'same' */
  torchBlas: 'same' | 'installed';
}

/** Steps per block from the time budget: at least 1 (slow models), at most this many. */
const MAX_STEPS_PER_BLOCK = 60;
/**
 * Fewest timed pairs per model outside --quick, whatever the time budget: the slow models
 * (M3, M3b, M6: 2-5 s a pair) got 1 step per block from 20-24 s, 8 pairs, and their intervals
 * read ±0.07-0.13; with 16 pairs they read ±0.02-0.07 in three quiet runs.
 */
const MIN_PAIRS = 16;
/** A model whose warm-up pair takes longer than this (ms) gets just one warm-up pair. */
const SLOW_PAIR_MS = 3000;

function parseArgs(argv: string[]): Args {
  const quick = argv.includes('--quick');
  const a: Args = { json: false, quick, threads: cpus().length, blocks: quick ? 2 : 8, seconds: quick ? 4 : 20, warmup: quick ? 1 : 2, micro: false, torchMalloc: 'glibc', torchBlas: 'same' };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const num = (min: number): number => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < min) throw new Error(`bench: ${k} needs a number ≥ ${min}, got ${argv[i]}`);
      return v;
    };
    if (k === '--json') a.json = true;
    else if (k === '--quick') continue;
    else if (k === '--threads') a.threads = Math.round(num(1));
    else if (k === '--models') a.models = (argv[++i] ?? '').split(',');
    else if (k === '--blocks') a.blocks = Math.round(num(1));
    else if (k === '--seconds') a.seconds = num(0);
    else if (k === '--steps-per-block') a.stepsPerBlock = Math.round(num(1));
    else if (k === '--warmup') a.warmup = Math.round(num(0));
    else if (k === '--micro') a.micro = true;
    else if (k === '--samples') {
      a.samples = argv[++i];
      if (!a.samples) throw new Error('bench: --samples needs a file name');
    } else if (k === '--torch-malloc') {
      const v = argv[++i];
      if (v !== 'glibc' && v !== 'kensa') throw new Error(`bench: --torch-malloc is glibc or kensa, got ${v}`);
      a.torchMalloc = v;
    }
    else if (k === '--torch-blas') {
      const v = argv[++i];
      if (v !== 'same' && v !== 'installed') throw new Error(`bench: --torch-blas is same or installed, got ${v}`);
      a.torchBlas = v;
    }
    else throw new Error(`bench: unknown option ${k}`);
  }
  const known = new Set(casesOf(a).map((c) => c.model));
  for (const m of a.models ?? []) if (!known.has(m)) throw new Error(`bench: unknown model ${m} (${[...known].join(', ')})`);
  return a;
}

const casesOf = (a: Args): BenchCase[] => (a.micro ? MICRO_CASES : BENCH_CASES);

function timeKensa(step: () => number): { ms: number; cpuMs: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  step();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ms, cpuMs: (c.user + c.system) / 1000 };
}

/** One pair, in the order the block asks for. */
async function pair(step: () => number, torch: TorchPeer, torchFirst: boolean): Promise<TimedPair> {
  const c0 = process.cpuUsage();
  const t = torchFirst ? await torch.step() : undefined;
  const k = timeKensa(step);
  const c1 = process.cpuUsage();
  const t2 = t ?? (await torch.step());
  const c2 = process.cpuUsage();
  // kensa's process CPU while PyTorch's step ran (work it left behind: GC, frees, idle threads)
  const idle = torchFirst ? c1.user + c1.system - c0.user - c0.system - k.cpuMs * 1000 : c2.user + c2.system - c1.user - c1.system;
  return { kensa: k.ms, torch: t2.ms, kensaCpu: k.cpuMs, torchCpu: t2.cpuMs, kensaCpuBesideTorch: idle / 1000 };
}

const round = (v: number, digits: number): number => Number(v.toFixed(digits));

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  setNumThreads(args.threads);
  const runStart = performance.now();
  const heap = mallocPolicy();
  const blas = blasPolicy();
  // what the PyTorch process gets: kensa's heap policy as glibc tunables, kensa's OpenBLAS count
  const torchEnv: Record<string, string> = {};
  if (args.torchMalloc === 'kensa' && heap.tuned) torchEnv.GLIBC_TUNABLES = `glibc.malloc.mmap_threshold=${heap.mmapThreshold}:glibc.malloc.trim_threshold=${heap.trimThreshold}`;
  if (args.torchBlas === 'same' && blas.openblas) torchEnv.OPENBLAS_NUM_THREADS = String(blas.threads);
  const kensaBlasThreads = blas.openblas ? blas.threads : 'no OpenBLAS';
  const torchBlasThreads = torchEnv.OPENBLAS_NUM_THREADS ?? process.env.OPENBLAS_NUM_THREADS ?? 'as installed';
  if (args.torchMalloc === 'kensa' && !heap.tuned) throw new Error(`bench: --torch-malloc kensa needs kensa's heap policy, which is off (${heap.reason})`);
  const samples: { model: string; blocks: { torchFirst: boolean; pairs: TimedPair[] }[] }[] = [];
  if (!args.json) console.log(`heap: kensa ${heap.tuned ? 'heap policy' : `glibc defaults (${heap.reason})`}, PyTorch ${torchEnv.GLIBC_TUNABLES ? "kensa's heap policy (--torch-malloc kensa)" : 'glibc defaults (as installed)'}`);
  if (!args.json) console.log(`OpenBLAS threads: kensa ${kensaBlasThreads}, PyTorch ${torchBlasThreads}`);
  if (args.quick && !args.json) console.log('--quick: indicative only (few short blocks); run without --quick for figures with intervals that hold');
  for (const c of casesOf(args)) {
    if (args.models && !args.models.includes(c.model)) continue;
    const started = performance.now();
    const loadStart = loadavg()[0];
    const torch = await TorchPeer.start(c.model, args.threads, torchEnv);
    const { step, dispose } = c.setup();
    let pairMs = 0;
    for (let i = 0; i < args.warmup; i++) {
      const p = await pair(step, torch, i % 2 === 1);
      pairMs = p.kensa + p.torch;
      if (pairMs > SLOW_PAIR_MS) break; // one warm-up pair of a multi-second step is enough
    }
    if (pairMs === 0) {
      const p = await pair(step, torch, false); // not counted: sizes the blocks when --warmup 0
      pairMs = p.kensa + p.torch;
    }
    const perBlock = args.stepsPerBlock ??
      Math.min(MAX_STEPS_PER_BLOCK, Math.max(args.quick ? 1 : Math.ceil(MIN_PAIRS / args.blocks), Math.round((args.seconds * 1000) / (args.blocks * pairMs))));
    const blocks: TimedPair[][] = [];
    for (let b = 0; b < args.blocks; b++) {
      const block: TimedPair[] = [];
      for (let i = 0; i < perBlock; i++) block.push(await pair(step, torch, b % 2 === 1));
      blocks.push(block);
    }
    torch.close();
    dispose();
    const all = blocks.flat();
    const kensaMs = median(all.map((p) => p.kensa));
    const torchMs = median(all.map((p) => p.torch));
    const iv = ratioInterval(blocks);
    // CPU time of each step (all threads of each process): less moved by other load than wall time
    const cpu = ratioInterval(blocks.map((b) => b.map((p) => ({ kensa: p.kensaCpu, torch: p.torchCpu }))));
    // each kensa step against the PyTorch steps on both sides of it (odd blocks start with PyTorch)
    const nb = ratioInterval(blocks.map((b, i) => neighbourPairs(b, i % 2 === 1)));
    const cpuNb = ratioInterval(blocks.map((b, i) => neighbourPairs(b.map((p) => ({ kensa: p.kensaCpu, torch: p.torchCpu })), i % 2 === 1)));
    if (args.samples) samples.push({ model: c.model, blocks: blocks.map((pairs, i) => ({ torchFirst: i % 2 === 1, pairs })) });
    const row = {
      model: c.model,
      description: c.description,
      kensaMs: round(kensaMs, 2),
      torchMs: round(torchMs, 2),
      ratio: round(iv.ratio, 3),
      ratioLow: round(iv.low, 3),
      ratioHigh: round(iv.high, 3),
      interval: `${Math.round(iv.level * 100)} % two-stage bootstrap (blocks, then pairs) of the median paired ratio, ${iv.resamples} resamples, seed 1`,
      kensaCpuMs: round(median(all.map((p) => p.kensaCpu)), 2),
      torchCpuMs: round(median(all.map((p) => p.torchCpu)), 2),
      cpuRatio: round(cpu.ratio, 3),
      cpuRatioLow: round(cpu.low, 3),
      cpuRatioHigh: round(cpu.high, 3),
      neighbourRatio: round(nb.ratio, 3),
      neighbourRatioLow: round(nb.low, 3),
      neighbourRatioHigh: round(nb.high, 3),
      cpuNeighbourRatio: round(cpuNb.ratio, 3),
      cpuNeighbourRatioLow: round(cpuNb.low, 3),
      cpuNeighbourRatioHigh: round(cpuNb.high, 3),
      kensaMalloc: heap.tuned ? `kensa heap policy (mmap threshold ${heap.mmapThreshold >> 20} MiB, trim ${heap.trimThreshold >> 20} MiB)` : `glibc defaults (${heap.reason})`,
      torchMalloc: torchEnv.GLIBC_TUNABLES ? `kensa heap policy via ${torchEnv.GLIBC_TUNABLES}` : 'glibc defaults (PyTorch as installed)',
      kensaBlasThreads,
      torchBlasThreads,
      // OpenMP's wait policy moves both engines' steps several-fold on a loaded machine; the PyTorch process inherits it
      ompWaitPolicy: process.env.OMP_WAIT_POLICY ?? 'unset',
      gompSpincount: process.env.GOMP_SPINCOUNT ?? 'unset',
      ...(c.itemsPerStep
        ? { kensaItemsPerS: Math.round((c.itemsPerStep * 1000) / kensaMs), torchItemsPerS: Math.round((c.itemsPerStep * 1000) / torchMs) }
        : {}),
      blocks: args.blocks,
      stepsPerBlock: perBlock,
      steps: all.length,
      warmup: args.warmup,
      quick: args.quick,
      ...(args.quick ? { note: 'indicative only (--quick)' } : {}),
      seconds: round((performance.now() - started) / 1000, 1),
      load1: [round(loadStart, 2), round(loadavg()[0], 2)],
      threads: getNumThreads(),
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      libtorch: libtorchVersion(),
      torch: torch.version,
    };
    if (args.json) console.log(JSON.stringify(row));
    else {
      const ms = (v: number): string => v.toFixed(1).padStart(8);
      console.log(
        `${row.model.padEnd(4)} kensa ${ms(row.kensaMs)} ms   PyTorch ${ms(row.torchMs)} ms   ratio ${row.ratio.toFixed(2)} ` +
          `(95 % ${row.ratioLow.toFixed(2)}–${row.ratioHigh.toFixed(2)}; CPU time ${row.cpuRatio.toFixed(2)}; ${row.blocks} blocks × ${perBlock} steps` +
          `${args.quick ? ', indicative' : ''})   ${c.description}`,
      );
    }
  }
  if (args.samples) writeFileAtomicSync(args.samples, JSON.stringify({ threads: args.threads, torchMalloc: args.torchMalloc, torchBlas: args.torchBlas, models: samples }));
  if (!args.json) console.log(`${((performance.now() - runStart) / 1000).toFixed(0)} s in all`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
