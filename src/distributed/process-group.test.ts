// Process groups on 127.0.0.1: known answers over 3 kensa ranks, a kensa rank and a PyTorch rank
// (Debian's torch 1.13, torch.distributed 'gloo') in one group, the event loop running while a
// collective waits, and a peer killed with SIGKILL or hung → a one-line error within the timeout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distAvailable } from './native-dist.js';
import { freePort } from './free-port.js';
import { packageRoot } from '../util/data-root.js';

const WORKER = fileURLToPath(new URL('./testing/collectives-worker.js', import.meta.url));
const TORCH_RANK = join(packageRoot(), 'src', 'distributed', 'testing', 'torch-rank.py');
const PYTHON = '/usr/bin/python3';
const skip = distAvailable() ? false : 'the kensa addon in use was built without process groups (needs libgloo-dev at build time)';
const torchGloo = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch.distributed as d; assert d.is_gloo_available()'], { stdio: 'ignore' }).status === 0;

interface Rank {
  child: ChildProcess;
  out: Promise<{ code: number | null; lines: string[] }>;
}

function start(cmd: string, args: string[], env: Record<string, string>): Rank {
  const child = spawn(cmd, args, { env: { ...process.env, KENSA_THREADS: '1', OMP_NUM_THREADS: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  const out = new Promise<{ code: number | null; lines: string[] }>((res) => child.on('close', (code) => res({ code, lines: text.split('\n').filter((l) => l.trim() !== '') })));
  return { child, out };
}

function env(port: number, rank: number, worldSize: number, timeoutS: number, extra: Record<string, string> = {}): Record<string, string> {
  return { MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), RANK: String(rank), WORLD_SIZE: String(worldSize), LOCAL_RANK: String(rank), KENSA_DIST_TIMEOUT: String(timeoutS), ...extra };
}

function lastJson(lines: string[]): Record<string, unknown> {
  const l = [...lines].reverse().find((x) => x.startsWith('{'));
  assert.ok(l, `no JSON line in:\n${lines.join('\n')}`);
  return JSON.parse(l) as Record<string, unknown>;
}

test('3 ranks: all-reduce sum/avg/max, a two-tensor bucket, broadcast, all-gather, sync all-reduce, barrier', { skip, timeout: 60_000 }, async () => {
  const port = await freePort();
  const ranks = [0, 1, 2].map((r) => start(process.execPath, [WORKER, 'collectives'], env(port, r, 3, 30)));
  const outs = await Promise.all(ranks.map((r) => r.out));
  outs.forEach((o, r) => {
    assert.equal(o.code, 0, o.lines.join('\n'));
    const j = lastJson(o.lines);
    assert.equal(j.rank, r);
    assert.deepEqual(j.sum, [6, 12]); // [1+2+3, 2+4+6]
    assert.deepEqual(j.avg, [2, 4]); // the sums over 3
    assert.deepEqual(j.bucket, [[[3, 3], [3, 3]], [30]]); // 0+1+2; 0+10+20
    assert.deepEqual(j.max, [2]);
    assert.deepEqual(j.broadcast, [7, 8, 9]); // rank 1's values
    assert.deepEqual(j.gather, [[0, 0], [1, 10], [2, 20]]);
    assert.deepEqual(j.sync, [6]);
  });
});

test('a kensa rank and a PyTorch rank (torch.distributed gloo, env://) all-reduce, broadcast and all-gather together, either one as rank 0', { skip: skip || (!torchGloo && 'no /usr/bin/python3 with torch.distributed and Gloo (Debian python3-torch)'), timeout: 90_000 }, async () => {
  for (const torchRank of [1, 0]) {
    const port = await freePort();
    const kensaRank = 1 - torchRank;
    const extra = { TORCH_RANK: String(torchRank) };
    const k = start(process.execPath, [WORKER, 'torch'], env(port, kensaRank, 2, 30, extra));
    const p = start(PYTHON, [TORCH_RANK], env(port, torchRank, 2, 30, extra));
    const [ko, po] = await Promise.all([k.out, p.out]);
    assert.equal(ko.code, 0, ko.lines.join('\n'));
    assert.equal(po.code, 0, po.lines.join('\n'));
    const kj = lastJson(ko.lines);
    const pj = lastJson(po.lines);
    // kensa [1,2,3] + PyTorch [10,20,30]
    assert.deepEqual(kj.sum, [11, 22, 33]);
    assert.deepEqual(pj.sum, [11, 22, 33]);
    assert.deepEqual(kj.broadcast, [4, 5]); // PyTorch's values
    assert.deepEqual(pj.gather, [[0, 0], [1, 1]]);
    assert.deepEqual(kj.gather, [[0, 0], [1, 1]]);
  }
});

test('a collective waiting for a late peer leaves the event loop running', { skip, timeout: 60_000 }, async () => {
  const port = await freePort();
  const ranks = [0, 1].map((r) => start(process.execPath, [WORKER, 'late'], env(port, r, 2, 30)));
  const [o0, o1] = await Promise.all(ranks.map((r) => r.out));
  assert.equal(o0.code, 0, o0.lines.join('\n'));
  assert.equal(o1.code, 0, o1.lines.join('\n'));
  const j = lastJson(o0.lines);
  assert.deepEqual(j.sum, [3]);
  assert.ok((j.waitedMs as number) >= 400, `rank 0 waited ${String(j.waitedMs)} ms for the late peer`);
  // a 20 ms interval ticked during the ~600 ms wait: the wait is off the main thread
  assert.ok((j.ticks as number) >= 10, `only ${String(j.ticks)} timer ticks while waiting`);
});

test('a peer killed with SIGKILL, or one that never joins, → a one-line error on the other rank within the timeout', { skip, timeout: 90_000 }, async () => {
  // killed: the other rank learns at once from the closed connection
  {
    const port = await freePort();
    const r0 = start(process.execPath, [WORKER, 'die'], env(port, 0, 2, 20));
    const r1 = start(process.execPath, [WORKER, 'die'], env(port, 1, 2, 20));
    await new Promise<void>((res) => {
      r1.child.stdout!.on('data', (d: Buffer) => {
        if (d.toString().includes('ready')) res();
      });
    });
    await new Promise((res) => setTimeout(res, 300));
    const t0 = Date.now();
    r1.child.kill('SIGKILL');
    const o0 = await r0.out;
    const ms = Date.now() - t0;
    assert.equal(o0.code, 1);
    const j = lastJson(o0.lines);
    assert.match(String(j.error), /^allReduce: .+/);
    assert.ok(!String(j.error).includes('\n'));
    assert.ok(ms < 20_000, `the error came ${ms} ms after the kill (timeout 20 s)`);
    await r1.out;
  }
  // hung: the other rank times out after KENSA_DIST_TIMEOUT (3 s), not for ever
  {
    const port = await freePort();
    const r0 = start(process.execPath, [WORKER, 'hang'], env(port, 0, 2, 3));
    const r1 = start(process.execPath, [WORKER, 'hang'], env(port, 1, 2, 3));
    const o0 = await r0.out;
    r1.child.kill('SIGKILL');
    await r1.out;
    assert.equal(o0.code, 1);
    const j = lastJson(o0.lines);
    assert.match(String(j.error), /^allReduce: .*(timed out|timeout)/i);
    assert.ok((j.ms as number) >= 2500 && (j.ms as number) < 15_000, `timed out after ${String(j.ms)} ms (timeout 3 s)`);
  }
});
