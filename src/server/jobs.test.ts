// The view job queue with a stand-in worker (a script that records its start and answers after a
// delay): a job nobody waits for leaves the queue or has its worker killed, a job another request
// still waits for runs on, and an abandoned job is not cached as a failure.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobRunner, CANCELLED_STATUS } from './jobs.js';
import type { ViewJob } from './views/view-worker.js';

let dir = '';
let worker = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kensa-jobs-'));
  worker = join(dir, 'worker.mjs');
  writeFileSync(worker, `import { writeFileSync } from 'node:fs';
let s = '';
process.stdin.on('data', (d) => (s += d)).on('end', () => {
  const j = JSON.parse(s);
  writeFileSync(j.run + '/started-' + j.tile, String(process.pid));
  setTimeout(() => process.stdout.write(JSON.stringify({ tile: j.tile })), j.tile >= 100 ? 30000 : 300);
});
`);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A job for the stand-in: tile ≥ 100 runs 30 s, others 0.3 s. */
const job = (tile: number): ViewJob => ({ kind: 'metric-cam', run: dir, tile }) as ViewJob;
const started = (tile: number): number | undefined => (existsSync(join(dir, `started-${tile}`)) ? Number(readFileSync(join(dir, `started-${tile}`), 'utf8')) : undefined);
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const until = async (ok: () => boolean, ms = 10_000): Promise<void> => {
  for (const t0 = Date.now(); !ok(); ) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};
const isCancelled = (e: unknown): boolean => (e as { status?: number }).status === CANCELLED_STATUS;

test('jobs: the only request leaves, so the running worker is killed; asking again starts it anew', async () => {
  const jobs = new JobRunner({ workerPath: worker });
  try {
    const gone = new AbortController();
    const p = jobs.run(job(100), gone.signal);
    await until(() => started(100) !== undefined);
    const pid = started(100)!;
    assert.ok(alive(pid));
    gone.abort();
    await assert.rejects(p, isCancelled);
    await until(() => !alive(pid) && jobs.running === 0);
    rmSync(join(dir, 'started-100'));
    const again = new AbortController();
    const q = jobs.run(job(100), again.signal);
    await until(() => started(100) !== undefined); // not the cached cancellation
    assert.notEqual(started(100), pid);
    again.abort();
    await assert.rejects(q, isCancelled);
  } finally {
    jobs.stopAll();
  }
});

test('jobs: one of two requests for the same job leaves; the other gets the answer from the one worker', async () => {
  const jobs = new JobRunner({ workerPath: worker });
  try {
    const a = new AbortController();
    const b = new AbortController();
    const pa = jobs.run(job(1), a.signal);
    const pb = jobs.run(job(1), b.signal);
    a.abort();
    await assert.rejects(pa, isCancelled);
    assert.deepEqual(await pb, { tile: 1 });
    assert.deepEqual(await jobs.run(job(1)), { tile: 1 }, 'now cached');
  } finally {
    jobs.stopAll();
  }
});

test('jobs: a queued job nobody waits for leaves the queue without starting; the ones around it run', async () => {
  const jobs = new JobRunner({ workerPath: worker, concurrency: 1 });
  try {
    const pa = jobs.run(job(2), new AbortController().signal);
    const b = new AbortController();
    const pb = jobs.run(job(3), b.signal);
    const pc = jobs.run(job(4), new AbortController().signal);
    b.abort();
    await assert.rejects(pb, isCancelled);
    assert.deepEqual(await pa, { tile: 2 });
    assert.deepEqual(await pc, { tile: 4 });
    assert.equal(started(3), undefined, 'the abandoned job never started');
    // without a signal a request cannot leave, and neither does its job
    assert.deepEqual(await jobs.run(job(5)), { tile: 5 });
  } finally {
    jobs.stopAll();
  }
});
