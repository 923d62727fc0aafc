// kensa segment and eval-segmentation end to end on tiny images: outputs and --json fields,
// reference train/apply, baselines, and bad input (missing image, scribble of the wrong size,
// garbled scribble) answered with one line naming the file and no run folder left behind.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { checkReportInBrowser, closeReportBrowser } from '../../testing/report-browser.js';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { writePng } from '../../io/index.js';
import { readLiveFrame } from '../../methods/unsupervised-seg/index.js';

// The CLI of the build this test belongs to (dist*/src/cli/main.js beside dist*/src/cli/commands/).
const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));
let dir = '';

function kensa(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args, '--threads', '1'], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

async function rgb(path: string, w: number, h: number, phase: number): Promise<void> {
  const data = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    const x = i % w;
    const y = Math.floor(i / w);
    data[3 * i] = x < w / 2 ? 200 : 30;
    data[3 * i + 1] = y < h / 2 ? 180 : 60;
    data[3 * i + 2] = (x * 13 + y * 7 + phase) % 256;
  }
  await writePng(path, { width: w, height: h, channels: 3, bitDepth: 8, data });
}

/** A label PNG read with sharp (not kensa's reader): size, channels and the ids. */
async function labelPng(path: string): Promise<{ width: number; height: number; channels: number; ids: number[] }> {
  const meta = await sharp(path).metadata();
  const { data, info } = await sharp(path).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: meta.channels ?? 0, ids: [...data] };
}

/** 16x12, four flat colour quadrants: a colour clustering must give exactly these 4 regions. */
async function quadrants(path: string): Promise<void> {
  const colours = [[200, 30, 30], [30, 200, 30], [30, 30, 200], [220, 220, 40]];
  const data = new Uint8Array(16 * 12 * 3);
  for (let i = 0; i < 16 * 12; i++) data.set(colours[(Math.floor(i / 16) < 6 ? 0 : 2) + (i % 16 < 8 ? 0 : 1)], 3 * i);
  await writePng(path, { width: 16, height: 12, channels: 3, bitDepth: 8, data });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kensa-segment-'));
  mkdirSync(join(dir, 'frames'));
  await rgb(join(dir, 'frames', 'frame1.png'), 16, 12, 0);
  await rgb(join(dir, 'frames', 'frame2.png'), 16, 12, 40);
  await rgb(join(dir, 'big.png'), 20, 14, 9);
  mkdirSync(join(dir, 'quads'));
  await quadrants(join(dir, 'quads', 'quads.png'));
  const mask = new Uint8Array(16 * 12).fill(255);
  mask.fill(0, 0, 4);
  mask.fill(1, 16 * 11, 16 * 11 + 4);
  await writePng(join(dir, 'scribble.png'), { width: 16, height: 12, channels: 1, bitDepth: 8, data: mask });
  await writePng(join(dir, 'small-scribble.png'), { width: 8, height: 6, channels: 1, bitDepth: 8, data: new Uint8Array(48).fill(255) });
  writeFileSync(join(dir, 'garbled.png'), Buffer.from('\x89PNG\r\n\x1a\n garbage'));
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await closeReportBrowser();
});

