// Several images of a folder at once, each worker thread with its own libtorch thread count
// (kensa segment DIR --workers N). The only state libtorch shares between threads that the result
// depends on is the seeded global generator: workers draw their initial weights one at a time
// under a shared lock, and the iterations draw nothing, so each image's labels equal those of a
// one-at-a-time run with the same seed and thread count.
import { Worker } from 'node:worker_threads';
import type { IterationStats } from './feature-clustering.js';
import type { ImageJob, ImageOutcome, SegmentImageSettings, SegmentOutputDirs } from './segment-image.js';

/** What each worker starts with. */
export interface WorkerData {
  settings: SegmentImageSettings;
  dirs: SegmentOutputDirs;
  device: string;
  /** libtorch intra-op threads of this worker. */
  threads: number;
  liveEvery: number;
  previewLimit: number;
  /** One Int32 word: the lock around seeding and weight initialisation. */
  seedLock: SharedArrayBuffer;
}

/** Messages from a worker. */
export type WorkerReply =
  | { kind: 'tick'; index: number; stats: IterationStats }
  | { kind: 'done'; index: number; outcome: ImageOutcome }
  | { kind: 'failed'; index: number; message: string };

/** Options of {@link segmentInWorkers}. */
export interface WorkerPoolOptions {
  /** Worker threads (at most one per image). */
  workers: number;
  /** libtorch intra-op threads per worker. */
  threads: number;
  device: string;
  /** @default 0 */
  liveEvery?: number;
  /** @default Infinity */
  previewLimit?: number;
  /** An image was sent to a worker. */
  onStart?: (job: ImageJob) => void;
  onIteration?: (job: ImageJob, stats: IterationStats) => void;
  /** An image is done and its outputs are written. */
  onDone?: (job: ImageJob, outcome: ImageOutcome) => void;
}

/**
 * Segments `jobs` in worker threads, in order of `jobs` as workers free up. On the first failure
 * no further image is started; the ones running finish (their outputs are kept), then this
 * rejects with that image's one-line error (which names the file).
 */
export async function segmentInWorkers(jobs: readonly ImageJob[], settings: SegmentImageSettings, dirs: SegmentOutputDirs, o: WorkerPoolOptions): Promise<ImageOutcome[]> {
  const data: WorkerData = {
    settings, dirs, device: o.device, threads: o.threads, liveEvery: o.liveEvery ?? 0,
    previewLimit: o.previewLimit ?? Infinity, seedLock: new SharedArrayBuffer(4),
  };
  const outcomes: ImageOutcome[] = new Array(jobs.length);
  const n = Math.max(1, Math.min(o.workers, jobs.length));
  let next = 0;
  let failure: string | undefined;
  const url = new URL('./segment-worker.js', import.meta.url);
  const runWorker = (): Promise<void> => new Promise((resolveWorker, rejectWorker) => {
    const worker = new Worker(url, { workerData: data });
    const byIndex = new Map<number, { job: ImageJob; slot: number }>();
    const feed = (): void => {
      if (failure !== undefined || next >= jobs.length) {
        worker.postMessage('close');
        return;
      }
      const slot = next++;
      const job = jobs[slot];
      byIndex.set(job.index, { job, slot });
      o.onStart?.(job);
      worker.postMessage(job);
    };
    worker.on('message', (m: WorkerReply) => {
      const entry = byIndex.get(m.index);
      if (!entry) return;
      if (m.kind === 'tick') {
        o.onIteration?.(entry.job, m.stats);
        return;
      }
      byIndex.delete(m.index);
      if (m.kind === 'done') {
        outcomes[entry.slot] = m.outcome;
        o.onDone?.(entry.job, m.outcome);
      } else {
        failure ??= m.message.includes(entry.job.image) ? m.message : `${entry.job.image}: ${m.message}`;
      }
      feed();
    });
    worker.once('error', (e) => {
      failure ??= `segment worker: ${e.message.split('\n')[0]}`;
      rejectWorker(e);
    });
    worker.once('exit', () => resolveWorker());
    feed();
  });
  const settled = await Promise.allSettled(Array.from({ length: n }, runWorker));
  if (failure !== undefined) throw new Error(failure);
  const crashed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (crashed) throw crashed.reason instanceof Error ? crashed.reason : new Error(String(crashed.reason));
  return outcomes;
}
