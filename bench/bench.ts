// kensa vs PyTorch, side by side in one run: median ms per training step of each reference model
// after warm-up, same thread count, steps alternating between the two, and the ratio kensa/PyTorch.
//   npm run bench -- [--json] [--quick] [--threads N] [--models M1,M2]
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
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

/** A PyTorch process holding the same model, stepping on request (bench/torch_bench.py --serve). */
class TorchPeer {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterableIterator<string>;
  version = '';
  private constructor(model: string, threads: number) {
    const script = join(packageRoot(), 'bench', 'torch_bench.py');
    this.proc = spawn('/usr/bin/python3', [script, model, '--serve', '--threads', String(threads)]);
    let stderr = '';
    this.proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    this.proc.on('exit', (code) => {
      if (code) process.stderr.write(`PyTorch reference for ${model} exited with ${code}: ${stderr}\n`);
    });
    this.lines = createInterface({ input: this.proc.stdout })[Symbol.asyncIterator]();
  }
  static async start(model: string, threads: number): Promise<TorchPeer> {
    const p = new TorchPeer(model, threads);
    const ready = JSON.parse(await p.next()) as { torch: string };
    p.version = ready.torch;
    return p;
  }
  private async next(): Promise<string> {
    const r = await this.lines.next();
    if (r.done) throw new Error('PyTorch reference process ended early (is python3-torch installed for /usr/bin/python3?)');
    return r.value;
  }
  async step(): Promise<number> {
    this.proc.stdin.write('step\n');
    return (JSON.parse(await this.next()) as { ms: number }).ms;
  }
  close(): void {
    this.proc.stdin.end();
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  setNumThreads(args.threads);
  const steps = args.quick ? 3 : 10;
  const warmup = args.quick ? 1 : 3;
  for (const c of BENCH_CASES) {
    if (args.models && !args.models.includes(c.model)) continue;
    const torch = await TorchPeer.start(c.model, args.threads);
    const { step, dispose } = c.setup();
    const kensaSamples: number[] = [];
    const torchSamples: number[] = [];
    // alternate single steps so both engines see the same machine load
    for (let i = 0; i < warmup + steps; i++) {
      const t0 = performance.now();
      step();
      const k = performance.now() - t0;
      const t = await torch.step();
      if (i >= warmup) {
        kensaSamples.push(k);
        torchSamples.push(t);
      }
    }
    torch.close();
    dispose();
    const kensaMs = median(kensaSamples);
    const torchMs = median(torchSamples);
    const row = {
      model: c.model,
      description: c.description,
      kensaMs: Number(kensaMs.toFixed(2)),
      torchMs: Number(torchMs.toFixed(2)),
      ratio: Number((kensaMs / torchMs).toFixed(3)),
      ...(c.itemsPerStep
        ? { kensaItemsPerS: Math.round((c.itemsPerStep * 1000) / kensaMs), torchItemsPerS: Math.round((c.itemsPerStep * 1000) / torchMs) }
        : {}),
      steps,
      warmup,
      threads: getNumThreads(),
      libtorch: libtorchVersion(),
      torch: torch.version,
    };
    if (args.json) console.log(JSON.stringify(row));
    else console.log(`${row.model.padEnd(4)} kensa ${row.kensaMs.toFixed(1).padStart(8)} ms   PyTorch ${row.torchMs.toFixed(1).padStart(8)} ms   ratio ${row.ratio.toFixed(2)}   ${c.description}`);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
