// Kill and resume for every trainer, through the real CLI: each run is killed with SIGKILL at a
// seeded random moment after its first checkpoint, rerun with --resume, and must continue from the
// newest checkpoint on disk (at most one epoch lost) and end with the result of an uninterrupted run
// (--threads 1, same seed: every number equal, timings aside). Also: a garbled or truncated newest
// checkpoint is skipped for the previous good one, and a run whose checkpoints are all garbled
// fails with one line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../data/rng.js';
import { writeGreyPng } from '../data/fixtures-support.js';
import { writeHeadSet } from '../testing/synthetic-heads.js';
import { epochTensorFile, latestCheckpoint, listCheckpoints } from '../train/checkpoint.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
let dir = '';

interface Ran { code: number; stdout: string; stderr: string }
function kensa(args: string[]): Ran {
  const r = spawnSync(process.execPath, [MAIN, ...args, '--threads', '1'], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs the CLI to the end, noting the training window: from the moment `progress()` first gives a
 * value (the first checkpoint) to its last change (the last checkpoint); when it never changes
 * after the first, the window is half of the rest of the run.
 */
async function timed(args: string[], progress: () => string | undefined): Promise<Ran & { windowMs: number }> {
  const child = spawn(process.execPath, [MAIN, ...args, '--threads', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number>((res) => child.on('close', (code) => res(code ?? -1)));
  let first: number | undefined;
  let lastChange: number | undefined;
  let seen: string | undefined;
  let done = false;
  void exited.then(() => (done = true));
  while (!done) {
    const p = progress();
    if (p !== undefined && p !== seen) {
      if (first === undefined) first = Date.now();
      else lastChange = Date.now();
      seen = p;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const code = await exited;
  const end = Date.now();
  const windowMs = first === undefined ? 0 : lastChange !== undefined ? lastChange - first : (end - first) / 2;
  return { code, stdout, stderr, windowMs };
}

/**
 * Starts the CLI, waits until `progress()` gives a value (the first checkpoint), then waits a
 * seeded random part of the uninterrupted run's training window and kills it with SIGKILL.
 * Returns whether the kill landed before the process finished on its own.
 */
async function killAtRandom(args: string[], progress: () => string | undefined, windowMs: number, rng: Rng): Promise<boolean> {
  const child = spawn(process.execPath, [MAIN, ...args, '--threads', '1', '--quiet'], { stdio: 'ignore' });
  const exited = new Promise<void>((res) => child.on('exit', () => res()));
  while (progress() === undefined && child.exitCode === null) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, rng.next() * 0.9 * windowMs));
  const killed = child.exitCode === null && child.kill('SIGKILL');
  await exited;
  return killed && child.signalCode === 'SIGKILL';
}

const TIMING = /^(ms|msPerIteration|startEpoch|seconds|trainSeconds|samplesPerSecond|tilesPerSecond|meanMsPerIteration|msPerImage|date)$/;
/** A result without its timings (and startEpoch, which tells a resumed run apart), with the run folder's path replaced by <out>. */
function outcome(json: unknown, out: string): unknown {
  return JSON.parse(JSON.stringify(json, (k, v) => (TIMING.test(k) ? undefined : typeof v === 'string' ? v.split(out).join('<out>') : v)));
}

/** The epoch a resumed run said it continued after (its "resuming after epoch N" log lines). */
function resumedAfter(stderr: string): number[] {
  return [...stderr.matchAll(/resuming after epoch (\d+)/g)].map((m) => Number(m[1]));
}

/** args with --epochs set to n. */
function withEpochs(args: string[], n: number): string[] {
  const i = args.indexOf('--epochs');
  return [...args.slice(0, i + 1), String(n), ...args.slice(i + 2)];
}

interface Trainer {
  name: string;
  /** Arguments without --out. */
  args: string[];
  /** Checkpoint folders of a run folder (several for openset-eval's folds). */
  checkpointDirs(out: string): string[];
}

async function metricData(root: string): Promise<void> {
  const rng = new Rng(3);
  const kinds: Record<string, (x: number, y: number) => boolean> = {
    checker: (x, y) => (Math.floor(x / 4) + Math.floor(y / 4)) % 2 === 1,
    speckle: () => rng.next() < 0.5,
    stripes: (_x, y) => y % 8 < 4,
  };
  for (const [name, on] of Object.entries(kinds)) {
    for (let n = 0; n < 8; n++) await writeGreyPng(join(root, name, `${name}_${n}.png`), 64, 64, (x, y) => (on(x, y) ? 150 : 110) + Math.round((rng.next() - 0.5) * 20));
  }
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kensa-resume-'));
  await metricData(join(dir, 'metric'));
  await writeHeadSet(join(dir, 'heads'), 6, 1);
  for (let i = 0; i < 6; i++) {
    const cx = 10 + i * 2;
    const cy = 14 + (i % 3) * 2;
    await writeGreyPng(join(dir, 'gan', 'discs', `d${i}.png`), 40, 36, (x, y) => ((x - cx) ** 2 + (y - cy) ** 2 < 49 ? 230 : 25));
    await writeGreyPng(join(dir, 'gan', 'squares', `s${i}.png`), 36, 36, (x, y) => (Math.abs(x - cy) < 6 && Math.abs(y - cx) < 6 ? 40 : 200));
  }
  const rng = new Rng(7);
  for (let i = 0; i < 8; i++) {
    const discs = Array.from({ length: 3 }, () => [rng.uniform(8, 40), rng.uniform(8, 40), rng.uniform(4, 8)]);
    const inside = (x: number, y: number): boolean => discs.some(([cy, cx, r]) => (y - cy) ** 2 + (x - cx) ** 2 < r * r);
    await writeGreyPng(join(dir, 'seg', 'images', `s${i}.png`), 48, 48, (x, y) => Math.max(0, Math.min(255, Math.round(255 * (0.3 + (inside(x, y) ? 0.4 : 0) + 0.08 * rng.normal())))));
    await writeGreyPng(join(dir, 'seg', 'masks', `s${i}.png`), 48, 48, (x, y) => (inside(x, y) ? 255 : 0));
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

const own = (out: string): string[] => [join(out, 'checkpoints')];
const METRIC = ['--guard', '0', '--crop', 'none', '--tile-size', '16', '--downsample', '2', '--width', '4', '--embedding-size', '4', '--batch-size', '16', '--val-fraction', '0.25', '--test-fraction', '0.25'];
const TRAINERS: Trainer[] = [
  { name: 'metric train', args: ['metric', 'train', '--data', '<data>/metric', '--epochs', '4', ...METRIC], checkpointDirs: own },
  {
    name: 'metric openset-eval',
    args: ['metric', 'openset-eval', '--data', '<data>/metric', '--epochs', '2', '--heads', 'softmax,arcface', '--hold-out', 'speckle,stripes', '--no-figures', ...METRIC],
    checkpointDirs: (out) => ['speckle-softmax', 'speckle-arcface', 'stripes-softmax', 'stripes-arcface'].map((f) => join(out, 'checkpoints', f)),
  },
  { name: 'classify train', args: ['classify', 'train', '--data', '<data>/heads', '--epochs', '4', '--size', '24', '--slices', '0.4:0.6', '--width', '4', '--batch-size', '16', '--val-fraction', '0.2', '--test-fraction', '0.2'], checkpointDirs: own },
  { name: 'cyclegan train', args: ['cyclegan', 'train', '--data', '<data>/gan', '--epochs', '2', '--decay-epochs', '2', '--size', '32', '--ngf', '4', '--ndf', '4', '--blocks', '1', '--val-fraction', '0.2', '--test-fraction', '0.2', '--samples', '2'], checkpointDirs: own },
  { name: 'segment-train', args: ['segment-train', '--images', '<data>/seg/images', '--masks', '<data>/seg/masks', '--epochs', '4', '--mask-values', '>127', '--depth', '2', '--width', '4', '--patch-size', '32', '--patches-per-image', '2', '--batch-size', '4', '--window', '32'], checkpointDirs: own },
];

for (const [k, t] of TRAINERS.entries()) {
  test(`${t.name}: killed (SIGKILL) at a seeded random point after the first checkpoint, --resume continues from the newest checkpoint and equals the uninterrupted run`, async (tc) => {
    const args = t.args.map((a) => a.replace('<data>', dir));
    // the epoch checkpoints (sidecar names) present across the run's checkpoint folders, once there is one
    const checkpoints = (out: string) => (): string | undefined => {
      const names = t.checkpointDirs(out).flatMap((d) => (existsSync(d) ? readdirSync(d).filter((f) => /^epoch-\d+\.json$/.test(f)).map((f) => `${d}/${f}`) : []));
      return names.length ? names.sort().join(' ') : undefined;
    };
    const full = join(dir, `full-${k}`);
    const a = await timed([...args, '--out', full, '--json', '--quiet'], checkpoints(full));
    assert.equal(a.code, 0, a.stderr);
    const cut = join(dir, `cut-${k}`);
    const killed = await killAtRandom([...args, '--out', cut], checkpoints(cut), a.windowMs, new Rng(1000 + k));
    assert.ok(killed, 'the kill landed before the run finished');
    assert.ok(!existsSync(join(cut, 'metrics.json')), 'no metrics.json from the killed run');
    // what survived on disk: per checkpoint folder, the newest complete checkpoint
    const onDisk = t.checkpointDirs(cut).map((d) => latestCheckpoint(d)?.epoch).filter((e): e is number => e !== undefined);
    assert.ok(onDisk.length > 0);
    const b = kensa([...args, '--out', cut, '--resume', '--json']);
    assert.equal(b.code, 0, b.stderr);
    // every folder that held a checkpoint resumed exactly after its newest one (lost: the epoch in progress only)
    assert.deepEqual(resumedAfter(b.stderr), onDisk, b.stderr);
    tc.diagnostic(`killed with checkpoint epoch(s) ${onDisk.join(', ')} on disk; resumed after ${resumedAfter(b.stderr).join(', ')}`);
    assert.deepEqual(outcome(JSON.parse(b.stdout), cut), outcome(JSON.parse(a.stdout), full));
    const best = join('checkpoints', 'best.safetensors');
    if (existsSync(join(full, best))) assert.deepEqual(readFileSync(join(cut, best)), readFileSync(join(full, best)), 'best weights bit-identical');
  });
}

test('segment --reference: killed after the reference training is saved, --resume reuses it and the label PNGs equal an uninterrupted run', async () => {
  for (let i = 0; i < 3; i++) await writeGreyPng(join(dir, 'ref', `r${i}.png`), 24, 24, (x, y) => ((x + i) % 8 < 4 ? 200 : 40) + ((y * 7 + x * 3) % 11));
  for (let i = 0; i < 16; i++) await writeGreyPng(join(dir, 'apply', `a${String(i).padStart(2, '0')}.png`), 64, 64, (x, y) => ((x + y + i) % 12 < 6 ? 210 : 30));
  const args = ['segment', join(dir, 'apply'), '--reference', join(dir, 'ref'), '--reference-size', '16', '--updates-per-image', '20', '--channels', '8'];
  const full = join(dir, 'seg-full');
  const saved = (out: string) => (): string | undefined => (existsSync(join(out, 'checkpoints', 'reference.json')) ? 'saved' : undefined);
  const a = await timed([...args, '--out', full, '--json', '--quiet'], saved(full));
  assert.equal(a.code, 0, a.stderr);
  const cut = join(dir, 'seg-cut');
  const killed = await killAtRandom([...args, '--out', cut], saved(cut), a.windowMs, new Rng(77));
  assert.ok(killed, 'the kill landed before the run finished');
  const b = kensa([...args, '--out', cut, '--resume', '--json']);
  assert.equal(b.code, 0, b.stderr);
  assert.match(b.stderr, /--resume reuses the finished reference training/);
  assert.ok(!/training on 3 reference image/.test(b.stderr), 'the reference training was not redone');
  const ra = JSON.parse(a.stdout) as { reference: { updates: number }; images: { skipped?: boolean }[] };
  const rb = JSON.parse(b.stdout) as typeof ra;
  assert.equal(rb.reference.updates, ra.reference.updates);
  assert.equal(rb.images.length, 16);
  assert.deepEqual(readFileSync(join(cut, 'checkpoints', 'reference.safetensors')), readFileSync(join(full, 'checkpoints', 'reference.safetensors')));
  for (const f of readdirSync(join(full, 'labels'))) assert.deepEqual(readFileSync(join(cut, 'labels', f)), readFileSync(join(full, 'labels', f)), f);
});

test('segment --reference: killed during the reference training, --resume continues after the last reference image and ends equal to an uninterrupted run', async () => {
  const args = ['segment', join(dir, 'apply'), '--reference', join(dir, 'ref'), '--reference-size', '16', '--updates-per-image', '80', '--channels', '8', '--limit', '2'];
  const full = join(dir, 'seg-ref-full');
  const a = kensa([...args, '--out', full, '--json']);
  assert.equal(a.code, 0, a.stderr);
  // kill -9 once the first reference image's checkpoint is on disk and before the training ends
  const cut = join(dir, 'seg-ref-cut');
  const child = spawn(process.execPath, [MAIN, ...args, '--out', cut, '--threads', '1'], { stdio: 'ignore' });
  const exited = new Promise<void>((res) => child.on('close', () => res()));
  const first = join(cut, 'checkpoints', 'reference-training', 'epoch-0001.json');
  while (!existsSync(first) && child.exitCode === null) await new Promise((ok) => setTimeout(ok, 20));
  child.kill('SIGKILL');
  await exited;
  assert.ok(existsSync(first) && !existsSync(join(cut, 'checkpoints', 'reference.json')), 'killed inside the reference training, after its first checkpoint');
  const done = listCheckpoints(join(cut, 'checkpoints', 'reference-training')).map((c) => c.epoch);
  const b = kensa([...args, '--out', cut, '--resume', '--json']);
  assert.equal(b.code, 0, b.stderr);
  assert.ok(!/reuses the finished reference training/.test(b.stderr));
  const log = readFileSync(join(cut, 'log.txt'), 'utf8');
  assert.match(log, new RegExp(`resum\\w* .*${Math.max(...done)}`), `the log says where the training resumed (checkpoints ${done.join(', ')})`);
  assert.deepEqual(readFileSync(join(cut, 'checkpoints', 'reference.safetensors')), readFileSync(join(full, 'checkpoints', 'reference.safetensors')), 'reference weights bit-identical');
  const curves = (out: string): unknown => { const j = JSON.parse(readFileSync(join(out, 'checkpoints', 'reference.json'), 'utf8')) as { lossHistory: number[]; labelCountHistory: number[] }; return [j.lossHistory, j.labelCountHistory]; };
  assert.deepEqual(curves(cut), curves(full), 'the whole loss and label curves, resumed part included');
  for (const f of readdirSync(join(full, 'labels'))) assert.deepEqual(readFileSync(join(cut, 'labels', f)), readFileSync(join(full, 'labels', f)), f);
});

test('a garbled or truncated newest checkpoint is never loaded: resume takes the previous good one; all garbled is a one-line error', () => {
  const args = TRAINERS[4].args.map((a) => a.replace('<data>', dir));
  const straight = join(dir, 'seg-straight-4');
  const s = kensa([...args, '--out', straight, '--json', '--quiet']);
  assert.equal(s.code, 0, s.stderr);
  for (const damage of ['flip', 'truncate'] as const) {
    const out = join(dir, `damaged-${damage}`);
    const two = withEpochs(args, 2);
    assert.equal(kensa([...two, '--out', out, '--quiet']).code, 0);
    const ck = join(out, 'checkpoints');
    assert.deepEqual(listCheckpoints(ck).map((m) => m.epoch), [1, 2]);
    const file = join(ck, epochTensorFile(2));
    if (damage === 'flip') {
      // same size, one byte changed in the tensor data: the size check passes, the digest does not
      const bytes = readFileSync(file);
      bytes[bytes.length - 3] ^= 0x40;
      writeFileSync(file, bytes);
    } else {
      truncateSync(file, statSync(file).size - 100);
    }
    const r = kensa([...args, '--out', out, '--resume', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(resumedAfter(r.stderr), [1], r.stderr);
    if (damage === 'flip') assert.match(r.stderr, /skipping the epoch-2 checkpoint/);
    assert.deepEqual(outcome(JSON.parse(r.stdout), out), outcome(JSON.parse(s.stdout), straight), 'same result as the uninterrupted run');
  }
  // every checkpoint garbled: a one-line error naming --resume, nothing loaded
  const out = join(dir, 'damaged-all');
  assert.equal(kensa([...withEpochs(args, 1), '--out', out, '--quiet']).code, 0);
  const file = join(out, 'checkpoints', epochTensorFile(1));
  const bytes = readFileSync(file);
  bytes[bytes.length - 1] ^= 0xff;
  writeFileSync(file, bytes);
  const r = kensa([...args, '--out', out, '--resume']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^kensa: --resume: every checkpoint in .* is damaged/m);
  assert.equal(r.stderr.trim().split('\n').filter((l) => l.startsWith('kensa:')).length, 1);
});