test('segment: a 16x12 one-channel label PNG whose id count equals --json labels (<= 8 channels), overlay, curves, report', async () => {
  const out = join(dir, 'run1');
  const r = kensa('segment', join(dir, 'frames', 'frame1.png'), '--out', out, '--max-iterations', '3', '--channels', '8', '--min-labels', '1', '--json', '--quiet');
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { images: { iterations: number; labels: number; ms: number }[] };
  assert.equal(j.images.length, 1);
  assert.equal(j.images[0].iterations, 3);
  assert.ok(j.images[0].labels >= 1 && j.images[0].labels <= 8);
  assert.ok(j.images[0].ms > 0);
  for (const f of ['labels/frame1.png', 'overlays/frame1.png', 'previews/frame1.png', 'figures/loss.svg', 'figures/label-count.svg', 'report.html', 'summary.json']) assert.ok(existsSync(join(out, f)), f);
  // the report opens with the summary: the image count, and the image beside its label overlay
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  await checkReportInBrowser(join(out, 'report.html'));
  assert.ok(html.indexOf('id="summary"') > 0 && html.indexOf('id="summary"') < html.indexOf('id="metrics"'));
  assert.match(html, /<dt>Images<\/dt><dd>1<\/dd>/);
  assert.ok(html.includes('href="previews/frame1.png"') && html.includes('href="overlays/frame1.png"'));
  const png = await labelPng(join(out, 'labels', 'frame1.png'));
  assert.deepEqual([png.width, png.height, png.channels], [16, 12, 1]);
  assert.equal(new Set(png.ids).size, j.images[0].labels, 'distinct ids in the PNG vs --json labels');
  assert.ok(png.ids.every((v) => v < 8), 'ids are response channels (< --channels 8)');
});

test('segment --live-every: the live frame holds the last iteration and the overlay\'s pixels; the labels are those of a run without it', async () => {
  const out = join(dir, 'run1-live');
  const r = kensa('segment', join(dir, 'frames', 'frame1.png'), '--out', out, '--max-iterations', '3', '--channels', '8', '--min-labels', '1', '--live-every', '2', '--json', '--quiet');
  assert.equal(r.code, 0, r.stderr);
  const frame = readLiveFrame(readFileSync(join(out, 'live', 'frame1.rgba')), 'frame1.rgba');
  assert.deepEqual([frame.width, frame.height, frame.iteration], [16, 12, 3]);
  const overlay = await sharp(join(out, 'overlays', 'frame1.png')).ensureAlpha().raw().toBuffer();
  assert.ok(Buffer.from(frame.rgba).equals(overlay), 'the final live frame is the overlay');
  assert.ok(readFileSync(join(out, 'labels', 'frame1.png')).equals(readFileSync(join(dir, 'run1', 'labels', 'frame1.png'))), 'live frames do not change the result');
  assert.throws(() => readLiveFrame(Buffer.from('KLV1xxxx'), 'bad.rgba'), /bad\.rgba: is not a kensa live frame/);
});

test('segment --method kmeans-colour on four flat quadrants: the label PNG is exactly those 4 regions', async () => {
  const out = join(dir, 'run-quads');
  const r = kensa('segment', join(dir, 'quads', 'quads.png'), '--method', 'kmeans-colour', '--out', out, '--json', '--quiet');
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { images: { labels: number }[] };
  assert.equal(j.images[0].labels, 4, 'k = 8 falls back to the 4 distinct colours');
  const png = await labelPng(join(out, 'labels', 'quads.png'));
  assert.deepEqual([png.width, png.height, png.channels], [16, 12, 1]);
  const quadrant = (i: number): number => (Math.floor(i / 16) < 6 ? 0 : 2) + (i % 16 < 8 ? 0 : 1);
  // one id per quadrant, four different ids
  const idOf = [0, 1, 2, 3].map((q) => png.ids[png.ids.findIndex((_, i) => quadrant(i) === q)]);
  assert.equal(new Set(idOf).size, 4, `quadrant ids ${idOf}`);
  png.ids.forEach((v, i) => assert.equal(v, idOf[quadrant(i)], `pixel ${i}`));
});

