// classify train --cv-folds: K-fold cross-validation by subject. Every subject is tested exactly
// once, by the fold model that did not train on it; the pooled evaluation equals the folds' own
// test results put together; each fold is a model folder the other commands take; one fold run
// alone (--cv-fold) equals that fold of the full run; the group bootstrap has known answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packImageSet } from '../../data/index.js';
import { writeHeadSet } from '../../testing/synthetic-heads.js';
import { groupBootstrap } from './classify-train.js';

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));
function kensa(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args, '--quiet', '--threads', '1'], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface Eval { count: number; accuracy: number; groupAccuracy: number; groups: number; confusion: number[] }
interface Interval { estimate: number; low: number; high: number }
interface CvResult {
  crossValidation: { folds: number; foldsRun: number[] };
  folds: { fold: number; model: string; accuracy: number; groupAccuracy: number; groups: { train: number; val: number; test: number } }[];
  test: Eval;
  intervals: { accuracy: Interval; groupAccuracy: Interval; auc: Interval };
}

// 24³ heads, 8 axial slices each (0.35:0.65), 9 subjects per class, 3 folds: per fold and class
// 3 test subjects, of the other 6 one for validation (0.15 of 6 rounds to 1) and 5 for training.
const common = ['--size', '32', '--slices', '0.35:0.65', '--width', '8', '--batch-size', '16', '--val-fraction', '0.15', '--augment', 'flip', '--epochs', '12', '--cv-folds', '3'];

