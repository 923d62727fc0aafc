// Full disks and unwritable folders, through the real CLI: --out on a tiny tmpfs (ENOSPC) and on a
// read-only mount give one line naming the file or option, leave the inputs untouched, leave no
// temporary file and no run folder (unless it holds a checkpoint --resume can continue from, and
// then, with space freed, --resume finishes the run with the uninterrupted run's result). The mounts
// need root (mount -t tmpfs); without it the CLI tests skip with a message, and the atomic-write
// layer's error is checked on a path whose folder is a file instead.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeGreyPng } from '../data/fixtures-support.js';
import { writeFileAtomic, writeFileAtomicSync } from '../util/atomic-write.js';
import { OutputError } from '../util/errors.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
let dir = '';
const mounts: string[] = [];

function kensa(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args, '--threads', '1', '--quiet'], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Mounts a tmpfs of `size` (e.g. '16k') at a new folder; undefined when this process may not mount. */
function tmpfs(name: string, size: string, ro = false): string | undefined {
  const at = join(dir, name);
  mkdirSync(at, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `${ro ? 'ro,' : ''}size=${size}`, 'tmpfs', at], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  mounts.push(at);
  return at;
}

/** Every file under root with its SHA-256 (to show the inputs are untouched). */
function digests(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const p = join(e.parentPath ?? (e as unknown as { path: string }).path, e.name);
    out[p] = `${statSync(p).mtimeMs}:${createHash('sha256').update(readFileSync(p)).digest('hex')}`;
  }
  return out;
}

/** Every entry under root (to show nothing, not even a temporary file, was left). */
const entries = (root: string): string[] => readdirSync(root, { recursive: true }).map(String).sort();

const oneLine = (stderr: string): string[] => stderr.trim().split('\n');

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kensa-disk-'));
  for (let i = 0; i < 8; i++) {
    await writeGreyPng(join(dir, 'in', 'images', `s${i}.png`), 48, 48, (x, y) => ((x - 20 - i) ** 2 + (y - 20) ** 2 < 100 ? 200 : 50) + ((x * 7 + y * 3 + i) % 13));
    await writeGreyPng(join(dir, 'in', 'masks', `s${i}.png`), 48, 48, (x, y) => ((x - 20 - i) ** 2 + (y - 20) ** 2 < 100 ? 255 : 0));
  }
});
after(() => {
  for (const m of mounts) spawnSync('umount', [m]);
  rmSync(dir, { recursive: true, force: true });
});

const TRAIN = (epochs: number): string[] => ['segment-train', '--images', join(dir, 'in', 'images'), '--masks', join(dir, 'in', 'masks'), '--epochs', String(epochs), '--mask-values', '>127', '--depth', '2', '--width', '4', '--patch-size', '32', '--patches-per-image', '2', '--batch-size', '4', '--window', '32'];

