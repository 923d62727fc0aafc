// Per-op profile of one benchmark model's training step, kensa beside PyTorch: step phases (zero
// grad, forward, backward, loss value, optimizer) timed without instrumentation in alternating
// kensa/PyTorch steps, then kensa's calls into its addon (bench/op-profile.ts) and PyTorch's
// autograd profiler (bench/torch_bench.py --profile) on the same step.
//   node dist/bench/profile.js [--model M1] [--pairs N] [--steps N] [--warmup W] [--threads T] [--json]
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { setNumThreads, getNumThreads } from '../src/engine/index.js';
import { packageRoot } from '../src/util/data-root.js';
import { BENCH_CASES, type BenchCase } from './models.js';
import { profileNative, type OpStat } from './op-profile.js';
import { median } from './stats.js';
import { TorchPeer } from './torch-peer.js';

interface Args {
  model: string;
  /** Alternating pairs for the phase times. @default 10 */ pairs: number;
  /** Steps under each engine's call profiler. @default 5 */ steps: number;
  /** @default 3 */ warmup: number;
  threads: number;
  json: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { model: 'M1', pairs: 10, steps: 5, warmup: 3, threads: cpus().length, json: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const num = (min: number): number => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < min) throw new Error(`profile: ${k} needs an integer ≥ ${min}, got ${argv[i]}`);
      return v;
    };
    if (k === '--model') a.model = argv[++i];
    else if (k === '--pairs') a.pairs = num(1);
    else if (k === '--steps') a.steps = num(1);
    else if (k === '--warmup') a.warmup = num(0);
    else if (k === '--threads') a.threads = num(1);
    else if (k === '--json') a.json = true;
    else throw new Error(`profile: unknown option ${k}`);
  }
  return a;
}

interface TorchOp {
  phase: string;
  name: string;
  calls: number;
  ms: number;
  bytes: number;
}
interface TorchProfile {
  torch: string;
  phaseMs: Record<string, number>;
  ops: TorchOp[];
  selfTimes: { name: string; calls: number; selfMs: number }[];
}

const PHASES = ['zeroGrad', 'forward', 'backward', 'item', 'optimizer'];

function torchProfile(a: Args): TorchProfile {
  const script = join(packageRoot(), 'bench', 'torch_bench.py');
  const args = [script, a.model, '--profile', '--steps', String(a.steps), '--warmup', String(a.warmup), '--threads', String(a.threads)];
  const r = spawnSync('/usr/bin/python3', args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`PyTorch profile failed: ${r.stderr || r.error?.message}`);
  return JSON.parse(r.stdout) as TorchProfile;
}

interface PhaseTimes {
  kensa: Record<string, number>;
  torch: Record<string, number>;
  kensaStep: number;
  torchStep: number;
}

/** Median phase times of alternating, uninstrumented kensa and PyTorch steps. */
async function phaseTimes(a: Args, step: () => number): Promise<PhaseTimes> {
  const torch = await TorchPeer.start(a.model, a.threads);
  for (let i = 0; i < a.warmup; i++) await torch.step();
  const k: Record<string, number[]> = {};
  const t: Record<string, number[]> = {};
  const ks: number[] = [];
  const ts: number[] = [];
  for (let i = 0; i < a.pairs; i++) {
    const p = profileNative(() => void step(), { calls: false });
    ks.push(p.totalMs);
    for (const ph of PHASES) (k[ph] ??= []).push(p.phaseMs[ph] ?? 0);
    const r = await torch.phases();
    ts.push(r.ms);
    for (const ph of PHASES) (t[ph] ??= []).push(r.phaseMs[ph] ?? 0);
  }
  torch.close();
  const med = (m: Record<string, number[]>): Record<string, number> => Object.fromEntries(PHASES.map((ph) => [ph, median(m[ph])]));
  return { kensa: med(k), torch: med(t), kensaStep: median(ks), torchStep: median(ts) };
}

function kensaCalls(a: Args, step: () => number): { ops: OpStat[]; handles: number; totalMs: number } {
  const p = profileNative(() => {
    for (let i = 0; i < a.steps; i++) step();
  });
  const per = (v: number): number => v / a.steps;
  return { ops: p.stats.map((s) => ({ ...s, calls: per(s.calls), ms: per(s.ms) })), handles: per(p.handlesCreated), totalMs: per(p.totalMs) };
}

