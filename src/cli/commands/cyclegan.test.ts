// kensa cyclegan train|translate end to end on synthetic domains (bright discs ↔ dark squares,
// PNGs in temporary class folders): a 2-epoch run writes checkpoints, cyclegan.json, a subject
// split and a report with the per-epoch sample grids and loss curves; a run interrupted after its
// epoch-2 checkpoint and resumed equals the uninterrupted run; translate writes PNGs that equal
// loadCycleGanRun's translation; bad input is one line naming the file or option, with no folder left.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tensor, tidy } from '../../engine/index.js';
import { writeGreyPng, syntheticVolume } from '../../data/fixtures-support.js';
import { fileImage } from '../../data/index.js';
import { readImage, writeNifti } from '../../io/index.js';
import { loadCycleGanRun } from '../../methods/cyclegan/index.js';
import { epochMetaFile, epochTensorFile } from '../../train/checkpoint.js';
import { checkReportInBrowser, closeReportBrowser } from '../../testing/report-browser.js';

after(closeReportBrowser);

const MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'main.js');
const TINY = ['--size', '32', '--ngf', '4', '--ndf', '4', '--blocks', '1', '--threads', '1', '--quiet', '--val-fraction', '0.2', '--test-fraction', '0.2', '--samples', '2'];

function kensa(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** root/discs/d<i>.png (bright disc, 40×36) and root/squares/s<i>.png (dark square, 36×36). */
async function domains(root: string, n = 6): Promise<void> {
  for (let i = 0; i < n; i++) {
    const cx = 10 + i * 2;
    const cy = 14 + (i % 3) * 2;
    await writeGreyPng(join(root, 'discs', `d${i}.png`), 40, 36, (x, y) => ((x - cx) ** 2 + (y - cy) ** 2 < 49 ? 230 : 25));
    await writeGreyPng(join(root, 'squares', `s${i}.png`), 36, 36, (x, y) => (Math.abs(x - cy) < 6 && Math.abs(y - cx) < 6 ? 40 : 200));
  }
}

interface TrainJson {
  domains: { a: string; b: string };
  epochs: number;
  startEpoch: number;
  images: { train: { a: number; b: number }; val: { a: number; b: number } };
  history: Record<string, number>[];
}

test('cyclegan train (2 epochs) → report with sample grids; resume after an interruption equals the uninterrupted run; translate', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kensa-cyclegan-cli-'));
  try {
    const data = join(dir, 'data');
    await domains(data);
    const out = join(dir, 'run');
    const r = kensa('cyclegan', 'train', '--data', data, '--a', 'discs', '--b', 'squares', '--out', out, '--epochs', '1', '--decay-epochs', '1', '--pool-size', '2', '--json', ...TINY);
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout) as TrainJson;
    assert.deepEqual(res.domains, { a: 'discs', b: 'squares' });
    assert.equal(res.epochs, 2);
    assert.deepEqual(res.history.map((h) => h.lr), [2e-4, 1e-4]); // 1 − max(0, t + 1 − 1) / 2 for t = 0, 1
    for (const f of ['report.html', 'cyclegan.json', 'split.json', 'metrics.json', 'checkpoints/epoch-0002.json', 'checkpoints/best.safetensors']) assert.ok(existsSync(join(out, f)), f);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    await checkReportInBrowser(join(out, 'report.html'));
    for (const fig of ['samples-epoch-0001', 'samples-epoch-0002', 'losses', 'validation-cycle']) assert.match(html, new RegExp(fig), fig);
    assert.match(html, /F\(G\(A\)\)/);
    const grid = readFileSync(join(out, 'figures', 'samples-epoch-0002.svg'), 'utf8');
    const rows = Math.min(2, res.images.val.a, res.images.val.b); // --samples 2, from the validation subjects
    assert.ok(rows >= 1);
    assert.equal((grid.match(/<image /g) ?? []).length, 6 * rows, `${rows} sample row(s) × 6 images`);
    // split by subject: every file in exactly one split, test subjects never trained on
    const split = JSON.parse(readFileSync(join(out, 'split.json'), 'utf8')) as { train: string[]; val: string[]; test: string[] };
    const all = [...split.train, ...split.val, ...split.test];
    assert.equal(all.length, 12);
    assert.equal(new Set(all).size, 12);
    assert.ok(split.test.length >= 2 && split.test.some((g) => g.startsWith('discs/')) && split.test.some((g) => g.startsWith('squares/')));
    assert.equal(res.images.train.a + res.images.train.b, split.train.length);
    assert.equal((JSON.parse(readFileSync(join(out, 'cyclegan.json'), 'utf8')) as { data: { root: string } }).data.root, data);

    // interrupted after the epoch-2 checkpoint of a 3-epoch run, then resumed
    const full = join(dir, 'full');
    const f = kensa('cyclegan', 'train', '--data', data, '--out', full, '--epochs', '2', '--decay-epochs', '1', '--json', ...TINY);
    assert.equal(f.code, 0, f.stderr);
    const cut = join(dir, 'cut');
    cpSync(full, cut, { recursive: true });
    rmSync(join(cut, 'checkpoints', epochMetaFile(3)));
    rmSync(join(cut, 'checkpoints', epochTensorFile(3)));
    const resumed = kensa('cyclegan', 'train', '--data', data, '--out', cut, '--epochs', '2', '--decay-epochs', '1', '--resume', '--json', ...TINY);
    assert.equal(resumed.code, 0, resumed.stderr);
    const rr = JSON.parse(resumed.stdout) as TrainJson;
    const ff = JSON.parse(f.stdout) as TrainJson;
    assert.equal(rr.startEpoch, 2);
    const losses = (h: Record<string, number>[]): number[][] => h.map((e) => ['advA2B', 'advB2A', 'cycleA', 'cycleB', 'idtA', 'idtB', 'dA', 'dB', 'valCycleA'].map((k) => e[k]));
    assert.deepEqual(losses(rr.history), losses(ff.history));
    assert.deepEqual(readFileSync(join(cut, 'checkpoints', epochTensorFile(3))), readFileSync(join(full, 'checkpoints', epochTensorFile(3))));

    // translate a folder; the PNGs equal the library's translation (to 8-bit rounding)
    const tr = join(dir, 'translated');
    const t = kensa('cyclegan', 'translate', join(data, 'discs'), '--model', out, '--direction', 'a2b', '--out', tr, '--json', '--quiet');
    assert.equal(t.code, 0, t.stderr);
    const tj = JSON.parse(t.stdout) as { count: number; from: string; to: string; images: { input: string; output: string }[] };
    assert.equal(tj.count, 6);
    assert.deepEqual([tj.from, tj.to], ['discs', 'squares']);
    assert.match(readFileSync(join(tr, 'report.html'), 'utf8'), /translations/);
    await checkReportInBrowser(join(tr, 'report.html'));
    // a NIfTI volume is read as training volumes are: axial slices round(0.4·19) = 8 … round(0.6·19) = 11
    const vol = join(dir, 'vol.nii.gz');
    await writeNifti(vol, syntheticVolume([20, 20, 20], (x, y, z) => ((x - 10) ** 2 + (y - 10) ** 2 < 25 + z ? 200 : 20)));
    const tv = kensa('cyclegan', 'translate', vol, '--model', out, '--direction', 'b2a', '--out', join(dir, 'tv'), '--json', '--quiet');
    assert.equal(tv.code, 0, tv.stderr);
    const vj = JSON.parse(tv.stdout) as { images: { slice: number; output: string }[] };
    assert.deepEqual(vj.images.map((i) => i.slice), [8, 9, 10, 11]);
    assert.match(vj.images[0].output, /vol-slice008\.png$/);
    const model = loadCycleGanRun(out);
    try {
      assert.equal(model.size, 32);
      assert.equal(model.epoch, 2);
      assert.deepEqual(model.split.test, split.test);
      const img = await fileImage(tj.images[0].input, model.imageOptions);
      const ours = tidy(() => {
        const y = model.translate(tensor(img.data, { shape: [1, 1, 32, 32] }), 'a2b');
        assert.deepEqual(y.shape, [1, 1, 32, 32]);
        return Array.from(y.data() as Float32Array);
      });
      const px = await readImage(tj.images[0].output);
      assert.deepEqual([px.width, px.height, px.channels], [32, 32, 1]);
      ours.forEach((v, i) => assert.ok(Math.abs(v * 255 - px.data[i]) <= 0.5 + 1e-3, `pixel ${i}: ${v * 255} vs ${px.data[i]}`));
      assert.ok(ours.every((v) => v >= 0 && v <= 1));
      assert.throws(() => model.translate(tensor(img.data, { shape: [1, 1, 32, 32] }), 'sideways' as never), /direction must be/);
    } finally {
      model.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad input: one line naming the file or option, no run folder left behind', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kensa-cyclegan-bad-'));
  try {
    const oneLine = (r: { code: number; stderr: string }, code: number, re: RegExp, what: string): void => {
      assert.equal(r.code, code, `${what}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, `${what}: ${r.stderr}`);
      assert.match(r.stderr, re, what);
    };
    const data = join(dir, 'data');
    await domains(data, 3);
    // a volume of the wrong dimensionality among the images
    const flat = join(dir, 'flat');
    cpSync(data, flat, { recursive: true });
    await writeNifti(join(flat, 'discs', 'slab.nii.gz'), syntheticVolume([8, 8, 1], (x, y) => x + y));
    const out = join(dir, 'run');
    oneLine(kensa('cyclegan', 'train', '--data', flat, '--out', out, ...TINY), 1, /slab\.nii\.gz: is a 2-D NIfTI/, '2-D volume');
    assert.equal(existsSync(out), false);
    // an empty class folder
    const empty = join(dir, 'empty');
    mkdirSync(join(empty, 'young'), { recursive: true });
    cpSync(join(data, 'squares'), join(empty, 'old'), { recursive: true });
    oneLine(kensa('cyclegan', 'train', '--data', empty, '--a', 'young', '--b', 'old', '--out', out, ...TINY), 1, /young: holds no images/, 'empty class folder');
    oneLine(kensa('cyclegan', 'train', '--data-a', join(empty, 'young'), '--data-b', join(empty, 'old'), '--out', out, ...TINY), 1, /young: holds no images or volumes/, 'empty domain folder');
    assert.equal(existsSync(out), false);
    // --resume without checkpoints
    oneLine(kensa('cyclegan', 'train', '--data', data, '--out', out, '--resume', ...TINY), 2, /--resume: no complete checkpoint/, 'resume without checkpoints');
    assert.equal(existsSync(out), false);
    // options
    oneLine(kensa('cyclegan', 'train', '--data', data, '--out', out, ...TINY, '--size', '30'), 2, /--size: must be divisible by 4/, 'size');
    oneLine(kensa('cyclegan', 'train', '--data', data, '--out', out, ...TINY, '--slices', '0.7:0.2'), 2, /--slices: expected FROM:TO/, 'slices');
    oneLine(kensa('cyclegan', 'train', '--out', out, ...TINY), 2, /--data: is required/, 'no data');
    assert.equal(existsSync(out), false);

    // a trained run, then checkpoints that belong to another model
    const ok = kensa('cyclegan', 'train', '--data', data, '--out', out, '--epochs', '1', '--decay-epochs', '0', ...TINY);
    assert.equal(ok.code, 0, ok.stderr);
    oneLine(kensa('cyclegan', 'train', '--data', data, '--out', out, '--epochs', '1', '--decay-epochs', '0', ...TINY), 2, /holds checkpoints of an earlier run/, 'overwrite');
    oneLine(kensa('cyclegan', 'train', '--data', data, '--out', out, '--epochs', '2', '--decay-epochs', '0', '--resume', ...TINY, '--ngf', '8'), 2, /--resume: the run .* other domains, networks or image options/, 'resume with another net');
    const other = join(dir, 'other');
    cpSync(out, other, { recursive: true });
    const meta = JSON.parse(readFileSync(join(other, 'cyclegan.json'), 'utf8')) as { nets: { generator: { ngf: number } } };
    meta.nets.generator.ngf = 8;
    writeFileSync(join(other, 'cyclegan.json'), JSON.stringify(meta));
    const png = join(data, 'discs', 'd0.png');
    const tr = join(dir, 'tr');
    oneLine(kensa('cyclegan', 'translate', png, '--model', other, '--out', tr), 1, /does not fit module 'gA2B'/, 'checkpoint of another model');
    rmSync(join(other, 'cyclegan.json'));
    oneLine(kensa('cyclegan', 'translate', png, '--model', other, '--out', tr), 1, /other: is not a CycleGAN run/, 'not a CycleGAN run');
    oneLine(kensa('cyclegan', 'translate', join(dir, 'nope.png'), '--model', out, '--out', tr), 1, /nope\.png: no such file/, 'missing input');
    assert.equal(existsSync(tr), false);
    assert.ok(readdirSync(out).includes('report.html'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