test('atomic write to an impossible path: an OutputError naming the file, no temporary file left', async () => {
  const d = mkdtempSync(join(dir, 'atomic-'));
  writeFileSync(join(d, 'file'), 'x');
  await assert.rejects(writeFileAtomic(join(d, 'file', 'a.json'), '{}'), (e: Error) => e instanceof OutputError && /file\/a\.json: cannot write \(a part of its folder path is a file, (ENOTDIR|EEXIST)\)$/.test(e.message));
  assert.throws(() => writeFileAtomicSync(join(d, 'file', 'b.bin'), [new Uint8Array(8)]), (e: Error) => e instanceof OutputError && /b\.bin: cannot write \(a part of its folder path is a file/.test(e.message));
  assert.deepEqual(entries(d), ['file']);
});

test('atomic write on a full tmpfs: ENOSPC as an OutputError naming the file; the old file and the folder are as before', async (t) => {
  const m = tmpfs('atomic-full', '8k');
  if (!m) return t.skip('mount -t tmpfs is not permitted here (needs root)');
  await writeFileAtomic(join(m, 'keep.json'), '{"old":true}');
  await assert.rejects(writeFileAtomic(join(m, 'keep.json'), [new Uint8Array(64 * 1024)]), (e: Error) => e instanceof OutputError && e.message === `${join(m, 'keep.json')}: cannot write (no space left on the device, ENOSPC)`);
  assert.throws(() => writeFileAtomicSync(join(m, 'big.safetensors'), new Uint8Array(64 * 1024)), /big\.safetensors: cannot write \(no space left on the device, ENOSPC\)/);
  assert.equal(readFileSync(join(m, 'keep.json'), 'utf8'), '{"old":true}');
  assert.deepEqual(entries(m), ['keep.json']);
});

test('--out on a read-only mount: one line naming --out and the cause, exit 2, nothing written, inputs untouched', (t) => {
  const m = tmpfs('ro', '64k', true);
  if (!m) return t.skip('mount -t tmpfs is not permitted here (needs root)');
  const before = digests(join(dir, 'in'));
  const r = kensa([...TRAIN(2), '--out', join(m, 'run')]);
  assert.equal(r.code, 2, r.stderr);
  assert.deepEqual(oneLine(r.stderr), [`kensa: --out: ${join(m, 'run')}: cannot create the run folder (read-only file system, EROFS)`]);
  assert.deepEqual(entries(m), []);
  assert.deepEqual(digests(join(dir, 'in')), before);
  // the same through segment (label PNGs, baseline method)
  const s = kensa(['segment', join(dir, 'in', 'images'), '--method', 'felzenszwalb', '--out', join(m, 'seg')]);
  assert.equal(s.code, 2, s.stderr);
  assert.match(s.stderr, /^kensa: --out: .*seg: cannot create the run folder \(read-only file system, EROFS\)\n$/);
});

test('--out checked before any work: a file in the way, a read-only run folder; one line, exit 2, nothing touched', (t) => {
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  const before = digests(join(dir, 'in'));
  for (const out of [file, join(file, 'run')]) {
    const r = kensa([...TRAIN(2), '--out', out]);
    assert.equal(r.code, 2, r.stderr);
    assert.deepEqual(oneLine(r.stderr), [out === file ? `kensa: --out: ${file}: is a file, not a folder` : `kensa: --out: ${out}: cannot create the run folder (a part of its folder path is a file, ENOTDIR)`]);
  }
  assert.equal(readFileSync(file, 'utf8'), 'x');
  assert.deepEqual(digests(join(dir, 'in')), before);
  const m = tmpfs('ro-existing', '64k', true);
  if (!m) return t.skip('mount -t tmpfs is not permitted here (needs root)');
  // the folder exists but cannot take a file: refused before the first epoch, not at its checkpoint
  const r = kensa([...TRAIN(2), '--out', m]);
  assert.equal(r.code, 2, r.stderr);
  assert.deepEqual(oneLine(r.stderr), [`kensa: --out: ${m}: cannot write into the run folder (read-only file system, EROFS)`]);
  assert.deepEqual(entries(m), []);
});

test('--out on a nearly full tmpfs: one line naming the file that did not fit, no run folder left, inputs untouched', (t) => {
  const m = tmpfs('tiny', '16k');
  if (!m) return t.skip('mount -t tmpfs is not permitted here (needs root)');
  const before = digests(join(dir, 'in'));
  const r = kensa([...TRAIN(2), '--out', join(m, 'run')]);
  assert.equal(r.code, 1, r.stderr);
  const lines = oneLine(r.stderr);
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], new RegExp(`^kensa: ${join(m, 'run')}/\\S+: cannot write \\(no space left on the device, ENOSPC\\)$`));
  assert.deepEqual(entries(m), [], 'no run folder and no temporary file left');
  assert.deepEqual(digests(join(dir, 'in')), before);
  // segment's label PNGs and report on a disk that holds only a few of them
  const s = kensa(['segment', join(dir, 'in', 'images'), '--method', 'felzenszwalb', '--out', join(m, 'seg')]);
  assert.equal(s.code, 1, s.stderr);
  assert.match(s.stderr, /^kensa: \S+\/seg\/\S+: cannot write \(no space left on the device, ENOSPC\)\n$/);
  assert.deepEqual(entries(m), []);
});

test('disk full after the first checkpoint: the folder keeps it, and with space freed --resume ends as the uninterrupted run', (t) => {
  const m = tmpfs('half', '64k');
  if (!m) return t.skip('mount -t tmpfs is not permitted here (needs root)');
  const straight = kensa([...TRAIN(3), '--out', join(dir, 'straight'), '--json']);
  assert.equal(straight.code, 0, straight.stderr);
  const out = join(m, 'run');
  const r = kensa([...TRAIN(3), '--out', out]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^kensa: \S+\/checkpoints\/\S+: cannot write \(no space left on the device, ENOSPC\)\n$/);
  assert.ok(existsSync(join(out, 'checkpoints', 'epoch-0001.json')), 'the complete epoch-1 checkpoint is kept');
  assert.ok(!entries(m).some((e) => e.endsWith('.tmp')), 'no temporary file');
  assert.equal(spawnSync('mount', ['-o', 'remount,size=4m', m]).status, 0);
  const b = kensa([...TRAIN(3), '--out', out, '--resume', '--json']);
  assert.equal(b.code, 0, b.stderr);
  const strip = (s: string): unknown => JSON.parse(s, (k, v) => (/^(seconds|samplesPerSecond|ms|msPerImage)$/.test(k) ? undefined : v));
  const h = (s: string): unknown => (strip(s) as { history: unknown }).history;
  assert.deepEqual(h(b.stdout), h(straight.stdout));
});
