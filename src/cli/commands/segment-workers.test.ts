// kensa segment DIR --workers N: several images at once in worker threads give label PNGs
// byte-equal to one at a time (same seed and --threads), and another seed does not (so the
// equality is not vacuous); --resume skips exactly the images whose label PNG and record are
// intact; --shard and --live-every still work with workers; a garbled image in the folder fails
// the run at once with one line naming it and leaves no run folder.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { writePng } from '../../io/index.js';
import { readLiveFrame } from '../../methods/unsupervised-seg/index.js';

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));
const NAMES = ['a1', 'a2', 'a3', 'a4'];
const FAST = ['--max-iterations', '5', '--channels', '8', '--min-labels', '1', '--threads', '1', '--json', '--quiet'];
let dir = '';

interface Out { images: { image: string; iterations: number; labels: number; finalLoss?: number; skipped?: boolean }[] }

function segment(...args: string[]): Out {
  const r = spawnSync(process.execPath, [MAIN, 'segment', ...FAST, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Out;
}

const label = (run: string, name: string): Buffer => readFileSync(join(dir, run, 'labels', `${name}.png`));

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kensa-segment-workers-'));
  mkdirSync(join(dir, 'imgs'));
  // four different 20x14 images: colour blocks plus a per-image texture
  for (const [k, name] of NAMES.entries()) {
    const w = 20, h = 14, data = new Uint8Array(w * h * 3);
    for (let i = 0; i < w * h; i++) {
      const x = i % w, y = Math.floor(i / w);
      data[3 * i] = x < w / 2 ? 210 : 25;
      data[3 * i + 1] = (y * 17 + k * 60) % 256;
      data[3 * i + 2] = (x * 11 + y * 5 + k * 37) % 256;
    }
    await writePng(join(dir, 'imgs', `${name}.png`), { width: w, height: h, channels: 3, bitDepth: 8, data });
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('--workers 2 gives label PNGs byte-equal to --workers 1; --seed 1 does not; live frames per image', async () => {
  const one = segment(join(dir, 'imgs'), '--out', join(dir, 'w1'), '--workers', '1');
  const two = segment(join(dir, 'imgs'), '--out', join(dir, 'w2'), '--workers', '2', '--live-every', '2');
  assert.deepEqual(two.images.map((i) => i.image), one.images.map((i) => i.image), 'results in folder order');
  for (const [k, name] of NAMES.entries()) {
    assert.ok(label('w2', name).equals(label('w1', name)), `${name}: label PNG of --workers 2 equals --workers 1`);
    assert.equal(two.images[k].finalLoss, one.images[k].finalLoss, `${name}: final loss`);
    assert.equal(two.images[k].iterations, 5);
    const frame = readLiveFrame(readFileSync(join(dir, 'w2', 'live', `${name}.rgba`)), name);
    const overlay = await sharp(join(dir, 'w2', 'overlays', `${name}.png`)).ensureAlpha().raw().toBuffer();
    assert.equal(frame.iteration, 5);
    assert.ok(Buffer.from(frame.rgba).equals(overlay), `${name}: final live frame is the overlay`);
  }
  // negative control: the seed matters, so equal PNGs above are not an accident of the images
  segment(join(dir, 'imgs'), '--out', join(dir, 'w2-seed1'), '--workers', '2', '--seed', '1');
  assert.ok(NAMES.some((n) => !label('w2-seed1', n).equals(label('w1', n))), 'another seed changes some label PNG');
});

test('--resume skips the intact images only, and redone images equal the first run; other settings redo all', () => {
  const run = join(dir, 'w1');
  unlinkSync(join(run, 'images', 'a2.json'));                       // record gone
  writeFileSync(join(run, 'labels', 'a3.png'), label('w1', 'a3').subarray(0, 30)); // torn label PNG
  const r = segment(join(dir, 'imgs'), '--out', run, '--workers', '2', '--resume');
  assert.deepEqual(r.images.map((i) => i.skipped === true), [true, false, false, true]);
  assert.equal(r.images[0].iterations, 5, 'a skipped image reports its recorded outcome');
  for (const n of NAMES) assert.ok(label('w1', n).equals(label('w2', n)), `${n} after --resume`);
  const other = segment(join(dir, 'imgs'), '--out', run, '--workers', '2', '--resume', '--max-iterations', '4');
  assert.deepEqual(other.images.map((i) => i.skipped === true), [false, false, false, false], 'a different --max-iterations redoes every image');
});

test('--shard 1/2 with --workers 2 segments its half, byte-equal to the full run', () => {
  const r = segment(join(dir, 'imgs'), '--out', join(dir, 'shard'), '--workers', '2', '--shard', '1/2');
  assert.ok(r.images.length === 2, `shard 1/2 of 4 images holds ${r.images.length}`);
  for (const i of r.images) {
    const name = i.image.replace(/^.*\//, '').replace(/\.png$/, '');
    assert.ok(label('shard', name).equals(label('w2', name)), name);
  }
});

test('a baseline and a reference-mode network through --workers 2 give the label PNGs of --workers 1', () => {
  for (const w of ['1', '2']) segment(join(dir, 'imgs'), '--out', join(dir, `km${w}`), '--workers', w, '--method', 'kmeans-colour');
  const trained = segment(join(dir, 'imgs', 'a1.png'), '--out', join(dir, 'ref'), '--reference', join(dir, 'imgs'), '--updates-per-image', '2', '--reference-size', '16') as Out & { reference: { weights: string } };
  for (const w of ['1', '2']) segment(join(dir, 'imgs'), '--out', join(dir, `apply${w}`), '--workers', w, '--weights', trained.reference.weights);
  for (const n of NAMES) {
    assert.ok(label('km2', n).equals(label('km1', n)), `kmeans-colour ${n}`);
    assert.ok(label('apply2', n).equals(label('apply1', n)), `reference apply ${n}`);
  }
});

test('a garbled image in the folder: one line naming it, exit 1, no run folder left', () => {
  mkdirSync(join(dir, 'bad'));
  copy(join(dir, 'imgs', 'a1.png'), join(dir, 'bad', 'a1.png'));
  writeFileSync(join(dir, 'bad', 'b2.png'), Buffer.from('\x89PNG\r\n\x1a\n garbage'));
  const out = join(dir, 'bad-run');
  const r = spawnSync(process.execPath, [MAIN, 'segment', join(dir, 'bad'), '--out', out, '--workers', '2', ...FAST], { encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^kensa: .*b2\.png: /);
  assert.ok(!existsSync(out), 'no run folder');
});

function copy(from: string, to: string): void {
  writeFileSync(to, readFileSync(from));
}
