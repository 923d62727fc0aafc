// Worker process for the views' computations (spawned by ../jobs.ts, one per request): reads
// {"kind", "run", ...} as JSON on stdin, writes the answer as JSON on stdout, or a one-line error
// on stderr with exit code 1. libtorch runs on one thread so the server's machine stays responsive.
import { setNumThreads } from '../../engine/index.js';
import { explainFlips } from './explain-view.js';
import { metricOverview, metricTileCam } from './metric-view.js';

export interface ViewJob {
  kind: 'metric-overview' | 'metric-cam' | 'explain-flips';
  /** Absolute run folder (already confined by the server). */
  run: string;
  /** metric-cam: tile number. */
  tile?: number;
}

async function compute(job: ViewJob): Promise<unknown> {
  if (job.kind === 'metric-overview') return metricOverview(job.run);
  if (job.kind === 'metric-cam') return metricTileCam(job.run, Number(job.tile));
  if (job.kind === 'explain-flips') return explainFlips(job.run);
  throw new Error(`unknown job kind ${String((job as { kind: unknown }).kind)}`);
}

async function main(): Promise<void> {
  setNumThreads(Number(process.env.KENSA_THREADS ?? 1));
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  const out = await compute(JSON.parse(text) as ViewJob);
  process.stdout.write(JSON.stringify(out));
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message.split('\n')[0]}\n`);
  process.exitCode = 1;
});
