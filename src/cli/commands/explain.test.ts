// kensa explain end to end, and explainSet against translations with known outcomes: with the
// identity nothing changes and nothing flips; with an oracle that swaps in the other group's mean
// image everything flips and the group-mean difference sits on the structure that differs; kensa cam
// on the same classifier.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import sharp from 'sharp';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor, type Tensor } from '../../engine/index.js';
import { loadImageSet, imageAt } from '../../data/index.js';
import { loadClassifierRun } from '../../methods/classify/model-store.js';
import { explainSet, functionTranslator, meanAgreement } from '../../methods/explain/explain.js';
import { meanMap, pearson, topFractionOverlap } from '../../methods/explain/difference-maps.js';
import { gaussianSmooth } from '../../data/gaussian.js';
import { defaultCamLayer } from '../../methods/cam/index.js';
import { writeHeadSet } from '../../testing/synthetic-heads.js';
import { checkReportInBrowser, closeReportBrowser } from '../../testing/report-browser.js';

after(closeReportBrowser);

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));
function kensa(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args, '--quiet', '--threads', '1'], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const IMG = ['--size', '32', '--slices', '0.35:0.65'];
const FR = ['--val-fraction', '0.15', '--test-fraction', '0.25'];

test('explain: identity and oracle translations, then the command on a trained classifier and CycleGAN', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kensa-explain-'));
  try {
    const data = join(dir, 'data');
    await writeHeadSet(data, 10, 1);
    const cls = join(dir, 'cls');
    const c = kensa('classify', 'train', '--data', data, '--out', cls, '--epochs', '15', '--width', '8', '--batch-size', '16', '--augment', 'flip', ...IMG, ...FR);
    assert.equal(c.code, 0, c.stderr);
    const model = loadClassifierRun(cls);
    const set = await loadImageSet(data, { ...model.meta.image, classes: ['big', 'small'] });
    const domains = { a: 'big', b: 'small' };
    const P = 32 * 32;

    // identity: the difference is zero, so no image crosses the boundary (the classifier is right on these)
    const same = explainSet(model, functionTranslator(domains, 32, (x) => x.clone()), set, { methods: ['gradcam'], layers: [defaultCamLayer(model.net)] });
    assert.equal(same.images.length, set.count);
    for (const d of same.directions) {
      assert.ok(d.flipRate <= 0.05, `identity flipped ${d.flipRate} of ${d.from}`);
      assert.ok(d.meanDifference.every((v) => v === 0));
    }

    // oracle: every image replaced by the other group's mean image
    const mean = (label: number): Float32Array => meanMap(Array.from({ length: set.count }, (_, i) => i).filter((i) => set.labels[i] === label).map((i) => Float32Array.from(imageAt(set, i).data)));
    const target = { a2b: mean(1), b2a: mean(0) };
    const oracle = functionTranslator(domains, 32, (x: Tensor, d) => {
      const n = x.shape[0];
      const out = new Float32Array(n * P);
      for (let k = 0; k < n; k++) out.set(target[d], k * P);
      return tensor(out, { shape: [n, 1, 32, 32] });
    });
    const swapped = explainSet(model, oracle, set, { methods: ['gradcam', 'layercam'], layers: [defaultCamLayer(model.net)], samples: 2 });
    for (const d of swapped.directions) assert.ok(d.flipRate >= 0.95, `oracle flipped only ${d.flipRate} of ${d.from}`);
    // big → small fills the dark blob: original − translated is negative at the centre, ~0 at the rim
    const b2s = swapped.directions.find((d) => d.from === 'big')!;
    const centre = b2s.meanDifference[16 * 32 + 16];
    const rim = b2s.meanDifference[16 * 32 + 5];
    assert.ok(centre < -0.2 && Math.abs(rim) < Math.abs(centre) / 3, `centre ${centre}, rim ${rim}`);
    assert.equal(swapped.samples.length, 4);
    const agree = meanAgreement(swapped.images, ['gradcam', 'layercam']);
    for (const m of ['gradcam', 'layercam']) assert.ok(agree[m].topOverlap >= 0 && agree[m].topOverlap <= 1 && Number.isFinite(agree[m].pearson));
    // smoothing |difference| before the comparison: each sample's numbers equal Pearson r and the
    // top-set overlap of its CAM against the Gaussian-smoothed |difference|, computed here apart
    const sm = explainSet(model, oracle, set, { methods: ['gradcam'], layers: [defaultCamLayer(model.net)], samples: 2, smooth: 3 });
    for (const smp of sm.samples) {
      const head = smp.original.map((v) => (v > 0.05 ? 1 : 0));
      const blurred = Float32Array.from(gaussianSmooth(Float64Array.from(smp.difference.map(Math.abs)), 32, 32, 1, 3));
      assert.ok(Math.abs(smp.agreement.gradcam.pearson - pearson(smp.cams.gradcam, blurred, head)) < 1e-9);
      assert.equal(smp.agreement.gradcam.topOverlap, topFractionOverlap(smp.cams.gradcam, blurred, 0.1, head));
    }
    const raw0 = swapped.samples[0];
    assert.ok(Math.abs(raw0.agreement.gradcam.pearson - pearson(raw0.cams.gradcam, raw0.difference.map(Math.abs), raw0.original.map((v) => (v > 0.05 ? 1 : 0)))) < 1e-9, 'smooth 0 compares raw pixels');
    model.dispose();

    // the command, with a tiny CycleGAN trained for one epoch
    const gan = join(dir, 'gan');
    const g = kensa('cyclegan', 'train', '--data', data, '--a', 'big', '--b', 'small', '--out', gan, '--epochs', '1', '--decay-epochs', '0', '--ngf', '4', '--ndf', '4', '--blocks', '1', '--samples', '1', ...IMG, ...FR);
    assert.equal(g.code, 0, g.stderr);
    const out = join(dir, 'explain');
    const e = kensa('explain', '--classifier', cls, '--cyclegan', gan, '--data', data, '--out', out, '--split', 'classifier-test', '--methods', 'gradcam,layercam', '--json');
    assert.equal(e.code, 0, e.stderr);
    const r = JSON.parse(e.stdout) as { classifierAccuracy: number; flipRate: Record<string, number>; camAgreement: Record<string, { pearson: number; top10Overlap: number }>; images: number; subjects: number };
    assert.deepEqual(Object.keys(r.flipRate).sort(), ['bigToSmall', 'smallToBig']);
    assert.deepEqual(Object.keys(r.camAgreement), ['gradcam', 'layercam']);
    assert.equal(r.subjects, 6);
    assert.equal(r.images, 6 * 8);
    const ev = JSON.parse(kensa('classify', 'eval', '--model', cls, '--json').stdout) as { accuracy: number };
    assert.equal(r.classifierAccuracy, ev.accuracy, 'same images, same classifier');
    for (const f of ['report.html', 'figures/confusion-after.svg', 'figures/mean-big-to-small.svg', 'figures/samples-small-to-big.svg']) assert.ok(existsSync(join(out, f)), f);
    await checkReportInBrowser(join(out, 'report.html'));
    // a CycleGAN between classes the classifier does not know is a one-line error
    const bad = kensa('explain', '--classifier', cls, '--cyclegan', cls, '--data', data);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr.trim(), /^kensa: .*is not a CycleGAN run/);
    assert.equal(bad.stderr.trim().split('\n').length, 1);

    // kensa cam on the same classifier: one overlay per input and method, predictions equal to
    // classify predict's, faithfulness numbers per method, one-line errors
    const vol = join(data, 'big', readdirSync(join(data, 'big')).sort()[0]);
    const camOut = join(dir, 'cam');
    const cm = kensa('cam', vol, '--model', cls, '--out', camOut, '--method', 'gradcam,hirescam', '--faithfulness', '--baseline', 'zero', '--json');
    assert.equal(cm.code, 0, cm.stderr);
    const cr = JSON.parse(cm.stdout) as { inputs: number; mean: Record<string, { deletionAuc: number; insertionAuc: number }>; images: { slice: number; predicted: { name: string; probability: number } }[] };
    const pr = JSON.parse(kensa('classify', 'predict', vol, '--model', cls, '--json').stdout) as { perSlice: { slice: number; predicted: string; probabilities: Record<string, number> }[] }[];
    assert.equal(cr.inputs, pr[0].perSlice.length);
    cr.images.forEach((im, i) => {
      assert.equal(im.slice, pr[0].perSlice[i].slice);
      assert.equal(im.predicted.name, pr[0].perSlice[i].predicted);
      assert.ok(Math.abs(im.predicted.probability - pr[0].perSlice[i].probabilities[im.predicted.name]) < 1e-5);
    });
    for (const m of ['gradcam', 'hirescam']) {
      const s = cr.mean[m];
      assert.ok(s.deletionAuc >= 0 && s.deletionAuc <= 1 && s.insertionAuc >= 0 && s.insertionAuc <= 1, JSON.stringify(s));
    }
    const overlays = readdirSync(join(camOut, 'overlays'));
    assert.equal(overlays.length, 2 * cr.inputs);
    const meta = await sharp(join(camOut, 'overlays', overlays[0])).metadata();
    assert.deepEqual([meta.width, meta.height, meta.channels], [32, 32, 4]);
    assert.equal(readFileSync(join(camOut, 'cams.csv'), 'utf8').trim().split('\n').length, 1 + cr.inputs);
    assert.ok(existsSync(join(camOut, 'figures', 'cams.svg')));
    await checkReportInBrowser(join(camOut, 'report.html'));
    for (const [args, re] of [[['--method', 'nonsense'], /--method: unknown CAM method 'nonsense'/], [['--layer', 'features.99'], /--layer: .*has no layer 'features.99'/], [['--target', 'medium'], /--target: 'medium' is neither a class/]] as const) {
      const b = kensa('cam', vol, '--model', cls, ...args);
      assert.equal(b.code, 2, b.stderr);
      assert.match(b.stderr, re);
      assert.equal(b.stderr.trim().split('\n').length, 1);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
