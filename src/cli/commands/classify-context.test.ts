// classify --context and --tta end to end on generated NIfTI heads: a 2.5-D model stores its
// context and every command that reads images for it (eval, predict, cam) applies the same; eval
// reproduces train's plain and flip-averaged test numbers; explain refuses a context model in one
// line; bad values are one-line errors; cross-validation keeps the plain result beside the TTA one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNifti } from '../../io/index.js';
import { packImageSet, volumeImages } from '../../data/index.js';
import { writeGreyPng } from '../../data/fixtures-support.js';
import { writeHeadSet } from '../../testing/synthetic-heads.js';
import { loadClassifierRun } from '../../methods/classify/model-store.js';
import { predictProbabilities } from '../../methods/classify/trainer.js';

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));
function kensa(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args, '--quiet', '--threads', '1'], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
const oneLine = (s: string): string => s.trim().split('\n').filter(Boolean).join(' | ');

// 24³ heads, axial slices 0.35:0.65 every 2nd (slices 8, 10, 12, 14 of 24: 4 per subject), 6 subjects per class
const common = ['--size', '32', '--slices', '0.35:0.65', '--slice-step', '2', '--width', '8', '--batch-size', '16', '--val-fraction', '0.15', '--augment', 'flip'];
interface Eval { accuracy: number; groupAccuracy: number; count: number }

test('classify --context 1 --tta flip: stored, applied by eval / predict / cam, refused by explain, bad values', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kensa-classify-ctx-'));
  try {
    const data = join(dir, 'data');
    await writeHeadSet(data, 6, 2);
    const out = join(dir, 'ctx');
    const r = kensa('classify', 'train', '--data', data, '--out', out, '--epochs', '4', '--test-fraction', '0.25', '--context', '1', '--tta', 'flip', '--json', ...common);
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout) as { backbone: { inChannels: number }; test: Eval; testPlain: Eval };
    assert.equal(res.backbone.inChannels, 3, '2K+1 = 3 input channels');
    assert.equal((JSON.parse(readFileSync(join(out, 'classifier.json'), 'utf8')) as { image: { context: number } }).image.context, 1);
    assert.equal(res.testPlain.count, res.test.count);

    // eval reads the test subjects with the stored context: the plain and the flip numbers of train
    const ePlain = kensa('classify', 'eval', '--model', out, '--json');
    assert.equal(ePlain.code, 0, ePlain.stderr);
    assert.equal((JSON.parse(ePlain.stdout) as Eval).accuracy, res.testPlain.accuracy);
    const eFlip = kensa('classify', 'eval', '--model', out, '--tta', 'flip', '--json');
    assert.equal(eFlip.code, 0, eFlip.stderr);
    assert.equal((JSON.parse(eFlip.stdout) as Eval).accuracy, res.test.accuracy);

    // predict on one volume = the model applied in-process to that volume's 3-channel slices
    const split = JSON.parse(readFileSync(join(out, 'split.json'), 'utf8')) as { test: string[] };
    const file = join(data, `${split.test[0]}.nii.gz`);
    const model = loadClassifierRun(out);
    const items = volumeImages(await readNifti(file, { canonical: true }), { ...model.meta.image, size: model.inputSize });
    assert.equal(items[0].image.channels, 3);
    const set = packImageSet(model.classes, items.map((it) => ({ image: it.image, label: 0, group: 'g', source: { path: file, slice: it.slice } })));
    for (const tta of ['none', 'flip'] as const) {
      const want = predictProbabilities(model.net, set, { norm: model.meta.norm, tta });
      const p = kensa('classify', 'predict', file, '--model', out, '--tta', tta, '--json');
      assert.equal(p.code, 0, p.stderr);
      const got = (JSON.parse(p.stdout) as { perSlice: { slice: number; probabilities: Record<string, number> }[] }[])[0].perSlice;
      assert.deepEqual(got.map((s) => s.slice), items.map((it) => it.slice));
      got.forEach((s, i) => assert.ok(Math.abs(s.probabilities[model.classes[1]] - want[i * 2 + 1]) < 1e-6, `${tta}, slice ${s.slice}`));
    }
    model.dispose();

    // cam builds the 3-channel input; explain (one-slice CycleGAN translations) refuses in one line
    const cam = kensa('cam', file, '--model', out, '--method', 'gradcam', '--out', join(dir, 'cam'));
    assert.equal(cam.code, 0, cam.stderr);
    assert.ok(existsSync(join(dir, 'cam', 'overlays')), 'overlays written');
    const ex = kensa('explain', '--classifier', out, '--cyclegan', join(dir, 'no-gan'), '--data', data, '--out', join(dir, 'ex'));
    assert.notEqual(ex.code, 0);
    assert.match(oneLine(ex.stderr), /^[^|]*--classifier: .* takes 3 neighbouring slices per input \(--context 1\); explain translates one slice at a time, so it needs a classifier trained without --context$/);

    // bad values: one line each, nothing trained
    const bad: [string[], RegExp][] = [
      [['--context', '-1'], /--context/],
      [['--context', 'two'], /--context/],
      [['--tta', 'rot90'], /--tta/],
    ];
    for (const [args, re] of bad) {
      const b = kensa('classify', 'train', '--data', data, '--out', join(dir, 'bad'), '--epochs', '1', ...common, ...args);
      assert.notEqual(b.code, 0, args.join(' '));
      assert.match(oneLine(b.stderr), re);
      assert.ok(!oneLine(b.stderr).includes('|'), `one line: ${b.stderr}`);
    }
    const e = kensa('classify', 'eval', '--model', out, '--tta', 'mirror');
    assert.notEqual(e.code, 0);
    assert.ok(!oneLine(e.stderr).includes('|') && /--tta/.test(e.stderr), e.stderr);
    const png = join(dir, 'png');
    for (const c of ['a', 'b']) for (let i = 0; i < 4; i++) await writeGreyPng(join(png, c, `${i}.png`), 8, 8, (x) => x * (c === 'a' ? 10 : 20) + i);
    const p2 = kensa('classify', 'train', '--data', png, '--out', join(dir, 'bad2d'), '--epochs', '1', '--size', '8', '--context', '1');
    assert.notEqual(p2.code, 0);
    assert.match(oneLine(p2.stderr), /^[^|]*--context: applies to NIfTI volumes only; .*\.png is a 2-D image$/);
    assert.ok(!existsSync(join(dir, 'bad2d', 'classifier.json')), 'no model written');

    // cross-validation with --tta flip keeps the plain pooled evaluation and interval beside it
    const cv = kensa('classify', 'train', '--data', data, '--out', join(dir, 'cv'), '--epochs', '1', '--cv-folds', '2', '--context', '1', '--tta', 'flip', '--json', ...common);
    assert.equal(cv.code, 0, cv.stderr);
    const rcv = JSON.parse(cv.stdout) as { test: Eval; testPlain: Eval; intervalsPlain: { accuracy: { low: number; high: number } }; folds: { plainAccuracy: number }[] };
    assert.equal(rcv.testPlain.count, 12 * 4);
    assert.ok(rcv.intervalsPlain.accuracy.low <= rcv.testPlain.accuracy && rcv.testPlain.accuracy <= rcv.intervalsPlain.accuracy.high);
    assert.equal(rcv.folds.length, 2);
    assert.ok(rcv.folds.every((f) => Number.isFinite(f.plainAccuracy)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
