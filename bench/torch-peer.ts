// The PyTorch side of a benchmark run: a process holding the same model (bench/torch_bench.py
// --serve) that runs one timed step per request, so kensa and PyTorch steps can alternate.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { packageRoot } from '../src/util/data-root.js';

/** One step with its phases timed: wall and CPU ms, kernel (system) CPU ms, minor page faults. */
export interface PhasedStep {
  ms: number;
  cpuMs: number;
  phaseMs: Record<string, number>;
  sysMs: number;
  minorFaults: number;
}

/** A PyTorch process holding the same model, stepping on request (bench/torch_bench.py --serve). */
export class TorchPeer {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterableIterator<string>;
  version = '';
  private constructor(model: string, threads: number, env?: Record<string, string>) {
    const script = join(packageRoot(), 'bench', 'torch_bench.py');
    this.proc = spawn('/usr/bin/python3', [script, model, '--serve', '--threads', String(threads)], { env: { ...process.env, ...env } });
    let stderr = '';
    this.proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    this.proc.on('exit', (code) => {
      if (code) process.stderr.write(`PyTorch reference for ${model} exited with ${code}: ${stderr}\n`);
    });
    this.lines = createInterface({ input: this.proc.stdout })[Symbol.asyncIterator]();
  }
  /** `env` adds to this process's environment for the PyTorch process (e.g. GLIBC_TUNABLES). */
  static async start(model: string, threads: number, env?: Record<string, string>): Promise<TorchPeer> {
    const p = new TorchPeer(model, threads, env);
    const ready = JSON.parse(await p.next()) as { torch: string };
    p.version = ready.torch;
    return p;
  }
  private async next(): Promise<string> {
    const r = await this.lines.next();
    if (r.done) throw new Error('PyTorch reference process ended early (is python3-torch installed for /usr/bin/python3?)');
    return r.value;
  }
  /** One timed step: wall and process CPU time (all threads), ms. */
  async step(): Promise<{ ms: number; cpuMs: number }> {
    this.proc.stdin.write('step\n');
    return JSON.parse(await this.next()) as { ms: number; cpuMs: number };
  }
  /** One step with each phase timed (zeroGrad, forward, backward, item, optimizer), ms. */
  async phases(): Promise<PhasedStep> {
    this.proc.stdin.write('phases\n');
    return JSON.parse(await this.next()) as PhasedStep;
  }
  close(): void {
    this.proc.stdin.end();
  }
}
