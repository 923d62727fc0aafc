// Landmark pretraining data for the shared classifier trainer: the landmark-patch dataset of
// `landmarkDataset` split by subject, training patches re-cut every epoch with a seeded jitter (each
// item `repeat` times, each copy its own jitter) and fixed validation and test patches; plus top-k
// accuracy for the held-apart subjects (Nemoto et al. report top-1 of the landmark classifier).
import type { Patch25dOptions } from '../../data/patch-25d.js';
import { patchSource, type PatchItem } from '../../data/patch-source.js';
import { splitItems } from '../../data/splits.js';
import type { ImageSet } from '../../data/image-set.js';
import type { VolumePairItem } from '../../data/types.js';
import { OptionError } from '../../util/errors.js';
import { landmarkDataset, type LandmarkDataset, type LandmarkDatasetOptions } from './landmark-dataset.js';
import { patchImageSet, scaleVolume } from './patch-sets.js';

/** Options of `landmarkPretrainData`. */
export interface LandmarkPretrainOptions extends LandmarkDatasetOptions {
  /** Patch geometry. @default 32 pixels of one voxel each */
  patch?: Patch25dOptions;
  /** Largest shift of a training patch centre per axis, in mm (val/test patches are never shifted). @default 2 */
  jitter?: number;
  /** Copies of each training item per epoch, each cut with its own jitter. @default 1 */
  repeat?: number;
  /** Shares of the subjects for train, val and test. @default [0.7, 0.15, 0.15] */
  fractions?: readonly [number, number, number];
  /** Seed of the split and the jitter. @default 0 */
  seed?: number;
}

/** Subjects (pair stems) of each split. */
export interface SubjectSplit {
  train: string[];
  val: string[];
  test: string[];
}

export interface LandmarkPretrainData {
  dataset: LandmarkDataset;
  split: SubjectSplit;
  /** Training patches of epoch `epoch` (count = training items × repeat, fixed order and labels). */
  trainSet(epoch: number): Promise<ImageSet>;
  val: ImageSet;
  test: ImageSet;
}

/** Split `pairs` by subject (seeded), build the landmark patches of each part. */
export async function landmarkPretrainData(pairs: readonly VolumePairItem[], o: LandmarkPretrainOptions = {}): Promise<LandmarkPretrainData> {
  const seed = o.seed ?? 0;
  const repeat = o.repeat ?? 1;
  if (!Number.isInteger(repeat) || repeat < 1) throw new OptionError('--repeat', `must be a positive integer, got ${repeat}`);
  const parts = splitItems(pairs, { fractions: o.fractions ?? [0.7, 0.15, 0.15], seed });
  const split: SubjectSplit = { train: parts.train.map((p) => p.stem), val: parts.val.map((p) => p.stem), test: parts.test.map((p) => p.stem) };
  if (split.train.length === 0) throw new OptionError('--val-fraction', `leaves no training subject of ${pairs.length}`);
  const dataset = await landmarkDataset(pairs, { ...o, negatives: { seed, ...o.negatives } });
  const of = (stems: string[]): PatchItem[] => {
    const s = new Set(stems);
    return dataset.items.filter((it) => s.has(it.group ?? ''));
  };
  const trainItems = of(split.train).flatMap((it) => Array.from({ length: repeat }, () => it));
  const common = { patch: o.patch, prepareVolume: scaleVolume };
  const trainSource = patchSource(trainItems, { ...common, jitter: o.jitter ?? 2, seed });
  const classes = dataset.classNames;
  const fixedSet = async (items: PatchItem[]): Promise<ImageSet> =>
    items.length === 0
      ? { classes, channels: 3, size: o.patch?.pixels ?? 32, count: 0, data: new Float32Array(0), labels: new Int32Array(0), groups: [], sources: [] }
      : patchImageSet(patchSource(items, common), items, classes);
  return {
    dataset,
    split,
    trainSet: (epoch) => patchImageSet(trainSource, trainItems, classes, epoch, seed),
    val: await fixedSet(of(split.val)),
    test: await fixedSet(of(split.test)),
  };
}

/** Share of rows whose true class is among the k most probable ([N·C] row-major probabilities). */
export function topKAccuracy(probs: Float32Array, labels: ArrayLike<number>, c: number, k: number): number {
  if (labels.length === 0) return NaN;
  let hits = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = probs[i * c + labels[i]];
    let above = 0;
    for (let j = 0; j < c; j++) if (probs[i * c + j] > p) above++;
    if (above < k) hits++;
  }
  return hits / labels.length;
}
