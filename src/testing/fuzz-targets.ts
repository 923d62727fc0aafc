// The readers the fuzzer drives (src/testing/fuzz.ts), by name, and the seed files it mutates:
// small real files from the shared data (PNG, JPEG, TIFF, NIfTI, DICOM, CSV) or written by kensa
// itself (safetensors, checkpoints). Engine-backed targets import the engine only when used.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import sharp from 'sharp';
import type { FuzzSeed } from './fuzz.js';

export const FUZZ_TARGETS = ['png', 'jpeg', 'tiff', 'tiff-stack', 'nifti', 'nifti-gz', 'nifti-gz-inner', 'dicom', 'file-info', 'safetensors', 'checkpoint-best', 'checkpoint-resume', 'checkpoint-sidecar', 'scribble', 'csv'] as const;
export type FuzzTargetName = (typeof FUZZ_TARGETS)[number];

/** Targets whose reader reaches the native addon (tensors are made from the file). */
export const NATIVE_TARGETS: readonly FuzzTargetName[] = ['safetensors', 'checkpoint-best', 'checkpoint-resume', 'checkpoint-sidecar'];

/** The side of the scribble seed (the mask is checked against an image of this size). */
const SCRIBBLE_SIDE = 64;

/** The tiny network and optimizer of the checkpoint targets, in a fixed state (same bytes every time). */
async function checkpointParts() {
  const { manualSeed, tensor } = await import('../engine/index.js');
  const { UnsupSegNet } = await import('../models/unsup-seg-net.js');
  const { Adam } = await import('../optim/index.js');
  manualSeed(0);
  const net = new UnsupSegNet({ inChannels: 1, channels: 4, nConv: 1 });
  const adam = new Adam(net.parameters(), { lr: 0.01 });
  // one step, so the optimizer holds state tensors too
  const x = tensor(Array.from({ length: 64 }, (_, i) => (i % 7) / 7), { shape: [1, 1, 8, 8] });
  const loss = net.forward(x).square().mean();
  loss.backward();
  adam.step();
  loss.dispose();
  x.dispose();
  return { net, adam };
}

/** A new network and optimizer of the checkpoint targets' shape, to load into. */
async function freshParts() {
  const { UnsupSegNet } = await import('../models/unsup-seg-net.js');
  const { Adam } = await import('../optim/index.js');
  const net = new UnsupSegNet({ inChannels: 1, channels: 4, nConv: 1 });
  return { net, adam: new Adam(net.parameters(), { lr: 0.01 }) };
}

/** Writes a complete epoch-1 checkpoint and best.safetensors of the fixed network into dir. */
export async function writeCheckpointFixture(dir: string): Promise<void> {
  const { saveCheckpoint, saveBestWeights } = await import('../train/checkpoint.js');
  const { net, adam } = await checkpointParts();
  saveBestWeights(dir, 1, { net });
  saveCheckpoint(dir, 1, { modules: { net }, optimizers: { adam } }, { history: [{ epoch: 1 }] });
  net.dispose();
  adam.dispose();
}

/** Reads `file` with the target's reader; throws what the reader throws. */
export async function readTarget(target: FuzzTargetName, file: string): Promise<void> {
  switch (target) {
    case 'png':
    case 'jpeg':
    case 'tiff':
    case 'scribble': {
      const { readImage } = await import('../io/index.js');
      if (target !== 'scribble') {
        await readImage(file);
        return;
      }
      const { readScribble, checkScribbleFile } = await import('../methods/unsupervised-seg/index.js');
      checkScribbleFile(file, await readScribble(file), { width: SCRIBBLE_SIDE, height: SCRIBBLE_SIDE, channels: 100 });
      return;
    }
    case 'tiff-stack': {
      const { readImageStack } = await import('../io/index.js');
      await readImageStack(file);
      return;
    }
    case 'nifti':
    case 'nifti-gz':
    case 'nifti-gz-inner': {
      const { readNifti } = await import('../io/index.js');
      await readNifti(file);
      return;
    }
    case 'dicom': {
      const { readDicom } = await import('../io/index.js');
      await readDicom(file);
      return;
    }
    case 'file-info': {
      const { fileInfo } = await import('../io/index.js');
      await fileInfo(file);
      return;
    }
    case 'csv': {
      const { readRegionNames } = await import('../methods/transfer/region-names.js');
      await readRegionNames(file);
      return;
    }
    case 'safetensors': {
      const { loadSafetensors } = await import('../engine/safetensors.js');
      const { tensors } = loadSafetensors(file);
      for (const t of tensors.values()) t.dispose();
      return;
    }
    case 'checkpoint-best': {
      // file is <dir>/best.safetensors: the weights a user loads (no sidecar, no digest)
      const { loadWeights } = await import('../train/checkpoint.js');
      const { net, adam } = await freshParts();
      try {
        loadWeights(dirname(file), { net }, 'best');
      } finally {
        net.dispose();
        adam.dispose();
      }
      return;
    }
    case 'checkpoint-resume':
    case 'checkpoint-sidecar': {
      const { latestGoodCheckpoint, loadCheckpoint, CHECKPOINT_FORMAT } = await import('../train/checkpoint.js');
      const dir = dirname(file);
      if (target === 'checkpoint-resume') {
        // a tensor file whose sidecar matches it (size and digest): what a buggy writer or another
        // build could leave; the loader itself must refuse what does not fit
        const bytes = readFileSync(file);
        const { createHash } = await import('node:crypto');
        writeFileSync(join(dir, 'epoch-0001.json'), JSON.stringify({ format: CHECKPOINT_FORMAT, epoch: 1, tensors: 'epoch-0001.safetensors', bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), optimizers: { adam: { step: 1, lr: 0.01 } }, history: [] }));
      } else {
        // file is a mutated sidecar beside the good tensor file
        const sidecar = readFileSync(file);
        await writeCheckpointFixture(dir);
        writeFileSync(file, sidecar);
      }
      const { meta } = latestGoodCheckpoint(dir);
      if (!meta) return; // nothing counts as a checkpoint: resume would say so
      const { net, adam } = await freshParts();
      try {
        loadCheckpoint(dir, meta, { modules: { net }, optimizers: { adam } });
      } finally {
        net.dispose();
        adam.dispose();
      }
      return;
    }
  }
}

