// The metric-learning commands end to end on a small generated class-folder dataset: train (with
// resume), identify, and a leave-one-class-out evaluation: accuracy over chance, resume equal to an
// uninterrupted run, verdicts on known and unknown images, JSON shape, bad input.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { Rng } from '../../data/rng.js';
import { checkReportInBrowser, closeReportBrowser } from '../../testing/report-browser.js';

after(closeReportBrowser);

// The CLI of the build this test belongs to (dist*/src/cli/main.js beside dist*/src/cli/commands/).
const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));
function kensa(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args, '--quiet', '--threads', '1'], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const S = 64;
/**
 * A grey S×S texture: 'stripes' (period 8, horizontal or vertical), 'checker' (4-px squares),
 * 'speckle' (per-pixel coin flips), 'blobs' (16-px squares, never trained on); two grey levels
 * lo/hi plus uniform noise of width `noise`. The three trained kinds stay distinct under the
 * trainer's flips and quarter turns. No random phase: with 4 training images per class, a pattern
 * shifted by half a square after the 2x downsampling looked unknown to the model.
 */
function texture(kind: string, rng: Rng, lo: number, hi: number, noise: number): Buffer {
  const px = Buffer.alloc(S * S);
  const vertical = rng.next() < 0.5;
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      let on: boolean;
      if (kind === 'stripes') on = (vertical ? x : y) % 8 < 4;
      else if (kind === 'checker') on = (Math.floor(x / 4) + Math.floor(y / 4)) % 2 === 1;
      else if (kind === 'speckle') on = rng.next() < 0.5;
      else on = (Math.floor(x / 16) + Math.floor(y / 16)) % 2 === 1;
      px[y * S + x] = Math.max(0, Math.min(255, (on ? hi : lo) + Math.round((rng.next() - 0.5) * noise)));
    }
  }
  return px;
}

async function png(px: Buffer, path: string): Promise<void> {
  await sharp(px, { raw: { width: S, height: S, channels: 1 } }).png().toFile(path);
}

const KINDS = ['checker', 'speckle', 'stripes']; // class-folder order (sorted names)
/** Three low-contrast textures (grey 110/150, noise ±10), 8 images each, and one unknown image. */
async function makeDataset(root: string, unknownPath: string): Promise<void> {
  const rng = new Rng(3);
  for (const name of KINDS) {
    mkdirSync(join(root, name), { recursive: true });
    for (let n = 0; n < 8; n++) await png(texture(name, rng, 110, 150, 20), join(root, name, `${name}_${String(n).padStart(3, '0')}.png`));
  }
  // Unknown: a texture never trained on, at full contrast (0/255, 6x the training contrast). A ReLU
  // network with a softmax head extrapolates about linearly, so its raw embeddings land far from
  // every class centroid. Measured over seeds 0-4 (4 epochs): centroid-distance flags 100% of this
  // image's tiles and at most 31% of any known image's (a verdict needs > 50%); with a cosface head (unit-norm embeddings) or the msp score, flat, dark, bright,
  // gradient and new-texture images at the training contrast were rejected in only 0-3 of 5 seeds.
  await png(texture('blobs', rng, 0, 255, 0), unknownPath);
}

type EpochRow = { epoch: number; loss: number; trainAccuracy: number; valAccuracy: number };
interface TrainResult { epochs: EpochRow[]; testTileAccuracy: number; valTileAccuracy: number; thresholds: Record<string, number> }
interface Verdicts { score: string; images: { path: string; verdict: string; unknownFraction: number }[] }
/** What a run computed, without its timings. */
const outcome = (r: TrainResult): unknown => ({
  epochs: r.epochs.map(({ epoch, loss, trainAccuracy, valAccuracy }) => ({ epoch, loss, trainAccuracy, valAccuracy })),
  testTileAccuracy: r.testTileAccuracy,
  valTileAccuracy: r.valTileAccuracy,
  thresholds: r.thresholds,
});

