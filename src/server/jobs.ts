// The views' computations as worker processes (views/view-worker.js): the server stays free while
// a model loads and runs; jobs queue up to `concurrency` at a time, answers are cached per run and
// job until the run folder changes, and closing the server kills what is still running. A job is
// shared by every request that asks for it while it runs; when all of them have gone (the page
// was closed, the user asked for another tile) it leaves the queue, or its worker is killed.
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

/** The answer to a job nobody waits for any more (nginx's "client closed request"). */
export const CANCELLED_STATUS = 499;

interface Entry {
  stamp: number;
  value: Promise<unknown>;
  settled: boolean;
  /** Requests waiting for the answer; at 0 before it settles, the job is abandoned. */
  interest: number;
  abandon: AbortController;
}

export class JobRunner {
  private readonly workerPath: string;
  private readonly concurrency: number;
  private readonly timeoutMs: number;
  private readonly cache = new Map<string, Entry>();
  private readonly children = new Set<ChildProcess>();
  private readonly waiting: (() => void)[] = [];
  private active = 0;
  private closed = false;

  constructor(o: JobRunnerOptions = {}) {
    this.workerPath = o.workerPath ?? new URL('./views/view-worker.js', import.meta.url).pathname;
    this.concurrency = o.concurrency ?? 1;
    this.timeoutMs = o.timeoutMs ?? 600_000;
  }

  /**
   * The job's answer, from the cache when the run folder's config and model are unchanged. When
   * `signal` aborts, this request stops waiting (rejected with status 499); the job itself stops
   * only when no other request waits for it.
   */
  run(job: ViewJob, signal?: AbortSignal): Promise<unknown> {
    const key = JSON.stringify(job);
    const stamp = folderStamp(job.run);
    let entry = this.cache.get(key);
    if (!entry || entry.stamp !== stamp) {
      const abandon = new AbortController();
      const value = this.spawnJob(job, abandon.signal);
      const e: Entry = { stamp, value, settled: false, interest: 0, abandon };
      value.then(() => (e.settled = true), () => {
        e.settled = true;
        if (this.cache.get(key) === e) this.cache.delete(key);
      });
      this.cache.set(key, e);
      entry = e;
    }
    if (entry.settled || !signal) {
      if (!entry.settled) entry.interest++; // a caller that cannot leave keeps the job alive
      return entry.value;
    }
    if (signal.aborted) return Promise.reject(cancelled(job));
    const e = entry;
    e.interest++;
    return new Promise((ok, fail) => {
      const leave = (): void => {
        e.interest--;
        if (e.interest === 0 && !e.settled) e.abandon.abort();
        fail(cancelled(job));
      };
      signal.addEventListener('abort', leave, { once: true });
      e.value.then(ok, fail).finally(() => signal.removeEventListener('abort', leave));
    });
  }

  /** Worker processes running now (for tests and the server's status). */
  get running(): number {
    return this.children.size;
  }

  private async spawnJob(job: ViewJob, abandoned: AbortSignal): Promise<unknown> {
    if (this.active >= this.concurrency) {
      await new Promise<void>((ok) => {
        const wake = (): void => {
          abandoned.removeEventListener('abort', leaveQueue);
          ok();
        };
        // abandoned while queued: give up the place (the next wake-up goes to the job behind)
        const leaveQueue = (): void => {
          const i = this.waiting.indexOf(wake);
          if (i >= 0) this.waiting.splice(i, 1);
          ok();
        };
        abandoned.addEventListener('abort', leaveQueue, { once: true });
        this.waiting.push(wake);
      });
    }
    if (this.closed) throw new HttpError(503, 'server is closing');
    if (abandoned.aborted) throw cancelled(job);
    this.active++;
    try {
      return await new Promise((ok, fail) => {
        const child = spawn(process.execPath, [this.workerPath], { stdio: ['pipe', 'pipe', 'pipe'] });
        this.children.add(child);
        let out = '';
        let err = '';
        const timer = setTimeout(() => child.kill('SIGTERM'), this.timeoutMs);
        const stop = (): boolean => child.kill('SIGTERM');
        abandoned.addEventListener('abort', stop, { once: true });
        child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
        child.stdin!.on('error', () => undefined); // a worker killed before it read its job
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          abandoned.removeEventListener('abort', stop);
          this.children.delete(child);
          if (code === 0) {
            try {
              ok(JSON.parse(out));
            } catch {
              fail(new HttpError(500, 'the worker answered no JSON'));
            }
          } else if (abandoned.aborted) fail(cancelled(job));
          else if (signal) fail(new HttpError(this.closed ? 503 : 504, `the ${job.kind} worker was stopped (${signal})`));
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

const cancelled = (job: ViewJob): HttpError => new HttpError(CANCELLED_STATUS, `the ${job.kind} job was cancelled: no request waits for it`);

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
