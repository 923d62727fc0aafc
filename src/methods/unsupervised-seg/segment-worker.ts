// Entry of one folder worker thread (started by segment-workers.ts): sets its own libtorch thread
// count, then segments the images it is sent, one at a time, and reports ticks and outcomes.
import { parentPort, workerData } from 'node:worker_threads';
import { setNumThreads } from '../../engine/index.js';
import type { UnsupSegNet } from '../../models/unsup-seg-net.js';
import { loadReferenceNet } from './reference-mode.js';
import { segmentImage, type ImageJob } from './segment-image.js';
import type { WorkerData, WorkerReply } from './segment-workers.js';

const data = workerData as WorkerData;
const port = parentPort!;
setNumThreads(data.threads);
const lock = new Int32Array(data.seedLock);
/** A spin-free lock over the shared word: 0 free, 1 held. */
function seedLock(): () => void {
  while (Atomics.compareExchange(lock, 0, 0, 1) !== 0) Atomics.wait(lock, 0, 1);
  return () => {
    Atomics.store(lock, 0, 0);
    Atomics.notify(lock, 0, 1);
  };
}
let net: UnsupSegNet | undefined;
const post = (m: WorkerReply): void => port.postMessage(m);

port.on('message', (job: ImageJob | 'close') => {
  if (job === 'close') {
    net?.dispose();
    port.close();
    return;
  }
  void (async () => {
    try {
      if (data.settings.method === 'reference-apply' && !net) net = loadReferenceNet(data.settings.weights!, data.device);
      const outcome = await segmentImage(job, data.settings, data.dirs, {
        device: data.device, liveEvery: data.liveEvery, previewLimit: data.previewLimit, net, seedLock,
        onIteration: (s) => post({ kind: 'tick', index: job.index, stats: s }),
      });
      post({ kind: 'done', index: job.index, outcome });
    } catch (e) {
      post({ kind: 'failed', index: job.index, message: (e instanceof Error ? e.message : String(e)).split('\n')[0] });
    }
  })();
});
