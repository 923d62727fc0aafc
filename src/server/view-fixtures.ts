// Test support for the server's views: a tiny metric-learning run (three generated textures,
// `kensa metric train` + `metric identify`) and a tiny explanation run (generated NIfTI heads,
// `kensa classify train` + `cyclegan train` + `explain`), made by the CLI of this build in a
// runs folder, with settings small enough for 2 cores (about a minute together).
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { Rng } from '../data/rng.js';
import { writeHeadSet } from '../testing/synthetic-heads.js';

const MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));

/** Runs the CLI (one thread, quiet); throws with its stderr when it fails. */
export function kensa(...args: string[]): string {
  const r = spawnSync(process.execPath, [MAIN, ...args, '--quiet', '--threads', '1'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`kensa ${args.slice(0, 2).join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

const S = 64;
export const TEXTURES = ['checker', 'speckle', 'stripes'];

/** A grey S×S texture (grey levels lo/hi, uniform noise of width `noise`): 4-px checker, per-pixel speckle, 8-px stripes, or 16-px blobs. */
export function texture(kind: string, rng: Rng, lo = 110, hi = 150, noise = 20): Buffer {
  const px = Buffer.alloc(S * S);
  const vertical = rng.next() < 0.5;
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const on = kind === 'stripes' ? (vertical ? x : y) % 8 < 4
        : kind === 'checker' ? (Math.floor(x / 4) + Math.floor(y / 4)) % 2 === 1
          : kind === 'speckle' ? rng.next() < 0.5
            : (Math.floor(x / 16) + Math.floor(y / 16)) % 2 === 1;
      px[y * S + x] = Math.max(0, Math.min(255, (on ? hi : lo) + Math.round((rng.next() - 0.5) * noise)));
    }
  }
  return px;
}

export interface MetricFixture {
  data: string;
  /** metric train run folder (a model), its name under the runs folder. */
  train: string;
  /** metric identify run over one known image per class and the unknown image. */
  identify: string;
  /** A full-contrast blob texture never trained on. */
  unknownImage: string;
}

/** Three textures × 8 images, a 4-epoch softmax-head model (16-px tiles shrunk 2×: 16 tiles per image) and an identify run. */
export async function makeMetricRuns(base: string, runsDir: string): Promise<MetricFixture> {
  const data = join(base, 'textures');
  const rng = new Rng(3);
  for (const name of TEXTURES) {
    mkdirSync(join(data, name), { recursive: true });
    for (let n = 0; n < 8; n++) await sharp(texture(name, rng), { raw: { width: S, height: S, channels: 1 } }).png().toFile(join(data, name, `${name}_${n}.png`));
  }
  const unknownImage = join(base, 'blobs.png');
  await sharp(texture('blobs', rng, 0, 255, 0), { raw: { width: S, height: S, channels: 1 } }).png().toFile(unknownImage);
  const common = ['--guard', '0', '--crop', 'none', '--tile-size', '16', '--downsample', '2', '--width', '8', '--embedding-size', '8', '--batch-size', '16', '--val-fraction', '0.25', '--test-fraction', '0.25'];
  kensa('metric', 'train', '--data', data, '--head', 'softmax', '--score', 'centroid-distance', '--epochs', '4', ...common, '--out', join(runsDir, 'metric-train'));
  const known = join(base, 'known');
  mkdirSync(known);
  const pick = [join(data, 'checker', 'checker_7.png'), join(data, 'speckle', 'speckle_7.png'), join(data, 'stripes', 'stripes_7.png'), unknownImage];
  for (const p of pick) await sharp(p).toFile(join(known, p.split('/').at(-1)!));
  kensa('metric', 'identify', known, '--model', join(runsDir, 'metric-train'), '--out', join(runsDir, 'metric-identify'));
  return { data, train: 'metric-train', identify: 'metric-identify', unknownImage };
}

/** Four generated heads per class, a 3-epoch classifier, a 1-epoch CycleGAN and their explain run (every image). */
export async function makeExplainRun(base: string, runsDir: string): Promise<{ data: string; run: string }> {
  const data = join(base, 'heads');
  await writeHeadSet(data, 4, 1);
  const img = ['--size', '32', '--slices', '0.4:0.6'];
  const fr = ['--val-fraction', '0.25', '--test-fraction', '0.25'];
  const cls = join(base, 'cls');
  kensa('classify', 'train', '--data', data, '--out', cls, '--epochs', '3', '--width', '4', '--batch-size', '16', ...img, ...fr);
  const gan = join(base, 'gan');
  kensa('cyclegan', 'train', '--data', data, '--a', 'big', '--b', 'small', '--out', gan, '--epochs', '1', '--decay-epochs', '0', '--ngf', '4', '--ndf', '4', '--blocks', '1', '--samples', '1', ...img, ...fr);
  kensa('explain', '--classifier', cls, '--cyclegan', gan, '--data', data, '--split', 'all', '--methods', 'gradcam,layercam', '--samples', '2', '--out', join(runsDir, 'explain'));
  return { data, run: 'explain' };
}
