// kensa launch --nproc 2 -- classify train end to end on generated NIfTI subjects: rank 0 alone
// writes the run folder (rank 1's private copy is gone afterwards); a rank killed with SIGKILL
// mid-run → the other rank stops with a one-line error, the launch names the killed rank, and the
// last checkpoint resumes in a single process (another world size) to the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distAvailable } from './native-dist.js';
import { writeHeadSet } from '../testing/synthetic-heads.js';
import { native } from '../engine/native.js';

const MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const skip = distAvailable() ? false : 'the kensa addon in use was built without process groups (needs libgloo-dev at build time)';
const train = (data: string, out: string, epochs: number): string[] => ['classify', 'train', '--data', data, '--out', out, '--size', '32', '--slices', '0.35:0.65', '--width', '8', '--batch-size', '8', '--epochs', String(epochs), '--augment', 'none', '--threads', '1'];
// --sync-bn on the first run when the addon has the differentiable all-reduce (mini-VGG has batch norm)
const hasSync = typeof (native as unknown as Record<string, unknown>).distAllReduceDiff === 'function';
const replicas = (): string[] => readdirSync(tmpdir()).filter((f) => f.startsWith('kensa-rank'));

test('kensa launch --nproc 2 -- classify train: a report and checkpoints from rank 0 only; rank 1 leaves nothing behind', { skip, timeout: 300_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kensa-dpcli-'));
  try {
    await writeHeadSet(join(dir, 'data'), 5, 1);
    const before = new Set(replicas());
    const r = spawnSync(process.execPath, [MAIN, 'launch', '--nproc', '2', '--timeout', '120', '--', ...train(join(dir, 'data'), join(dir, 'run'), 2), ...(hasSync ? ['--sync-bn'] : [])], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, /\[rank 1\] data-parallel: rank 1 of 2/);
    if (hasSync) assert.match(r.stderr, /\[rank 1\] --sync-bn: [1-9]\d* batch-norm layer\(s\) synchronised/);
    assert.match(r.stdout, /\[rank 0\] classify train: minivgg, best epoch \d/);
    assert.ok(existsSync(join(dir, 'run', 'report.html')));
    assert.ok(readdirSync(join(dir, 'run', 'checkpoints')).some((f) => f === 'best.safetensors' || f.startsWith('epoch-')));
    assert.equal(JSON.parse(readFileSync(join(dir, 'run', 'metrics.json'), 'utf8')).history.length, 2);
    assert.deepEqual(replicas().filter((f) => !before.has(f)), [], "rank 1's private run folder was not removed");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a rank killed with SIGKILL mid-run: one-line error on the other, the launch names it, the last checkpoint resumes with 1 rank', { skip, timeout: 400_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kensa-dpcli-'));
  try {
    const data = join(dir, 'data');
    const run = join(dir, 'run');
    await writeHeadSet(data, 5, 1);
    const launch = spawn(process.execPath, [MAIN, 'launch', '--nproc', '2', '--timeout', '120', '--', ...train(data, run, 6)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    launch.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((res) => launch.on('close', (c) => res(c)));
    // after the first checkpoint, kill rank 1 (the launch's child whose RANK is 1)
    const marker = join(run, 'checkpoints', 'epoch-0001.json');
    while (!existsSync(marker) && launch.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    const children = spawnSync('pgrep', ['-P', String(launch.pid)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
    const rank1 = children.find((p) => readFileSync(`/proc/${p}/environ`, 'utf8').split('\0').includes('RANK=1'));
    assert.ok(rank1, 'rank 1 not found');
    const t0 = Date.now();
    process.kill(rank1, 'SIGKILL');
    const code = await exited;
    assert.equal(code, 1);
    assert.ok(Date.now() - t0 < 60_000);
    assert.match(err, /^kensa: launch: rank 1 was killed by SIGKILL/m);
    assert.match(err, /^\[rank 0\] kensa: allReduce: .+$/m); // rank 0's own one-line error
    const r = spawnSync(process.execPath, [MAIN, ...train(data, run, 6), '--resume', '--json', '--quiet'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { history: unknown[] }).history.length, 6);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