test('segment with a scribble, and a baseline through the same outputs', async () => {
  const out = join(dir, 'run2');
  const r = kensa('segment', join(dir, 'frames', 'frame1.png'), '--scribble', join(dir, 'scribble.png'), '--out', out, '--max-iterations', '2', '--channels', '8', '--json', '--quiet');
  assert.equal(r.code, 0, r.stderr);
  assert.equal((JSON.parse(r.stdout) as { mode: string }).mode, 'scribble');
  const b = kensa('segment', join(dir, 'frames'), '--method', 'kmeans-colour', '--out', join(dir, 'run3'), '--json', '--quiet');
  assert.equal(b.code, 0, b.stderr);
  const images = (JSON.parse(b.stdout) as { images: { labels: number }[] }).images;
  assert.equal(images.length, 2);
  for (const [k, name] of ['frame1', 'frame2'].entries()) {
    const png = await labelPng(join(dir, 'run3', 'labels', `${name}.png`));
    assert.deepEqual([png.width, png.height, png.channels], [16, 12, 1], name);
    assert.equal(new Set(png.ids).size, images[k].labels, `${name}: distinct ids vs --json labels`);
  }
});

test('segment --reference trains and saves; --weights applies to frames of another size', () => {
  const train = join(dir, 'ref');
  const r = kensa('segment', join(dir, 'big.png'), '--reference', join(dir, 'frames'), '--updates-per-image', '2', '--reference-size', '16', '--channels', '8', '--out', train, '--json', '--quiet');
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { mode: string; reference: { updates: number; weights: string } };
  assert.equal(j.mode, 'reference-train');
  assert.equal(j.reference.updates, 4);
  const a = kensa('segment', join(dir, 'frames'), '--weights', j.reference.weights, '--out', join(dir, 'apply'), '--json', '--quiet');
  assert.equal(a.code, 0, a.stderr);
  const k = JSON.parse(a.stdout) as { mode: string; images: { iterations: number }[] };
  assert.equal(k.mode, 'reference-apply');
  assert.deepEqual(k.images.map((i) => i.iterations), [0, 0]);
  const e = kensa('eval-segmentation', '--pred', join(dir, 'apply', 'labels'), '--gt', join(dir, 'run3', 'labels'), '--json');
  assert.equal(e.code, 1, 'ground truth files are <id>_<k>.png: none match');
  assert.match(e.stderr, /^kensa: .*holds no ground truth/);
});

test('eval-segmentation --json gives {n, mIoU, PRI, VoI}', () => {
  const gt = join(dir, 'gt');
  mkdirSync(gt, { recursive: true });
  const labels = join(dir, 'run3', 'labels');
  // the k-means labels as their own ground truth: a perfect score
  for (const id of ['frame1', 'frame2']) copyFileSync(join(labels, `${id}.png`), join(gt, `${id}_0.png`));
  const e = kensa('eval-segmentation', '--pred', labels, '--gt', gt, '--json', '--no-relabel');
  assert.equal(e.code, 0, e.stderr);
  const j = JSON.parse(e.stdout) as { n: number; mIoU: number; PRI: number; VoI: number };
  assert.equal(j.n, 2);
  assert.equal(j.mIoU, 1);
  assert.equal(j.PRI, 1);
  assert.equal(j.VoI, 0);
});

test('bad input: one line naming the file, exit 1, no run folder left', () => {
  const cases: [string[], RegExp][] = [
    [['segment', join(dir, 'absent.png')], /absent\.png: no such file/],
    [['segment', join(dir, 'frames', 'frame1.png'), '--scribble', join(dir, 'small-scribble.png')], /small-scribble\.png: scribble mask is 8x6 but the image is 16x12/],
    [['segment', join(dir, 'frames', 'frame1.png'), '--scribble', join(dir, 'garbled.png')], /garbled\.png: /],
    [['segment', join(dir, 'frames', 'frame1.png'), '--weights', join(dir, 'scribble.png')], /scribble\.png: not a readable safetensors file/],
    [['eval-segmentation', '--pred', join(dir, 'nope'), '--gt', dir], /nope: no such prediction folder/],
  ];
  for (const [args, re] of cases) {
    const out = join(dir, 'bad-run');
    const r = kensa(...args, ...(args[0] === 'segment' ? ['--out', out] : []));
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^kensa: /);
    assert.match(lines[0], re);
    assert.ok(!existsSync(out), `${args.join(' ')} left ${out}`);
  }
});
