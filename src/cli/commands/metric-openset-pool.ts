// Runs openset-eval folds on N worker processes (metric-openset-worker.ts), each fold sent to the
// next free worker; results come back in fold order whatever the order they finish in.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FoldSpec, ProtocolFoldResult } from '../../methods/metric-learning/openset-protocol.js';
import type { FoldKeep, FoldRunOptions } from './metric-openset-folds.js';
import type { FromWorker, ToWorker } from './metric-openset-worker.js';

const WORKER = fileURLToPath(new URL('./metric-openset-worker.js', import.meta.url));

export interface PoolJob {
  spec: FoldSpec;
  keep: FoldKeep;
}

export interface PoolOptions {
  workers: number;
  options: FoldRunOptions;
  blocks: number[];
  seeds: number[];
  checkpointRoot?: string;
  resume: boolean;
  log(line: string): void;
  /** Called as each fold finishes (in finishing order). */
  onResult?(index: number, result: ProtocolFoldResult): void;
}

export async function runFoldsInWorkers(jobs: readonly PoolJob[], o: PoolOptions): Promise<ProtocolFoldResult[]> {
  const results: ProtocolFoldResult[] = new Array(jobs.length);
  let next = 0;
  const children: ChildProcess[] = [];
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const child = fork(WORKER, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: process.execArgv });
      children.push(child);
      let failed = false;
      const fail = (message: string): void => {
        if (failed) return;
        failed = true;
        reject(new Error(message));
      };
      const send = (m: ToWorker): void => void child.send(m);
      const feed = (): void => {
        if (next >= jobs.length) return send({ kind: 'exit' });
        const index = next++;
        send({ kind: 'fold', index, spec: jobs[index].spec, keep: jobs[index].keep });
      };
      child.on('message', (m: FromWorker) => {
        if (m.kind === 'ready') feed();
        else if (m.kind === 'log') o.log(m.line);
        else if (m.kind === 'result') {
          results[m.index] = m.result;
          o.onResult?.(m.index, m.result);
          feed();
        } else fail(m.message);
      });
      child.on('error', (e) => fail(`openset-eval worker: ${e.message}`));
      child.on('exit', (code, signal) => (code === 0 ? resolve() : fail(`openset-eval worker exited (${signal ?? `code ${code}`})`)));
      send({ kind: 'init', options: o.options, blocks: o.blocks, seeds: o.seeds, checkpointRoot: o.checkpointRoot, resume: o.resume });
    });
  try {
    await Promise.all(Array.from({ length: Math.min(o.workers, jobs.length) }, one));
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill();
  }
  return results;
}
