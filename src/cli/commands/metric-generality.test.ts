// The metric commands unchanged on another kind of folder: four classes (not three), 96×72-px
// images (not 64×64), no info bar and no --crop given (the default tiles the whole image).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../data/rng.js';
import { writeGreyPng } from '../../data/fixtures-support.js';

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));
const kensa = (...args: string[]): { code: number; stdout: string; stderr: string } => {
  const r = spawnSync(process.execPath, [MAIN, ...args, '--quiet', '--threads', '1'], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};

const W = 96;
const H = 72;
/** Four textures that stay distinct under flips and quarter turns; grey 110/150 plus ±10 noise. */
const KINDS: Record<string, (x: number, y: number, rng: Rng) => boolean> = {
  checker: (x, y) => (Math.floor(x / 4) + Math.floor(y / 4)) % 2 === 1,
  dots: (x, y) => x % 6 < 2 && y % 6 < 2,
  speckle: (_x, _y, rng) => rng.next() < 0.5,
  stripes: (_x, y) => y % 8 < 4,
};

// Chance is 1/4 per tile; the 8 test images (2 per class) are the independent units: a chance-level
// model gets >= 7 of them right with probability 8·(1/4)^7·(3/4) + (1/4)^8 < 0.0004. Measured: test tile
// accuracy 1.00 for seeds 0-3 at 4 epochs.
const MIN_TEST_ACCURACY = 0.85;

test('metric train and openset-eval on 4 classes of 96×72 images without an info bar, no --crop', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kensa-metric-gen-'));
  try {
    const data = join(dir, 'data');
    const rng = new Rng(11);
    for (const [name, on] of Object.entries(KINDS)) {
      mkdirSync(join(data, name), { recursive: true });
      for (let n = 0; n < 8; n++) await writeGreyPng(join(data, name, `${name}-${n}.png`), W, H, (x, y) => (on(x, y, rng) ? 150 : 110) + Math.round((rng.next() - 0.5) * 20));
    }
    // 24-px tiles shrunk 2x: 4 × 3 = 12 tiles per image, from the whole image
    const common = ['--data', data, '--guard', '0', '--tile-size', '24', '--downsample', '2', '--width', '8', '--embedding-size', '8', '--batch-size', '16', '--val-fraction', '0.25', '--test-fraction', '0.25', '--json'];
    const t = kensa('metric', 'train', ...common, '--head', 'softmax', '--epochs', '4', '--out', join(dir, 'train'));
    assert.equal(t.code, 0, t.stderr);
    const tr = JSON.parse(t.stdout) as { testTileAccuracy: number };
    assert.ok(tr.testTileAccuracy >= MIN_TEST_ACCURACY, `test tile accuracy ${tr.testTileAccuracy} vs chance 0.25`);
    const e = kensa('metric', 'openset-eval', ...common, '--heads', 'softmax,cosface', '--hold-out', 'dots', '--epochs', '2', '--no-figures', '--out', join(dir, 'eval'));
    assert.equal(e.code, 0, e.stderr);
    const ev = JSON.parse(e.stdout) as { classes: string[]; tiles: { count: number }; folds: { knownClasses: string[] }[] };
    assert.deepEqual(ev.classes, Object.keys(KINDS));
    assert.equal(ev.tiles.count, 4 * 8 * 12, 'every image tiled whole: 12 tiles each');
    assert.deepEqual(ev.folds[0].knownClasses, ['checker', 'speckle', 'stripes']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
