// Worker process of `kensa metric openset-eval --workers N`: prepares the same data as the command,
// then trains and judges the folds it is sent, one at a time, on one libtorch thread. A process,
// not a worker thread: libtorch's random generator is process-wide, so folds seeding it in parallel
// threads would draw from one stream in a racy order; separate processes keep each fold's draws
// exactly those of the sequential run.
import { setNumThreads } from '../../engine/index.js';
import { prepareOpenset, runFold, type FoldKeep, type FoldRunOptions, type OpensetData } from './metric-openset-folds.js';
import type { FoldSpec, ProtocolFoldResult } from '../../methods/metric-learning/openset-protocol.js';

/** Messages to a worker. */
export type ToWorker =
  | { kind: 'init'; options: FoldRunOptions; blocks: number[]; seeds: number[]; checkpointRoot?: string; resume: boolean }
  | { kind: 'fold'; index: number; spec: FoldSpec; keep: FoldKeep }
  | { kind: 'exit' };

/** Messages from a worker. */
export type FromWorker = { kind: 'ready' } | { kind: 'log'; line: string } | { kind: 'result'; index: number; result: ProtocolFoldResult } | { kind: 'error'; message: string };

if (process.send) {
  const send = (m: FromWorker): void => void process.send!(m);
  let data: OpensetData | undefined;
  let init: Extract<ToWorker, { kind: 'init' }> | undefined;
  // folds arrive one at a time; a chain keeps them in order even if a message comes early
  let chain = Promise.resolve();
  process.on('message', (m: ToWorker) => {
    chain = chain.then(async () => {
      try {
        if (m.kind === 'init') {
          setNumThreads(1);
          init = m;
          data = await prepareOpenset(m.options, m.blocks, m.seeds);
          send({ kind: 'ready' });
        } else if (m.kind === 'fold') {
          const result = await runFold(data!, m.spec, init!.options, m.keep, { checkpointRoot: init!.checkpointRoot, resume: init!.resume }, (line) => send({ kind: 'log', line }));
          send({ kind: 'result', index: m.index, result });
        } else {
          process.disconnect();
        }
      } catch (e) {
        send({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
      }
    });
  });
}
