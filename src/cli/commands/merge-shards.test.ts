// kensa merge-shards: the shard run folders of each of the four folder jobs (segment, segment-predict,
// classify predict, metric identify), merged, equal the unsharded run on small generated folders:
// per-image outputs byte for byte, the per-image results and the metrics recomputed over every image
// (segment-predict's pooled Dice is not a mean of the shards' values) equal apart from timings and
// the run folder's own paths. Shards of different settings, a missing part, a part given twice and
// a shard of another command are refused with one line, leaving no folder.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { writePng } from '../../io/index.js';
import { Rng } from '../../data/rng.js';
import { writeHeadSet } from '../../testing/synthetic-heads.js';
import { checkReportInBrowser, closeReportBrowser } from '../../testing/report-browser.js';

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));
let dir = '';

function kensa(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args, '--threads', '1', '--quiet'], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
function ok(...args: string[]): unknown {
  const r = kensa(...args, '--json');
  assert.equal(r.code, 0, `${args.slice(0, 2).join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const p = (...parts: string[]): string => join(dir, ...parts);
const metrics = (run: string): unknown => JSON.parse(readFileSync(p(run, 'metrics.json'), 'utf8'));

/** A result without what differs by design: timings, the run folder's own paths, the list of shards. */
function comparable(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (k, x) => (['ms', 'meanMsPerIteration', 'labelDir', 'shards', 'weights'].includes(k) ? undefined : x)));
}

/** Runs `args` unsharded into `full` and as `n` shards into `<full>-shard-R`, merges them into `<full>-merged`. */
function shardedAndMerged(full: string, n: number, args: string[]): { full: unknown; merged: unknown; parts: string[] } {
  const one = ok(...args, '--out', p(full));
  const parts = Array.from({ length: n }, (_, r) => `${full}-shard-${r}`);
  // parts in another order than 0..N-1: merge-shards orders them by their --shard
  for (const [r, part] of parts.entries()) ok(...args, '--out', p(part), '--shard', `${r}/${n}`);
  const merged = ok('merge-shards', ...[...parts].reverse().map((d) => p(d)), '--out', p(`${full}-merged`));
  assert.deepEqual(metrics(`${full}-merged`), merged, 'metrics.json holds the printed result');
  return { full: one, merged, parts };
}

function sameFiles(a: string, b: string, sub: string): number {
  const names = readdirSync(p(a, sub)).sort();
  assert.deepEqual(readdirSync(p(b, sub)).sort(), names, `${sub}/ lists the same files`);
  for (const f of names) assert.ok(readFileSync(p(a, sub, f)).equals(readFileSync(p(b, sub, f))), `${sub}/${f} byte-equal`);
  return names.length;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kensa-merge-shards-'));
  // 5 colour images (segment), 5 grey disc images with masks (segment-train / -predict)
  mkdirSync(p('rgb'));
  mkdirSync(p('grey'));
  mkdirSync(p('masks'));
  for (let k = 0; k < 5; k++) {
    const w = 20, h = 14, data = new Uint8Array(w * h * 3);
    for (let i = 0; i < w * h; i++) {
      const x = i % w, y = Math.floor(i / w);
      data[3 * i] = x < w / 2 ? 210 : 25;
      data[3 * i + 1] = (y * 17 + k * 60) % 256;
      data[3 * i + 2] = (x * 11 + y * 5 + k * 37) % 256;
    }
    await writePng(p('rgb', `c${k}.png`), { width: w, height: h, channels: 3, bitDepth: 8, data });
    const rng = new Rng(k);
    const s = 32, img = new Uint8Array(s * s), mask = new Uint8Array(s * s);
    const [cy, cx, r] = [rng.uniform(8, 24), rng.uniform(8, 24), rng.uniform(3, 7)];
    for (let y = 0; y < s; y++) {
      for (let x = 0; x < s; x++) {
        const on = (y - cy) ** 2 + (x - cx) ** 2 < r * r;
        mask[y * s + x] = on ? 255 : 0;
        img[y * s + x] = Math.max(0, Math.min(255, Math.round(255 * (0.3 + (on ? 0.4 : 0) + 0.08 * rng.normal()))));
      }
    }
    await writePng(p('grey', `g${k}.png`), { width: s, height: s, channels: 1, bitDepth: 8, data: img });
    await writePng(p('masks', `g${k}.png`), { width: s, height: s, channels: 1, bitDepth: 8, data: mask });
  }
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await closeReportBrowser();
});

const SEGMENT = ['segment', '--max-iterations', '5', '--channels', '8', '--min-labels', '1'];

test('segment: 3 shards merged = the unsharded run (label PNGs, overlays, records, per-image results, curves)', async () => {
  const r = shardedAndMerged('seg', 3, [...SEGMENT, p('rgb')]);
  assert.deepEqual(comparable(r.merged), comparable(r.full));
  assert.equal((r.merged as { images: unknown[] }).images.length, 5);
  for (const sub of ['labels', 'overlays', 'previews']) assert.equal(sameFiles('seg', 'seg-merged', sub), 5, sub);
  const figures = (run: string): string[] => (JSON.parse(readFileSync(p(run, 'figures.json'), 'utf8')) as { figures: { name: string }[] }).figures.map((f) => f.name);
  assert.deepEqual(figures('seg-merged'), figures('seg'));
  assert.ok(readFileSync(p('seg', 'figures', 'loss.svg')).equals(readFileSync(p('seg-merged', 'figures', 'loss.svg'))), 'loss curves of the same images');
  await checkReportInBrowser(p('seg-merged', 'report.html'), { minImages: 5 });
});

test('refused: a missing part, a part twice, other settings, another command; one line, no folder', () => {
  const parts = [0, 1, 2].map((r) => p(`seg-shard-${r}`));
  const other = p('seg-other');
  ok(...SEGMENT, p('rgb'), '--max-iterations', '4', '--out', other, '--shard', '2/3');
  const cases: [string[], RegExp, number][] = [
    [[parts[0], parts[1]], /part 2\/3 of the job is missing/, 2],
    [[parts[0], parts[1], parts[1]], /are both part 1\/3 \(overlapping shards\)/, 1],
    [[parts[0], parts[1], other], /seg-other: was run with maxIterations = 4, .* with 5: not one job/, 1],
    [[parts[0], p('grey')], /grey\/config\.json: missing: not a finished kensa run folder/, 1],
    [[parts[0], p('seg')], /seg: was not run with --shard R\/N/, 1],
  ];
  for (const [i, [dirs, re, code]] of cases.entries()) {
    const out = p(`refused-${i}`);
    const r = kensa('merge-shards', ...dirs, '--out', out);
    assert.equal(r.code, code, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, re);
    assert.ok(!existsSync(out), 'no run folder left');
  }
  const self = kensa('merge-shards', ...parts, '--out', parts[0]);
  assert.equal(self.code, 2, self.stderr);
  assert.match(self.stderr, /is one of the shard run folders/);
});

test('segment-predict: 2 shards merged = unsharded (label maps, probabilities, figures; pooled and mean Dice recomputed)', () => {
  const model = p('unet');
  ok('segment-train', '--images', p('grey'), '--masks', p('masks'), '--out', model, '--epochs', '1', '--mask-values', '>127', '--depth', '2', '--width', '4', '--patch-size', '16', '--patches-per-image', '2', '--batch-size', '4', '--window', '16', '--val-fraction', '0.2', '--test-fraction', '0.2');
  const r = shardedAndMerged('pred', 2, ['segment-predict', p('grey'), '--model', model, '--masks', p('masks'), '--mask-values', '>127', '--figures', '3']);
  const full = r.full as { pooledDice: number; meanDice: number; images: unknown[] };
  assert.equal(full.images.length, 5);
  assert.ok(Number.isFinite(full.pooledDice));
  assert.deepEqual(comparable(r.merged), comparable(r.full));
  for (const sub of ['labels', 'probability', 'overlays']) assert.equal(sameFiles('pred', 'pred-merged', sub), 5, sub);
  assert.equal(sameFiles('pred', 'pred-merged', 'figures'), 3, 'contour figures of the first 3 images');
});

test('classify predict: 2 shards merged = unsharded (predictions.json/.csv, previews)', async () => {
  const data = p('heads');
  await writeHeadSet(data, 4, 1);
  const model = p('clf');
  ok('classify', 'train', '--data', data, '--out', model, '--epochs', '1', '--size', '32', '--slices', '0.45:0.55', '--width', '4', '--batch-size', '8', '--val-fraction', '0.25', '--test-fraction', '0.25');
  const r = shardedAndMerged('cls', 2, ['classify', 'predict', join(data, 'big'), join(data, 'small'), '--model', model]);
  assert.equal((r.full as unknown[]).length, 8);
  assert.deepEqual(r.merged, r.full);
  for (const f of ['predictions.csv', 'predictions.json']) assert.ok(readFileSync(p('cls', f)).equals(readFileSync(p('cls-merged', f))), f);
  assert.equal(sameFiles('cls', 'cls-merged', 'previews'), 8);
});

test('metric identify: 2 shards merged = unsharded (verdicts, per-tile figures renumbered)', async () => {
  const data = p('textures');
  const rng = new Rng(3);
  const S = 32;
  for (const kind of ['checker', 'stripes']) {
    mkdirSync(join(data, kind), { recursive: true });
    for (let n = 0; n < 6; n++) {
      const px = new Uint8Array(S * S);
      for (let i = 0; i < S * S; i++) {
        const x = i % S, y = Math.floor(i / S);
        const on = kind === 'checker' ? (Math.floor(x / 4) + Math.floor(y / 4)) % 2 === 1 : y % 8 < 4;
        px[i] = (on ? 160 : 90) + Math.round((rng.next() - 0.5) * 30);
      }
      await writePng(join(data, kind, `${kind}_${n}.png`), { width: S, height: S, channels: 1, bitDepth: 8, data: px });
    }
  }
  const model = p('metric');
  ok('metric', 'train', '--data', data, '--out', model, '--epochs', '1', '--head', 'softmax', '--guard', '0', '--crop', 'none', '--tile-size', '16', '--downsample', '2', '--width', '4', '--embedding-size', '4', '--batch-size', '8', '--val-fraction', '0.34', '--test-fraction', '0.17');
  const r = shardedAndMerged('id', 2, ['metric', 'identify', data, '--model', model]);
  assert.equal((r.full as { images: unknown[] }).images.length, 12);
  assert.deepEqual(r.merged, r.full);
  assert.equal(sameFiles('id', 'id-merged', 'figures'), 12, 'one tile map per image, numbered as unsharded');
});
