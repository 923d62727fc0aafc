// A trained U-Net segmenter on disk: `segmenter.json` in the run folder (network shape, classes,
// how images and masks were read and normalised, patch and window sizes) beside the fit loop's
// checkpoints; loading rebuilds the network with its best (or last, or an epoch's) weights.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UNet, type UNetOptions } from '../../models/index.js';
import { loadWeights } from '../../train/index.js';
import { readRunMeta, writeRunMeta, type RunMetaSpec } from '../../util/run-meta.js';
import { InputError, OptionError } from '../../util/errors.js';
import type { Blend } from './sliding-window.js';
import type { PixelNorm } from './seg-data.js';
import type { SelectBy } from './set-dice.js';

export const SEGMENTER_FORMAT = 'kensa-segmenter/1';
export const SEGMENTER_FILE = 'segmenter.json';

export interface StoredSegmenter {
  format: string;
  unet: Required<UNetOptions>;
  /** Classes including background (2 = binary, one sigmoid output). */
  classes: number;
  /** Image channels as read: 'grey' or 'keep'. */
  channels: 'grey' | 'keep';
  /** --mask-values the model was trained with (text form). */
  maskValues: string;
  maskSuffix: string;
  norm: PixelNorm;
  /** Side of the training patches. */
  patchSize: number;
  /** Sliding-window settings used for validation (prediction's defaults). */
  window: number;
  overlap: number;
  blend: Blend;
  /** How the best epoch was chosen (segment-train --select-by); absent in runs from before the option, which used 'mean'. */
  selectBy?: SelectBy;
}

const SEGMENTER_META: RunMetaSpec = { file: SEGMENTER_FILE, format: SEGMENTER_FORMAT, kind: 'segmentation', command: 'kensa segment-train' };

export async function saveSegmenterMeta(runDir: string, meta: Omit<StoredSegmenter, 'format'>): Promise<void> {
  await writeRunMeta(runDir, SEGMENTER_META, meta);
}

/** The --select-by of a stored run ('mean' for runs from before the option). */
export function storedSelectBy(meta: StoredSegmenter): SelectBy {
  return meta.selectBy ?? 'mean';
}

export function readSegmenterMeta(runDir: string): StoredSegmenter {
  return readRunMeta<StoredSegmenter>(runDir, SEGMENTER_META);
}

export interface LoadedSegmenter {
  meta: StoredSegmenter;
  unet: UNet;
  /** Epoch of the loaded weights. */
  epoch: number;
  /** Input sides must be multiples of this. */
  multiple: number;
  dispose(): void;
}

/** U-Net of a segmentation run with 'best' (default), 'last' or an epoch's weights, in eval mode. */
export function loadSegmenter(runDir: string, which: 'best' | 'last' | number = 'best', device = 'cpu'): LoadedSegmenter {
  const meta = readSegmenterMeta(runDir);
  const unet = new UNet(meta.unet);
  let epoch: number;
  try {
    epoch = loadWeights(join(runDir, 'checkpoints'), { unet }, which);
  } catch (e) {
    unet.dispose();
    throw e;
  }
  if (device !== 'cpu') unet.to(device);
  unet.eval();
  return { meta, unet, epoch, multiple: 2 ** (meta.unet.widths.length - 1), dispose: () => unet.dispose() };
}

/** Parses a --weights value: 'best', 'last' or an epoch number. */
export function parseWhich(text: string): 'best' | 'last' | number {
  if (text === 'best' || text === 'last') return text;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new OptionError('--weights', `expected best, last or an epoch number, got '${text}'`);
  return n;
}

export const SUBSETS = ['all', 'train', 'val', 'test'] as const;

/** File names (no folder) of a run's split part, from its split.json; undefined for 'all'. */
export function splitNames(runDir: string, subset: string): Set<string> | undefined {
  if (subset === 'all') return undefined;
  const path = join(runDir, 'split.json');
  if (!existsSync(path)) throw new InputError(runDir, 'has no split.json (written by kensa segment-train)');
  const split = JSON.parse(readFileSync(path, 'utf8')) as Record<string, string[]>;
  const list = split[subset];
  if (!Array.isArray(list)) throw new OptionError('--subset', `${path} lists no '${subset}' images`);
  return new Set(list.map((p) => basename(p)));
}