/** Seed files per target from the shared data folder (targets whose data is absent get none). */
export async function fuzzSeeds(dataRoot: string, scratch: string): Promise<Partial<Record<FuzzTargetName, FuzzSeed[]>>> {
  const seeds: Partial<Record<FuzzTargetName, FuzzSeed[]>> = {};
  const at = (...p: string[]): string => join(dataRoot, ...p);
  // images: 64x64 crops of real EM (PNG) and BSDS (JPEG) images; TIFF: grey, RGB and a 3-page stack
  const em = at('em-isbi2012', 'images', '0.png');
  const bsds = existsSync(at('bsds500', 'train', 'images')) ? at('bsds500', 'train', 'images', readdirSync(at('bsds500', 'train', 'images')).sort()[0]) : '';
  if (existsSync(em)) {
    const crop = sharp(em).extract({ left: 100, top: 100, width: 64, height: 64 });
    seeds.png = [{ name: 'em.png', bytes: await crop.clone().png().toBuffer() }, { name: 'em16.png', bytes: await crop.clone().toColourspace('grey16').png().toBuffer() }];
    seeds.tiff = [{ name: 'em.tif', bytes: await crop.clone().tiff().toBuffer() }];
    const page = await crop.clone().raw().toBuffer();
    seeds['tiff-stack'] = [{ name: 'stack.tif', bytes: await sharp(Buffer.concat([page, page, page]), { raw: { width: 64, height: 192, channels: 1, pageHeight: 64 } as never }).tiff().toBuffer() }];
    // a scribble: two classes painted over the real image's dark and bright pixels, 255 elsewhere
    const px = new Uint8Array(page);
    const mask = px.map((v, i) => (i % 64 < 8 ? (v < 100 ? 0 : v > 180 ? 1 : 255) : 255));
    seeds.scribble = [{ name: 'scribble.png', bytes: await sharp(mask, { raw: { width: SCRIBBLE_SIDE, height: SCRIBBLE_SIDE, channels: 1 } }).png().toBuffer() }];
  }
  if (bsds) {
    const crop = sharp(bsds).extract({ left: 50, top: 50, width: 64, height: 64 });
    seeds.jpeg = [{ name: 'bsds.jpg', bytes: await crop.clone().jpeg({ quality: 90 }).toBuffer() }, { name: 'bsds-prog.jpg', bytes: await crop.clone().jpeg({ progressive: true }).toBuffer() }];
    seeds.tiff = [...(seeds.tiff ?? []), { name: 'bsds-rgb.tif', bytes: await crop.clone().tiff({ compression: 'lzw' }).toBuffer() }];
  }
  // NIfTI: a real IXI volume (.nii.gz as stored, and its .nii), with its header extension
  const ixiDir = at('ixi-t1-age', 'young');
  if (existsSync(ixiDir)) {
    const gz = readFileSync(join(ixiDir, readdirSync(ixiDir).sort()[0]));
    const nii = gunzipSync(gz);
    seeds.nifti = [{ name: 'ixi.nii', bytes: nii }];
    seeds['nifti-gz'] = [{ name: 'ixi.nii.gz', bytes: gz }];
    seeds['nifti-gz-inner'] = [{ name: 'ixi-inner.nii', bytes: nii }]; // mutated, then gzipped by the harness (see gzipInner)
  }
  const dcm = at('dicom-small');
  if (existsSync(dcm)) seeds.dicom = readdirSync(dcm).sort().map((f) => ({ name: f, bytes: readFileSync(join(dcm, f)) }));
  seeds['file-info'] = [...(seeds.png ?? []).slice(0, 1), ...(seeds.jpeg ?? []).slice(0, 1), ...(seeds['tiff-stack'] ?? []), ...(seeds.dicom ?? []).slice(0, 1)];
  const csv = at('ixi-t1-regions', 'muse_dict.csv');
  if (existsSync(csv)) seeds.csv = [{ name: 'muse_dict.csv', bytes: readFileSync(csv) }];
  const aal = at('colin27', 'aal.nii.txt');
  if (existsSync(aal)) seeds.csv = [...(seeds.csv ?? []), { name: 'aal.nii.txt', bytes: readFileSync(aal) }];
  // kensa's own files: a checkpoint of a tiny network
  await writeCheckpointFixture(scratch);
  const best = readFileSync(join(scratch, 'best.safetensors'));
  seeds.safetensors = [{ name: 'weights.safetensors', bytes: best }];
  seeds['checkpoint-best'] = [{ name: 'best.safetensors', bytes: best }];
  seeds['checkpoint-resume'] = [{ name: 'epoch-0001.safetensors', bytes: readFileSync(join(scratch, 'epoch-0001.safetensors')) }];
  seeds['checkpoint-sidecar'] = [{ name: 'epoch-0001.json', bytes: readFileSync(join(scratch, 'epoch-0001.json')) }];
  return seeds;
}

/** For 'nifti-gz-inner': the mutated .nii is gzipped, so the header parser is reached through the .gz path. */
export function gzipInner(target: FuzzTargetName, bytes: Uint8Array, name: string): { bytes: Uint8Array; name: string } {
  return target === 'nifti-gz-inner' ? { bytes: gzipSync(bytes), name: `${name}.gz` } : { bytes, name };
}
