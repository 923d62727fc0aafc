// The transfer commands end to end on a generated region folder (the ixi-t1-regions layout):
// pretraining beats its shuffled-label control on held-apart subjects, --resume continues at the
// saved epoch and ends where an uninterrupted run ends, features are saved and read back,
// evaluate gives AUC curves with intervals for every feature kind, and bad input (a label volume
// on another grid, a region missing from some volumes, an unknown --layer) is one line.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNifti, writePng } from '../../io/index.js';
import { Rng } from '../../data/rng.js';
import { loadFeatureFile } from '../../methods/transfer/feature-file.js';
import { checkReportInBrowser, closeReportBrowser } from '../../testing/report-browser.js';

after(closeReportBrowser);

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));
function kensa(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args, '--quiet', '--threads', '1'], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

// A 24³ grid of 2 mm voxels. Regions (before a per-subject shift of up to one voxel along x and y):
// 1 = box x 2..9, y 2..9, z 2..9 (bright, 0.8); 2 = x 14..21, y 2..8, z 2..9 (dark, 0.3);
// 3 = x 2..8, y 14..20, z 12..18 (0.65); 4 = x 14..19, y 14..19, z 12..17 (0.4); 5 = every other
// voxel of x, y 1..22, z 1..20 (tissue, 0.5). Noise s.d. 0.05. By the rule, --classes 3 takes
// 5, 1, 2 (largest first), so 'structures' tells 3 from 4.
const N = 24;
const AFFINE = [[2, 0, 0, 0], [0, 2, 0, 0], [0, 0, 2, 0], [0, 0, 0, 1]];
const inBox = (x: number, y: number, z: number, b: number[]): boolean => x >= b[0] && x <= b[1] && y >= b[2] && y <= b[3] && z >= b[4] && z <= b[5];
const BOXES: [number, number[], number][] = [[1, [2, 9, 2, 9, 2, 9], 0.8], [2, [14, 21, 2, 8, 2, 9], 0.3], [3, [2, 8, 14, 20, 12, 18], 0.65], [4, [14, 19, 14, 19, 12, 17], 0.4]];

async function writeSubject(root: string, stem: string, i: number, o: { spacing?: number; without?: number } = {}): Promise<void> {
  const rng = new Rng(100 + i);
  const [sx, sy] = [(i % 3) - 1, (i % 2)];
  const img = new Float32Array(N ** 3);
  const lab = new Float32Array(N ** 3);
  for (let z = 0; z < N; z++) for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) {
    const k = x + N * (y + N * z);
    const hit = BOXES.find(([, b]) => inBox(x - sx, y - sy, z, b));
    let l = hit ? hit[0] : x >= 1 && x <= 22 && y >= 1 && y <= 22 && z >= 1 && z <= 20 ? 5 : 0;
    if (l === o.without) l = 5;
    lab[k] = l;
    img[k] = (l === 0 ? 0.05 : l === 5 ? 0.5 : BOXES[l - 1][2]) + rng.normal() * 0.05;
  }
  const s = o.spacing ?? 2;
  await writeNifti(join(root, 't1', `${stem}.nii`), { shape: [N, N, N], affine: AFFINE, data: img }, { dtype: 'float32' });
  await writeNifti(join(root, 'labels', `${stem}_DLMUSE.nii`), { shape: [N, N, N], affine: AFFINE.map((r, k) => (k < 3 ? r.map((v, c) => (c === k ? s : v)) : r)), data: lab }, { dtype: 'uint8' });
}

async function writeRegionFolder(root: string, n: number, o: { badGridIn?: number; missing?: { subject: number; region: number } } = {}): Promise<void> {
  mkdirSync(join(root, 't1'), { recursive: true });
  mkdirSync(join(root, 'labels'), { recursive: true });
  for (let i = 0; i < n; i++) await writeSubject(root, `sub${i}`, i, { spacing: o.badGridIn === i ? 2.5 : 2, without: o.missing?.subject === i ? o.missing.region : undefined });
  writeFileSync(join(root, 'muse_dict.csv'), 'Index,Code,Name\n1,1,BrightBox\n2,2,DarkBox\n3,3,UpperLeft\n4,4,UpperRight\n5,5,Tissue\n');
}

/** Four 64×48 RGB "natural images" of different seeded textures. */
async function writeNaturalImages(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (let k = 0; k < 4; k++) {
    const rng = new Rng(7 + k);
    const data = new Uint8Array(64 * 48 * 3);
    for (let y = 0; y < 48; y++) for (let x = 0; x < 64; x++) for (let c = 0; c < 3; c++) data[(y * 64 + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(128 + 80 * Math.sin((x * (k + 1) + y * c) / 5) + rng.normal() * 20)));
    await writePng(join(dir, `img${k}.png`), { width: 64, height: 48, channels: 3, bitDepth: 8, data });
  }
}

