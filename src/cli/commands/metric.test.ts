// The metric-learning commands end to end on a small generated class-folder dataset: train (with
// resume), identify, and a leave-one-class-out evaluation — outputs, JSON shape, bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { packageRoot } from '../../util/data-root.js';
import { Rng } from '../../data/rng.js';

const MAIN = join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
function kensa(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args, '--quiet', '--threads', '1'], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Three textures: horizontal stripes, vertical stripes, speckle; 6 grey 64×64 images each. */
async function makeDataset(root: string): Promise<void> {
  const rng = new Rng(3);
  const kinds = ['hstripes', 'vstripes', 'speckle'];
  for (const [k, name] of kinds.entries()) {
    mkdirSync(join(root, name), { recursive: true });
    for (let n = 0; n < 6; n++) {
      const px = Buffer.alloc(64 * 64);
      for (let y = 0; y < 64; y++) {
        for (let x = 0; x < 64; x++) {
          const base = k === 0 ? (y % 8 < 4 ? 200 : 60) : k === 1 ? (x % 8 < 4 ? 200 : 60) : rng.next() < 0.5 ? 200 : 60;
          px[y * 64 + x] = Math.max(0, Math.min(255, base + Math.round((rng.next() - 0.5) * 40)));
        }
      }
      await sharp(px, { raw: { width: 64, height: 64, channels: 1 } }).png().toFile(join(root, name, `${name}_${String(n).padStart(3, '0')}.png`));
    }
  }
}

const common = ['--guard', '0', '--crop', 'none', '--tile-size', '32', '--downsample', '2', '--width', '4', '--embedding-size', '8', '--batch-size', '16', '--val-fraction', '0.34', '--test-fraction', '0.34'];

test('metric train → identify → openset-eval on generated textures', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kensa-metric-'));
  try {
    const data = join(dir, 'data');
    await makeDataset(data);
    const run = join(dir, 'run');
    // 6 images per class: the default guard (4 images) leaves no training image, and says so
    const g = kensa('metric', 'train', '--data', data, '--out', join(dir, 'guarded'), '--epochs', '1', ...common, '--guard', '4');
    assert.equal(g.code, 2, g.stderr);
    assert.equal(g.stderr.trim().split('\n').length, 1, g.stderr);
    assert.match(g.stderr, /--guard.*class 'hstripes' \(6 images\) gets 0 training and 2 validation images; --guard 4 left out 2/);
    assert.ok(!existsSync(join(dir, 'guarded')));
    const t = kensa('metric', 'train', '--data', data, '--out', run, '--epochs', '2', '--head', 'cosface', '--json', ...common);
    assert.equal(t.code, 0, t.stderr);
    const res = JSON.parse(t.stdout) as { testTileAccuracy: number; valTileAccuracy: number };
    assert.ok(res.testTileAccuracy >= 0 && res.testTileAccuracy <= 1);
    assert.ok(existsSync(join(run, 'report.html')));
    assert.ok(readdirSync(join(run, 'checkpoints')).length > 0);
    // resume continues to epoch 3 from the saved state
    const r = kensa('metric', 'train', '--data', data, '--out', run, '--epochs', '3', '--head', 'cosface', '--resume', '--json', ...common);
    assert.equal(r.code, 0, r.stderr);
    // identify every image of one class
    const id = kensa('metric', 'identify', join(data, 'vstripes'), '--model', run, '--json');
    assert.equal(id.code, 0, id.stderr);
    const verdicts = JSON.parse(id.stdout) as unknown;
    assert.ok(JSON.stringify(verdicts).includes('vstripes_000.png'));
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
      assert.deepEqual(f.knownClasses, ['hstripes', 'vstripes']);
      const total = f.confusion.flat().reduce((a, b) => a + b, 0);
      assert.ok(total > 0);
      assert.ok(Math.abs((f.confusion[0][0] + f.confusion[1][1]) / total - f.closedSetTileAccuracy) < 1e-12, f.head);
    }
    // the report: embedding projections of the first fold and a ROC figure per held-out class
    const figs = readdirSync(join(dir, 'eval', 'figures'));
    for (const f of ['embedding-pca-softmax.svg', 'embedding-umap-arcface.svg', 'roc-speckle.svg']) assert.ok(figs.includes(f), `${f} in ${figs.join(', ')}`);
    const roc = readFileSync(join(dir, 'eval', 'figures', 'roc-speckle.svg'), 'utf8');
    for (const name of ['softmax · msp', 'softmax · energy', 'arcface · centroid-distance', 'arcface · knn-distance']) assert.ok(roc.includes(name), name);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
