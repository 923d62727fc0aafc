// A trained CycleGAN on disk: `cyclegan.json` (domains, networks, how images were read) and
// `split.json` (groups per split) in the run folder, beside the fit loop's checkpoints. Loading
// rebuilds both generators with the best (= last) weights and offers translation of [0, 1] images.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Tensor } from '../../engine/index.js';
import type { ImageSetOptions } from '../../data/index.js';
import { CycleGanGenerator } from '../../models/index.js';
import { loadWeights } from '../../train/index.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { readJsonFile, readRunMeta, writeRunMeta, type RunMetaSpec } from '../../util/run-meta.js';
import { InputError } from '../../util/errors.js';
import type { GroupSplit } from './domains.js';
import type { CycleGanNetConfig, CycleGanTrainOptions } from './trainer.js';
import { translateImages, type Direction } from './translate.js';

export const CYCLEGAN_FORMAT = 'kensa-cyclegan/1';
export const CYCLEGAN_FILE = 'cyclegan.json';
export const SPLIT_FILE = 'split.json';

export interface StoredCycleGan {
  format: string;
  domains: { a: string; b: string };
  /** Where the training images were read (absolute): a root with both class folders, or one folder per domain. */
  data?: { root?: string; dirA?: string; dirB?: string };
  nets: CycleGanNetConfig;
  /** How the training images were read (size, plane, slice range, normalisation). */
  image: ImageSetOptions;
  /** Training options, for the record. */
  train: CycleGanTrainOptions;
}

const CYCLEGAN_META: RunMetaSpec = { file: CYCLEGAN_FILE, format: CYCLEGAN_FORMAT, kind: 'CycleGAN', command: 'kensa cyclegan train' };

export async function saveCycleGanRun(runDir: string, meta: Omit<StoredCycleGan, 'format'>, split: GroupSplit): Promise<void> {
  await writeFileAtomic(join(runDir, SPLIT_FILE), `${JSON.stringify(split, null, 2)}\n`);
  await writeRunMeta(runDir, CYCLEGAN_META, meta);
}

export function readCycleGanMeta(runDir: string): StoredCycleGan {
  const meta = readRunMeta<StoredCycleGan>(runDir, CYCLEGAN_META);
  if (!meta.nets?.generator || !meta.domains?.a || !meta.domains?.b || !meta.image) throw new InputError(join(runDir, CYCLEGAN_FILE), 'lacks domains, nets or image options');
  return meta;
}

export function readSplit(runDir: string): GroupSplit {
  const path = join(runDir, SPLIT_FILE);
  if (!existsSync(path)) throw new InputError(runDir, `has no ${SPLIT_FILE}`);
  const s = readJsonFile<GroupSplit>(path);
  if (!Array.isArray(s.train) || !Array.isArray(s.val) || !Array.isArray(s.test)) throw new InputError(path, 'expected {train, val, test} group lists');
  return s;
}

export interface LoadedCycleGan {
  /** Translates [N,1,S,S] images in [0, 1] (prepared as `imageOptions` says) to the other domain, in [0, 1]. */
  translate(images: Tensor, direction: Direction): Tensor;
  domains: { a: string; b: string };
  /** Side of the training images. */
  size: number;
  imageOptions: ImageSetOptions;
  split: GroupSplit;
  /** Epoch of the loaded weights. */
  epoch: number;
  generators: { a2b: CycleGanGenerator; b2a: CycleGanGenerator };
  dispose(): void;
}

export interface LoadCycleGanOptions {
  /** 'best' (the last epoch, CycleGAN has no validation pick), 'last' or an epoch. @default 'best' */
  which?: 'best' | 'last' | number;
  /** @default 'cpu' */
  device?: string;
}

/** Both generators of a `kensa cyclegan train` run, ready to translate. */
export function loadCycleGanRun(runDir: string, o: LoadCycleGanOptions = {}): LoadedCycleGan {
  const meta = readCycleGanMeta(runDir);
  const split = readSplit(runDir);
  const ck = join(runDir, 'checkpoints');
  if (!existsSync(ck)) throw new InputError(runDir, 'has no checkpoints folder (was training interrupted before the first epoch?)');
  const a2b = new CycleGanGenerator({ ...meta.nets.generator, initStd: 0 });
  const b2a = new CycleGanGenerator({ ...meta.nets.generator, initStd: 0 });
  let epoch: number;
  try {
    epoch = loadWeights(ck, { gA2B: a2b, gB2A: b2a }, o.which ?? 'best');
    if (o.device && o.device !== 'cpu') {
      a2b.to(o.device);
      b2a.to(o.device);
    }
  } catch (e) {
    a2b.dispose();
    b2a.dispose();
    throw e;
  }
  a2b.eval();
  b2a.eval();
  const channels = meta.nets.generator.inChannels ?? 1;
  return {
    translate(images, direction) {
      if (images.shape.length !== 4 || images.shape[1] !== channels) throw new RangeError(`translate: images must be [N, ${channels}, S, S], got [${images.shape.join(', ')}]`);
      if (direction !== 'a2b' && direction !== 'b2a') throw new RangeError(`translate: direction must be 'a2b' or 'b2a', got ${String(direction)}`);
      return translateImages(direction === 'a2b' ? a2b : b2a, images);
    },
    domains: meta.domains,
    size: meta.image.size ?? 128,
    imageOptions: meta.image,
    split,
    epoch,
    generators: { a2b, b2a },
    dispose() {
      a2b.dispose();
      b2a.dispose();
    },
  };
}