const PRETRAIN = ['--classes', '3', '--patch-pixels', '16', '--width', '4', '--batch-size', '16', '--repeat', '8', '--lr', '0.003', '--val-fraction', '0.2', '--test-fraction', '0.3', '--epochs', '3'];
interface PretrainResult { history: { epoch: number; val: Record<string, number> }[]; startEpoch: number; bestEpoch: number; classes: string[]; test: { top1: number; top5: number; landmarkTop1: number; negativeRecall: number; count: number; subjects: number }; split: { train: string[]; test: string[] } }
interface Curves { auc: Record<string, number[]>; low: Record<string, number[]>; high: Record<string, number[]>; classNames: string[]; testPatches: number }

test('transfer pretrain / features / evaluate on a generated region folder', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kensa-transfer-'));
  try {
    const data = join(dir, 'regions');
    await writeRegionFolder(data, 8);
    const straight = join(dir, 'landmark');
    const a = kensa('transfer', 'pretrain', '--data', data, '--out', straight, '--json', ...PRETRAIN);
    assert.equal(a.code, 0, a.stderr);
    const ra = JSON.parse(a.stdout) as PretrainResult;
    assert.deepEqual(ra.classes, ['Tissue', 'BrightBox', 'DarkBox', 'not a landmark']);
    assert.deepEqual(ra.history.map((h) => h.epoch), [1, 2, 3]);
    // 8 subjects: 4 / 2 / 2 (rounded shares); the 2 test subjects give 3 landmarks + 3 negatives each
    assert.deepEqual([ra.split.train.length, ra.test.subjects], [4, 2]);
    assert.equal(ra.test.count, 12);
    for (const s of ra.split.test) assert.ok(!ra.split.train.includes(s));
    for (const f of ['report.html', 'summary.json', 'landmark-model.json', 'split.json', 'checkpoints/best.safetensors', 'figures/test-confusion.svg', 'figures/accuracy.svg']) assert.ok(existsSync(join(straight, f)), f);
    const summary = JSON.parse(readFileSync(join(straight, 'summary.json'), 'utf8')) as { verdict: string; facts: { label: string; value: string }[] };
    assert.match(summary.verdict, /held-apart subjects/);
    assert.equal(summary.facts[0].value, `${(ra.test.top1 * 100).toFixed(1)} %`);
    await checkReportInBrowser(join(straight, 'report.html'));

    // the no-information control: the same run on a seeded permutation of the training labels
    const ctlDir = join(dir, 'control');
    const c = kensa('transfer', 'pretrain', '--data', data, '--out', ctlDir, '--json', '--shuffle-labels', ...PRETRAIN);
    assert.equal(c.code, 0, c.stderr);
    const rc = JSON.parse(c.stdout) as PretrainResult;
    t.diagnostic(`top-1 ${ra.test.top1} vs shuffled-label control ${rc.test.top1}; landmark patches only ${ra.test.landmarkTop1} vs ${rc.test.landmarkTop1}`);
    // measured (seed 0): 1.0 vs 0.417 (chance 0.25; always answering "not a landmark", half of the
    // patches, gives 0.5); three epochs of a 4-wide mini-VGG on 4 subjects
    assert.ok(ra.test.top1 >= 0.75 && ra.test.top1 >= rc.test.top1 + 0.3, `landmark top-1 ${ra.test.top1} vs shuffled-label control ${rc.test.top1}`);
    assert.ok(ra.test.landmarkTop1 >= rc.test.landmarkTop1 + 0.3, `landmark patches: ${ra.test.landmarkTop1} vs ${rc.test.landmarkTop1}`);
    // the share on landmark patches and the "not a landmark" recall make up top-1 (half the patches each)
    assert.ok(Math.abs((ra.test.landmarkTop1 + ra.test.negativeRecall) / 2 - ra.test.top1) < 1e-12);

    // --resume: the run as a kill after epoch 2 leaves it (epoch 3's sidecar, written last, gone)
    // continues at epoch 3 and ends as the uninterrupted run did
    const resumed = join(dir, 'resumed');
    assert.equal(kensa('transfer', 'pretrain', '--data', data, '--out', resumed, ...PRETRAIN).code, 0);
    rmSync(join(resumed, 'checkpoints', 'epoch-0003.json'));
    const b = kensa('transfer', 'pretrain', '--data', data, '--out', resumed, '--resume', '--json', ...PRETRAIN);
    assert.equal(b.code, 0, b.stderr);
    const rb = JSON.parse(b.stdout) as PretrainResult;
    assert.equal(rb.startEpoch, 2);
    assert.match(readFileSync(join(resumed, 'log.txt'), 'utf8'), /resuming after epoch 2/);
    assert.deepEqual(rb.history.map((h) => h.val), ra.history.map((h) => h.val));
    assert.equal(rb.test.top1, ra.test.top1);
    const noRun = kensa('transfer', 'pretrain', '--data', data, '--out', join(dir, 'empty'), '--resume', ...PRETRAIN);
    assert.equal(noRun.code, 2);
    assert.match(noRun.stderr, /^kensa: --resume: .* holds no landmark model to resume\n$/);

    // features: an unknown layer is one line listing the valid ones, before anything is written
    const featFile = join(dir, 'feat', 'structures-embed.safetensors');
    const bad = kensa('transfer', 'features', '--model', straight, '--layer', 'features.99', '--output', featFile);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
    assert.match(bad.stderr, /--layer: unknown layer 'features\.99'; valid layers: embed, features\.0, features\.1, .*features\.13$/m);
    assert.ok(!existsSync(featFile));
    const f = kensa('transfer', 'features', '--model', straight, '--layer', 'embed', '--task', 'structures', '--per-volume', '10', '--output', featFile, '--json');
    assert.equal(f.code, 0, f.stderr);
    const ff = loadFeatureFile(featFile);
    assert.equal(ff.features.rows, 8 * 2 * 10);
    assert.equal(ff.features.cols, 256);
    assert.deepEqual(ff.classNames, ['UpperLeft', 'UpperRight']);
    assert.deepEqual([...new Set(ff.groups)], Array.from({ length: 8 }, (_, i) => `sub${i}`));
    assert.equal(ff.labels.filter((l) => l === 1).length, 80);
    const gapFile = join(dir, 'feat', 'trunk.safetensors');
    assert.equal(kensa('transfer', 'features', '--model', straight, '--layer', 'features.9', '--pool', 'gap', '--per-volume', '10', '--output', gapFile).code, 0);
    assert.equal(loadFeatureFile(gapFile).features.cols, 8); // block 2 of a 4-wide mini-VGG: 8 channels
    const rawFile = join(dir, 'feat', 'raw.safetensors');
    assert.equal(kensa('transfer', 'features', '--model', straight, '--layer', 'raw', '--task', 'lesions', '--per-volume', '10', '--output', rawFile).code, 0);
    const raw = loadFeatureFile(rawFile);
    assert.deepEqual([raw.features.cols, raw.task, raw.labels.filter((l) => l === 1).length], [3 * 16 * 16, 'lesions', 80]); // half the 160 patches carry a lesion

    // evaluate: every feature kind, curves with intervals, summary and figures
    const nat = join(dir, 'natural');
    await writeNaturalImages(nat);
    const evalDir = join(dir, 'eval');
    const e = kensa('transfer', 'evaluate', '--model', straight, '--control', ctlDir, '--natural-images', nat, '--natural-classes', '4', '--natural-per-class', '8', '--natural-epochs', '1',
      '--layers', 'embed,features.9/gap', '--features', featFile, '--per-volume', '10', '--labels', '6', '--seeds', '2', '--learners', '10', '--resamples', '50', '--out', evalDir, '--json');
    assert.equal(e.code, 0, e.stderr);
    const re = JSON.parse(e.stdout) as { pretrainTop1: number; controlTop1: number; naturalTop1: number; counts: number[]; subjects: { train: string[]; test: string[] }; tasks: Record<string, Curves> };
    assert.equal(re.pretrainTop1, ra.test.top1);
    assert.equal(re.controlTop1, rc.test.top1);
    assert.ok(re.naturalTop1 >= 0 && re.naturalTop1 <= 1);
    assert.deepEqual(re.counts, [1, 2, 3, 5, 7, 10]);
    assert.deepEqual(re.subjects.train, ra.split.train);
    assert.deepEqual(Object.keys(re.tasks), ['structures', 'lesions']);
    const kinds = ['landmark embed', 'landmark features.9/gap', 'shuffled-label embed', 'shuffled-label features.9/gap', 'random init embed', 'random init features.9/gap', 'natural embed', 'natural features.9/gap', 'raw'];
    assert.deepEqual(Object.keys(re.tasks.lesions.auc), kinds);
    assert.deepEqual(Object.keys(re.tasks.structures.auc), [...kinds, 'structures-embed']);
    const s = re.tasks.structures;
    // the features read back from the file are the landmark network's own: the same curve
    assert.deepEqual(s.auc['structures-embed'], s.auc['landmark embed']);
    for (const [k, v] of Object.entries(s.auc)) {
      assert.equal(v.length, 6, k);
      v.forEach((auc, i) => assert.ok(s.low[k][i] <= s.high[k][i] && auc >= 0 && auc <= 1, `${k} at ${re.counts[i]}`));
    }
    // regions 3 and 4 differ in brightness by 0.25 (5 noise s.d.): raw intensities separate them
    assert.ok(s.auc.raw[5] > 0.95, `raw structures AUC ${s.auc.raw[5]}`);
    assert.equal(s.testPatches, (8 - ra.split.train.length) * 2 * 10);
    for (const fname of ['report.html', 'summary.json', 'figures/auc-structures.svg', 'figures/auc-lesions.svg']) assert.ok(existsSync(join(evalDir, fname)), fname);
    const es = JSON.parse(readFileSync(join(evalDir, 'summary.json'), 'utf8')) as { verdict: string; tables: { columns: string[]; rows: { label: string }[] }[] };
    assert.match(es.verdict, /^Best landmark features against the best other features — structures: at 1 learner landmark .* vs .*; at 10 /);
    assert.deepEqual(es.tables[0].columns, ['features', '1 learner', '10 learners']);
    const html = readFileSync(join(evalDir, 'report.html'), 'utf8');
    assert.ok(html.indexOf('id="summary"') >= 0 && html.indexOf('id="summary"') < html.indexOf('auc-structures'), 'summary first');
    await checkReportInBrowser(join(evalDir, 'report.html'));

    // another folder of the same layout: the model runs unchanged on it (its subjects split anew)
    const other = join(dir, 'other');
    await writeRegionFolder(other, 4);
    const o = kensa('transfer', 'evaluate', '--model', straight, '--data', other, '--tasks', 'structures', '--per-volume', '6', '--labels', '4', '--seeds', '1', '--learners', '3', '--resamples', '20', '--out', join(dir, 'eval-other'), '--json');
    assert.equal(o.code, 0, o.stderr);
    const ro = JSON.parse(o.stdout) as { subjects: { train: string[]; test: string[] }; tasks: Record<string, Curves> };
    assert.equal(ro.subjects.train.length + ro.subjects.test.length, 4);
    assert.deepEqual(Object.keys(ro.tasks.structures.auc), ['landmark', 'random init', 'raw']);
    // a feature file of other patches is refused by name
    const mismatch = kensa('transfer', 'evaluate', '--model', straight, '--data', other, '--tasks', 'structures', '--features', featFile, '--per-volume', '6', '--labels', '4', '--seeds', '1', '--learners', '3', '--out', join(dir, 'eval-bad'));
    assert.equal(mismatch.code, 1);
    assert.match(mismatch.stderr, /^kensa: structures-embed: describes other structures patches/);
    assert.ok(!existsSync(join(dir, 'eval-bad')), 'no folder left behind');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('transfer pretrain: bad region folders give one line naming the file, and leave no run folder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kensa-transfer-bad-'));
  try {
    const grid = join(dir, 'grid');
    await writeRegionFolder(grid, 3, { badGridIn: 1 });
    const out = join(dir, 'run');
    const g = kensa('transfer', 'pretrain', '--data', grid, '--out', out, ...PRETRAIN);
    assert.equal(g.code, 1);
    assert.equal(g.stderr.trim().split('\n').length, 1, g.stderr);
    assert.match(g.stderr, /labels\/sub1_DLMUSE\.nii: label volume grid \(24x24x24 voxels of 2\.5x2\.5x2\.5 mm .*\) differs from its image .*t1\/sub1\.nii/);
    assert.ok(!existsSync(out));

    const missing = join(dir, 'missing');
    await writeRegionFolder(missing, 3, { missing: { subject: 2, region: 2 } });
    const m = kensa('transfer', 'pretrain', '--data', missing, '--out', out, ...PRETRAIN, '--regions', '5,2,1');
    assert.equal(m.code, 1);
    assert.equal(m.stderr.trim().split('\n').length, 1, m.stderr);
    assert.match(m.stderr, /labels\/sub2_DLMUSE\.nii: has no voxel of region 2 \(DarkBox\)/);
    // by the rule, the region is skipped; asking for more classes than complete regions names it
    const r = kensa('transfer', 'pretrain', '--data', missing, '--out', out, ...PRETRAIN, '--classes', '5');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--classes: asks for 5 landmark classes but only 4 regions are present in every volume .*region 2 from .*sub2_DLMUSE\.nii/);
    assert.ok(!existsSync(out));

    const noLabels = join(dir, 'flat');
    mkdirSync(join(noLabels, 't1'), { recursive: true });
    const n = kensa('transfer', 'pretrain', '--data', noLabels, '--out', out, ...PRETRAIN);
    assert.equal(n.code, 1);
    assert.match(n.stderr, /flat\/labels: missing: a region folder holds t1\/ \(image volumes\) and labels\/ \(label volumes\)/);
    const model = kensa('transfer', 'features', '--model', noLabels, '--output', join(dir, 'x.safetensors'));
    assert.equal(model.code, 1);
    assert.match(model.stderr, /is not a landmark-pretraining run/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