test('classify train --cv-folds: subjects tested once, pooled = folds together, folds are models, one fold alone = the same fold', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kensa-classify-cv-'));
  try {
    const data = join(dir, 'data');
    await writeHeadSet(data, 9, 4);
    const out = join(dir, 'cv');
    const r = kensa('classify', 'train', '--data', data, '--out', out, '--json', ...common);
    assert.equal(r.code, 0, r.stderr);
    const cv = JSON.parse(r.stdout) as CvResult;
    assert.deepEqual(cv.crossValidation.foldsRun, [0, 1, 2]);
    assert.equal(cv.test.groups, 18, 'all 18 subjects tested');
    assert.equal(cv.test.count, 18 * 8);
    const splits = [0, 1, 2].map((k) => JSON.parse(readFileSync(join(out, 'folds', `fold-${k}`, 'split.json'), 'utf8')) as { train: string[]; val: string[]; test: string[] });
    const tested = splits.flatMap((s) => s.test);
    assert.equal(new Set(tested).size, 18, 'each subject in exactly one test fold');
    for (const s of splits) {
      assert.equal(s.test.length, 6);
      assert.equal(s.val.length, 2);
      assert.ok(s.train.every((g) => !s.test.includes(g) && !s.val.includes(g)), 'no subject on two sides');
    }
    // pooled = the folds' own test results together (6 subjects of 8 slices each per fold)
    const right = cv.folds.reduce((s, f) => s + f.accuracy * 48, 0);
    assert.ok(Math.abs(cv.test.accuracy - right / 144) < 1e-9, `pooled ${cv.test.accuracy} vs folds ${right / 144}`);
    assert.ok(Math.abs(cv.test.groupAccuracy - cv.folds.reduce((s, f) => s + f.groupAccuracy * 6, 0) / 18) < 1e-9);
    // it learned: a chance-level model is right on all 18 subjects with probability 2^-18;
    // measured 1.00 per subject
    assert.ok(cv.test.groupAccuracy >= 16 / 18, `per subject ${cv.test.groupAccuracy}`);
    assert.ok(cv.test.accuracy >= 0.85, `per slice ${cv.test.accuracy}`);
    for (const k of ['accuracy', 'groupAccuracy', 'auc'] as const) {
      const iv = cv.intervals[k];
      assert.ok(iv.low <= iv.estimate + 1e-12 && iv.estimate <= iv.high + 1e-12, `${k}: ${JSON.stringify(iv)}`);
    }
    assert.ok(Math.abs(cv.intervals.accuracy.estimate - cv.test.accuracy) < 1e-12);
    for (const f of ['report.html', 'metrics.json', 'figures/cv-test-confusion.svg', 'folds/fold-0/classifier.json', 'folds/fold-2/checkpoints/best.safetensors', 'folds/fold-1/report.html']) assert.ok(existsSync(join(out, f)), f);
    // a fold folder is a classifier model: eval on its own test subjects gives the fold's result
    const e = kensa('classify', 'eval', '--model', join(out, 'folds', 'fold-1'), '--json');
    assert.equal(e.code, 0, e.stderr);
    assert.equal((JSON.parse(e.stdout) as Eval).accuracy, cv.folds[1].accuracy);
    // one fold alone (e.g. one fold per machine) = that fold of the full run
    const one = kensa('classify', 'train', '--data', data, '--out', join(dir, 'one'), '--json', '--cv-fold', '1', ...common);
    assert.equal(one.code, 0, one.stderr);
    const r1 = JSON.parse(one.stdout) as CvResult;
    assert.deepEqual(r1.crossValidation.foldsRun, [1]);
    assert.equal(r1.folds[0].accuracy, cv.folds[1].accuracy);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'one', 'folds', 'fold-1', 'split.json'), 'utf8')), splits[1]);
    // --resume of a finished run trains nothing more and gives the same pooled result
    const again = kensa('classify', 'train', '--data', data, '--out', out, '--json', '--resume', ...common);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual((JSON.parse(again.stdout) as CvResult).test, cv.test);
    // bad input: one line each
    for (const [args, re] of [
      [['--cv-folds', '1'], /--cv-folds: must be 0 \(one split\) or at least 2/],
      [['--cv-folds', '10'], /--cv-folds: class 'big' has 9 group\(s\).*fewer than the 10 folds/],
      [['--cv-fold', '0', '--cv-folds', '0'], /--cv-fold: needs --cv-folds/],
    ] as [string[], RegExp][]) {
      const b = kensa('classify', 'train', '--data', data, '--out', join(dir, 'bad'), ...common, ...args);
      assert.notEqual(b.code, 0);
      assert.equal(b.stderr.trim().split('\n').length, 1, b.stderr);
      assert.match(b.stderr, re);
    }
    assert.ok(!existsSync(join(dir, 'bad')), 'failed runs leave no folder');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('groupBootstrap: whole subjects resampled, known answers', () => {
  // two subjects of 3 images: subject a all right (class 0, p0 = 0.9), subject b all wrong
  // (class 1, p1 = 0.2): per-image accuracy 0.5; a resample holds a twice (1), b twice (0) or
  // one of each (0.5), so the 95 % interval is [0, 1]; with b's images right instead it is [1, 1]
  const img = { channels: 1, height: 1, width: 1, data: new Float32Array(1) };
  const items = [0, 1, 2, 3, 4, 5].map((i) => ({ image: img, label: i < 3 ? 0 : 1, group: i < 3 ? 'a' : 'b', source: { path: `${i}` } }));
  const set = packImageSet(['x', 'y'], items);
  const probs = Float32Array.from([0.9, 0.1, 0.9, 0.1, 0.9, 0.1, 0.8, 0.2, 0.8, 0.2, 0.8, 0.2]);
  const b = groupBootstrap(set, probs, 0, 400);
  assert.equal(b.accuracy.estimate, 0.5);
  assert.equal(b.accuracy.low, 0);
  assert.equal(b.accuracy.high, 1);
  assert.equal(b.groupAccuracy.estimate, 0.5);
  const allRight = Float32Array.from([0.9, 0.1, 0.9, 0.1, 0.9, 0.1, 0.2, 0.8, 0.2, 0.8, 0.2, 0.8]);
  const c = groupBootstrap(set, allRight, 0, 400);
  assert.deepEqual([c.accuracy.estimate, c.accuracy.low, c.accuracy.high], [1, 1, 1]);
  assert.equal(c.auc!.estimate, 1);
});