const f1 = (v: number | undefined): string => (v === undefined ? '–' : v.toFixed(v < 1 ? 3 : 1));
const sum = <T>(xs: T[], f: (x: T) => number): number => xs.reduce((n, x) => n + f(x), 0);

function markdown(a: Args, c: BenchCase, ph: PhaseTimes, k: ReturnType<typeof kensaCalls>, t: TorchProfile, load: number[]): string {
  const out: string[] = [];
  out.push(
    `Model ${a.model} (${c.description}); ${getNumThreads()} threads, PyTorch ${t.torch}, load average ${load.map((l) => l.toFixed(2)).join(' → ')}.`,
    '',
    `Phase times: median of ${a.pairs} alternating kensa/PyTorch steps after ${a.warmup} warm-ups, no instrumentation (ms).`,
    '',
    '| phase | kensa | PyTorch | kensa / PyTorch |',
    '|---|---|---|---|',
  );
  for (const p of PHASES) out.push(`| ${p} | ${f1(ph.kensa[p])} | ${f1(ph.torch[p])} | ${ph.torch[p] > 0 ? (ph.kensa[p] / ph.torch[p]).toFixed(2) : '–'} |`);
  out.push(`| whole step | ${f1(ph.kensaStep)} | ${f1(ph.torchStep)} | ${(ph.kensaStep / ph.torchStep).toFixed(2)} |`, '');
  const addonMs = sum(k.ops, (o) => o.ms);
  const calls = sum(k.ops, (o) => o.calls);
  out.push(
    `Calls: mean per step over ${a.steps} instrumented steps. kensa: ${f1(k.totalMs)} ms per instrumented step, ${f1(addonMs)} ms inside ` +
      `the addon (${f1(calls)} calls), ${f1(k.totalMs - addonMs)} ms in TypeScript around them (instrumentation included); ` +
      `${f1(k.handles)} tensor handles (JS Tensor wrappers) created. PyTorch: the operators called directly in each phase, inclusive ` +
      'CPU time under the autograd profiler (which adds its own cost per op), net bytes allocated.',
    '',
  );
  for (const p of PHASES) {
    const ko = k.ops.filter((o) => o.phase === p);
    const to = t.ops.filter((o) => o.phase === p);
    if (ko.length === 0 && to.length === 0) continue;
    out.push(
      `### ${p}: kensa ${f1(sum(ko, (o) => o.calls))} addon calls, PyTorch ${f1(sum(to, (o) => o.calls))} top-level ops`,
      '',
      '| kensa addon call | calls | ms | | PyTorch op | calls | ms | net bytes |',
      '|---|---|---|---|---|---|---|---|',
    );
    for (let i = 0; i < Math.max(ko.length, to.length); i++) {
      const x = ko[i];
      const y = to[i];
      const left = x ? `${x.name} | ${f1(x.calls)} | ${f1(x.ms)}` : ' | | ';
      const right = y ? `${y.name} | ${f1(y.calls)} | ${f1(y.ms)} | ${Math.round(y.bytes)}` : ' | | | ';
      out.push(`| ${left} | | ${right} |`);
    }
    out.push('');
  }
  out.push('### PyTorch self time per operator, all phases (top 25)', '', '| op | calls | self ms |', '|---|---|---|');
  for (const s of t.selfTimes.slice(0, 25)) out.push(`| ${s.name} | ${f1(s.calls)} | ${f1(s.selfMs)} |`);
  return out.join('\n');
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  setNumThreads(a.threads);
  const c = BENCH_CASES.find((b) => b.model === a.model);
  if (c === undefined) throw new Error(`profile: unknown model ${a.model} (${BENCH_CASES.map((b) => b.model).join(', ')})`);
  const load = [loadavg()[0]];
  const { step, dispose } = c.setup();
  for (let i = 0; i < a.warmup; i++) step();
  const ph = await phaseTimes(a, step);
  const k = kensaCalls(a, step);
  dispose();
  const t = torchProfile(a);
  load.push(loadavg()[0]);
  if (a.json) console.log(JSON.stringify({ model: a.model, threads: getNumThreads(), load, phases: ph, kensa: k, torch: t }));
  else console.log(markdown(a, c, ph, k, t, load));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
