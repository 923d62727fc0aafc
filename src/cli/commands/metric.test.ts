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
    const train = ['metric', 'train', '--data', data, '--head', 'softmax', '--json', ...common];
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