// 64-px images, 16-px tiles shrunk 2x: 16 tiles per image; per class 4 training, 2 validation and
// 2 test images (the last two file numbers), so 96 test tiles.
const common = ['--guard', '0', '--crop', 'none', '--tile-size', '16', '--downsample', '2', '--width', '8', '--embedding-size', '8', '--batch-size', '16', '--val-fraction', '0.25', '--test-fraction', '0.25'];
// Chance is 1/3 per tile. Tiles of one image are correlated, so count the 6 test images as the
// independent units: a chance-level model reaches >= 0.9 (all 6 images right) with probability
// (1/3)^6 = 0.0014. Measured: test tile accuracy 1.00 for every seed 0-4 at 4 epochs.
const MIN_TEST_ACCURACY = 0.9;

test('metric train beats chance by a margin, --resume equals an uninterrupted run, identify gives known and unknown verdicts; openset-eval', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kensa-metric-'));
  try {
    const data = join(dir, 'data');
    const unknown = join(dir, 'blobs-contrast.png');
    await makeDataset(data, unknown);
    const run = join(dir, 'run');
    // 8 images per class: a guard of 6 images leaves no training image, and says so
    const g = kensa('metric', 'train', '--data', data, '--out', join(dir, 'guarded'), '--epochs', '1', ...common, '--guard', '6');
    assert.equal(g.code, 2, g.stderr);
    assert.equal(g.stderr.trim().split('\n').length, 1, g.stderr);
    assert.match(g.stderr, /--guard.*class 'checker' \(8 images\) gets 0 training and 2 validation images; --guard 6 left out 4/);
    assert.ok(!existsSync(join(dir, 'guarded')));
    // constant learning rate: --epochs 2 then --resume to 4 stands in for a run killed after 2 of 4 epochs,
    // and the cosine schedule (the default) depends on the total epoch count
    const train = ['metric', 'train', '--data', data, '--head', 'softmax', '--lr-schedule', 'constant', '--json', ...common];
    // 2 epochs, then --resume to 4, against 4 epochs in one go
    const t = kensa(...train, '--out', run, '--epochs', '2');
    assert.equal(t.code, 0, t.stderr);
    assert.deepEqual((JSON.parse(t.stdout) as TrainResult).epochs.map((e) => e.epoch), [1, 2]);
    assert.ok(existsSync(join(run, 'report.html')));
    const r = kensa(...train, '--out', run, '--epochs', '4', '--resume');
    assert.equal(r.code, 0, r.stderr);
    const resumed = JSON.parse(r.stdout) as TrainResult;
    assert.deepEqual(resumed.epochs.map((e) => e.epoch), [1, 2, 3, 4]);
    const u = kensa(...train, '--out', join(dir, 'straight'), '--epochs', '4');
    assert.equal(u.code, 0, u.stderr);
    const straight = JSON.parse(u.stdout) as TrainResult;
    assert.deepEqual(outcome(resumed), outcome(straight), 'resumed run = uninterrupted run (history, accuracies, thresholds)');
    assert.deepEqual(JSON.parse(readFileSync(join(run, 'metrics.json'), 'utf8')), resumed, 'metrics.json holds the printed result');
    assert.ok(resumed.testTileAccuracy >= MIN_TEST_ACCURACY, `test tile accuracy ${resumed.testTileAccuracy} vs chance 1/3`);
    await checkReportInBrowser(join(run, 'report.html'));
    // identify: a test image of each class gets its class; the unknown image gets 'unknown'
    const verdict = (path: string): Verdicts['images'][number] => {
      const id = kensa('metric', 'identify', path, '--model', run, '--score', 'centroid-distance', '--json');
      assert.equal(id.code, 0, id.stderr);
      const v = JSON.parse(id.stdout) as Verdicts;
      assert.equal(v.score, 'centroid-distance');
      assert.equal(v.images.length, 1);
      assert.equal(v.images[0].path, path);
      return v.images[0];
    };
    for (const name of KINDS) assert.equal(verdict(join(data, name, `${name}_007.png`)).verdict, name, `${name}_007.png`);
    const unk = verdict(unknown);
    assert.equal(unk.verdict, 'unknown', `unknown image: ${JSON.stringify(unk)}`);
    assert.ok(unk.unknownFraction > 0.5);
    // the identify report: verdicts and a per-tile score map per image
    const idOut = join(dir, 'identify');
    const idSet = join(dir, 'identify-set');
    mkdirSync(idSet);
    copyFileSync(join(data, KINDS[0], `${KINDS[0]}_007.png`), join(idSet, 'known.png'));
    copyFileSync(unknown, join(idSet, 'unknown.png'));
    const idr = kensa('metric', 'identify', idSet, '--model', run, '--out', idOut, '--quiet');
    assert.equal(idr.code, 0, idr.stderr);
    await checkReportInBrowser(join(idOut, 'report.html'), { minImages: 2 });
    // bad input: a missing image names the path, one line, exit 1
    const bad = kensa('metric', 'identify', join(dir, 'nope.png'), '--model', run);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr.trim(), /nope\.png/);
    assert.equal(bad.stderr.trim().split('\n').length, 1);
    // leave-one-class-out with two heads, one held-out class
    const ev = kensa('metric', 'openset-eval', '--data', data, '--out', join(dir, 'eval'), '--epochs', '1', '--heads', 'softmax,arcface', '--hold-out', 'speckle', '--json', ...common);
    assert.equal(ev.code, 0, ev.stderr);
    const e = JSON.parse(ev.stdout) as Record<string, unknown>;
    const text = JSON.stringify(e);
    for (const key of ['closedSetTileAccuracy', 'closedSetImageAccuracy', 'auroc', 'msp']) assert.ok(text.includes(key), key);
    // the confusion matrix of the known test tiles agrees with the closed-set accuracy
    const folds = (e as { folds: { head: string; knownClasses: string[]; confusion: number[][]; closedSetTileAccuracy: number }[] }).folds;
    assert.equal(folds.length, 2);
    for (const f of folds) {
      assert.deepEqual(f.knownClasses, ['checker', 'stripes']);
      const total = f.confusion.flat().reduce((a, b) => a + b, 0);
      assert.ok(total > 0);
      assert.ok(Math.abs((f.confusion[0][0] + f.confusion[1][1]) / total - f.closedSetTileAccuracy) < 1e-12, f.head);
    }
    // the report: embedding projections of the first fold and a ROC figure per held-out class
    const figs = readdirSync(join(dir, 'eval', 'figures'));
    await checkReportInBrowser(join(dir, 'eval', 'report.html'));
    for (const f of ['embedding-pca-softmax.svg', 'embedding-umap-arcface.svg', 'roc-speckle.svg']) assert.ok(figs.includes(f), `${f} in ${figs.join(', ')}`);
    const roc = readFileSync(join(dir, 'eval', 'figures', 'roc-speckle.svg'), 'utf8');
    for (const name of ['softmax · msp', 'softmax · energy', 'arcface · centroid-distance', 'arcface · knn-distance']) assert.ok(roc.includes(name), name);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

interface ProtocolJson {
  protocol: { testBlocks: number[]; seeds: number[]; foldsPerHead: number; unknownImages: string };
  intervals: Record<string, { folds: number; auroc: Record<string, { mean: number; low: number; high: number; n: number }> }>;
  paired: { head: string; score: string; baseline: string; difference: { mean: number; low: number; high: number; wins: number; losses: number } }[];
  folds: { head: string; testBlock: number; seed: number; unknownClass: string; scores: Record<string, { auroc: number }>; trainSeconds: number; epochs: { seconds: number; tilesPerSecond: number }[] }[];
}
/** A result without its timings. */
const untimed = (j: ProtocolJson): unknown => JSON.parse(JSON.stringify(j, (k, v) => (/^(trainSeconds|seconds|tilesPerSecond)$/.test(k) ? undefined : v)));

test('openset-eval protocol: every test block × 2 seeds in one run, intervals and paired differences recomputed from the folds; 2 worker processes give the same numbers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kensa-openset-'));
  try {
    const data = join(dir, 'data');
    await makeDataset(data, join(dir, 'unused.png'));
    const args = ['metric', 'openset-eval', '--data', data, '--epochs', '1', '--heads', 'softmax,arcface', '--hold-out', 'speckle', '--test-blocks', 'all', '--seeds', '2', '--unknown-images', 'test-block', '--no-figures', '--json', ...common];
    const seq = kensa(...args, '--out', join(dir, 'seq'));
    assert.equal(seq.code, 0, seq.stderr);
    const j = JSON.parse(seq.stdout) as ProtocolJson;
    // 8 images per class, test fraction 0.25: 4 blocks; × 2 seeds × 1 class = 8 folds per head
    assert.deepEqual(j.protocol.testBlocks, [0, 1, 2, 3]);
    assert.deepEqual(j.protocol.seeds, [0, 1]);
    assert.equal(j.protocol.foldsPerHead, 8);
    assert.equal(j.folds.length, 16);
    assert.deepEqual(j.folds.filter((f) => f.head === 'arcface').map((f) => `${f.testBlock}/${f.seed}`), ['0/0', '0/1', '1/0', '1/1', '2/0', '2/1', '3/0', '3/1']);
    // the two seeds train differently
    const a0 = j.folds.find((f) => f.head === 'arcface' && f.testBlock === 0 && f.seed === 0)!;
    const a1 = j.folds.find((f) => f.head === 'arcface' && f.testBlock === 0 && f.seed === 1)!;
    assert.notDeepEqual(a0.scores, a1.scores);
    // intervals: the mean of the folds' AUROCs, inside its interval
    for (const h of ['softmax', 'arcface']) {
      const v = j.folds.filter((f) => f.head === h).map((f) => f.scores['knn-distance'].auroc);
      const iv = j.intervals[h].auroc['knn-distance'];
      assert.ok(Math.abs(iv.mean - v.reduce((s, x) => s + x, 0) / v.length) < 1e-12);
      assert.ok(iv.low <= iv.mean && iv.mean <= iv.high && iv.low >= Math.min(...v) && iv.high <= Math.max(...v), JSON.stringify(iv));
    }
    // paired: arcface · each score − softmax · msp / energy, recomputed fold by fold
    assert.equal(j.paired.length, 2 * Object.keys(a0.scores).length);
    for (const p of j.paired) {
      const d = j.folds.filter((f) => f.head === 'arcface').map((f) => f.scores[p.score].auroc - j.folds.find((g) => g.head === 'softmax' && g.testBlock === f.testBlock && g.seed === f.seed)!.scores[p.baseline].auroc);
      assert.ok(Math.abs(p.difference.mean - d.reduce((s, x) => s + x, 0) / d.length) < 1e-12, `${p.score} − ${p.baseline}`);
      assert.equal(p.difference.wins, d.filter((x) => x > 0).length);
      assert.equal(p.difference.losses, d.filter((x) => x < 0).length);
    }
    const summary = JSON.parse(readFileSync(join(dir, 'seq', 'summary.json'), 'utf8')) as { tables: { caption: string; rows: unknown[] }[] };
    assert.ok(summary.tables.some((t) => /^Paired tile-AUROC difference/.test(t.caption) && t.rows.length === Object.keys(a0.scores).length), 'the report shows the paired table');
    // the same run on 2 worker processes (1 libtorch thread each)
    const w = spawnSync(process.execPath, [MAIN, ...args, '--out', join(dir, 'par'), '--quiet', '--workers', '2', '--threads', '2'], { encoding: 'utf8' });
    assert.equal(w.status, 0, w.stderr);
    assert.deepEqual(untimed(JSON.parse(w.stdout) as ProtocolJson), untimed(j), 'workers = sequential run');
    // bad input: one line each
    for (const [opt, val, msg] of [['--test-blocks', '4', /--test-blocks.*\[0, 3\]/], ['--seeds', 'x', /--seeds/], ['--workers', '2', /--workers.*--threads/]] as const) {
      const b = kensa(...args.filter((a) => a !== '--json'), '--out', join(dir, 'bad'), opt, val);
      assert.equal(b.code, 2, b.stderr);
      assert.equal(b.stderr.trim().split('\n').length, 1, b.stderr);
      assert.match(b.stderr, msg);
    }
    assert.ok(!existsSync(join(dir, 'bad', 'metrics.json')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
