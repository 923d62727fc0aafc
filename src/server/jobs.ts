// The views' computations as worker processes (views/view-worker.js): the server stays free while
// a model loads and runs; jobs queue up to `concurrency` at a time, answers are cached per run and
// job until the run folder changes, and closing the server kills what is still running.
import { spawn, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { HttpError } from './security.js';
import type { ViewJob } from './views/view-worker.js';

export interface JobRunnerOptions {
  /** The worker script. @default views/view-worker.js beside this file */
  workerPath?: string;
  /** Jobs at once. @default 1 */
  concurrency?: number;
  /** A job running longer is killed (answered 504). @default 600000 */
  timeoutMs?: number;
}

export class JobRunner {
  private readonly workerPath: string;
  private readonly concurrency: number;
  private readonly timeoutMs: number;
  private readonly cache = new Map<string, { stamp: number; value: Promise<unknown> }>();
  private readonly children = new Set<ChildProcess>();
  private readonly waiting: (() => void)[] = [];
  private active = 0;
  private closed = false;

  constructor(o: JobRunnerOptions = {}) {
    this.workerPath = o.workerPath ?? new URL('./views/view-worker.js', import.meta.url).pathname;
    this.concurrency = o.concurrency ?? 1;
    this.timeoutMs = o.timeoutMs ?? 600_000;
  }

  /** The job's answer, from the cache when the run folder's config and model are unchanged. */
  run(job: ViewJob): Promise<unknown> {
    const key = JSON.stringify(job);
    const stamp = folderStamp(job.run);
    const hit = this.cache.get(key);
    if (hit && hit.stamp === stamp) return hit.value;
    const value = this.spawnJob(job);
    this.cache.set(key, { stamp, value });
    value.catch(() => this.cache.delete(key));
    return value;
  }

  private async spawnJob(job: ViewJob): Promise<unknown> {
    if (this.active >= this.concurrency) await new Promise<void>((ok) => this.waiting.push(ok));
    if (this.closed) throw new HttpError(503, 'server is closing');
    this.active++;
    try {
      return await new Promise((ok, fail) => {
        const child = spawn(process.execPath, [this.workerPath], { stdio: ['pipe', 'pipe', 'pipe'] });
        this.children.add(child);
        let out = '';
        let err = '';
        const timer = setTimeout(() => child.kill('SIGTERM'), this.timeoutMs);
        child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          this.children.delete(child);
          if (code === 0) {
            try {
              ok(JSON.parse(out));
            } catch {
              fail(new HttpError(500, 'the worker answered no JSON'));
            }
          } else if (signal) fail(new HttpError(this.closed ? 503 : 504, `the ${job.kind} worker was stopped (${signal})`));
          else fail(new HttpError(422, err.trim().split('\n').at(-1) || `the ${job.kind} worker failed`));
        });
        child.stdin!.end(JSON.stringify(job));
      });
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  stopAll(): void {
    this.closed = true;
    for (const c of this.children) c.kill('SIGTERM');
    for (const w of this.waiting.splice(0)) w();
  }
}

/** Changes when the run folder's config.json, model.json or metrics.json changes. */
function folderStamp(dir: string): number {
  let s = 0;
  for (const f of ['config.json', 'model.json', 'metrics.json']) {
    try {
      s += statSync(join(dir, f)).mtimeMs;
    } catch {
      // absent
    }
  }
  return s;
}
