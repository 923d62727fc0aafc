// kensa vs PyTorch, side by side in one run: median ms per training step of each reference model
// after warm-up, same thread count, and the ratio kensa/PyTorch.
//   npm run bench -- [--json] [--quick] [--threads N] [--models M1,M2]
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { cpus } from 'node:os';
import { setNumThreads, getNumThreads, libtorchVersion } from '../src/engine/index.js';
import { packageRoot } from '../src/util/data-root.js';
import { BENCH_CASES } from './models.js';

interface Args {
  json: boolean;
  quick: boolean;
  threads: number;
  models?: string[];
}

function parseArgs(argv: string[]): Args {
  const a: Args = { json: false, quick: false, threads: cpus().length };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === '--json') a.json = true;
    else if (k === '--quick') a.quick = true;
    else if (k === '--threads') a.threads = Number(argv[++i]);
    else if (k === '--models') a.models = argv[++i].split(',');
    else throw new Error(`bench: unknown option ${k}`);
  }
  if (!(a.threads >= 1)) throw new Error('bench: --threads must be a positive integer');
  return a;
}

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function torchMs(model: string, steps: number, warmup: number, threads: number): { ms: number; version: string } {
  const script = join(packageRoot(), 'bench', 'torch_bench.py');
  const r = spawnSync('/usr/bin/python3', [script, model, '--steps', String(steps), '--warmup', String(warmup), '--threads', String(threads)], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`PyTorch reference failed for ${model}: ${r.stderr || r.error}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { torchMs: number; torch: string };
  return { ms: out.torchMs, version: out.torch };
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  setNumThreads(args.threads);
  const steps = args.quick ? 3 : 10;
  const warmup = args.quick ? 1 : 3;
  const rows = [];
  for (const c of BENCH_CASES) {
    if (args.models && !args.models.includes(c.model)) continue;
    const { step, dispose } = c.setup();
    for (let i = 0; i < warmup; i++) step();
    const samples: number[] = [];
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      step();
      samples.push(performance.now() - t0);
    }
    dispose();
    const kensaMs = median(samples);
    const torch = torchMs(c.model, steps, warmup, args.threads);
    const row = {
      model: c.model,
      description: c.description,
      kensaMs: Number(kensaMs.toFixed(2)),
      torchMs: Number(torch.ms.toFixed(2)),
      ratio: Number((kensaMs / torch.ms).toFixed(3)),
      steps,
      warmup,
      threads: getNumThreads(),
      libtorch: libtorchVersion(),
      torch: torch.version,
    };
    rows.push(row);
    if (args.json) console.log(JSON.stringify(row));
    else console.log(`${row.model.padEnd(4)} kensa ${row.kensaMs.toFixed(1).padStart(8)} ms   PyTorch ${row.torchMs.toFixed(1).padStart(8)} ms   ratio ${row.ratio.toFixed(2)}   ${c.description}`);
  }
}

main();
