// A landmark-pretraining run on disk: landmark-model.json in the run folder (network, landmark
// classes, how patches were cut and normalised, the subject split, the data folder) beside the fit
// loop's checkpoints; loading rebuilds the network with its best or last weights.
import { join } from 'node:path';
import type { Patch25dOptions } from '../../data/patch-25d.js';
import { loadWeights } from '../../train/index.js';
import { readRunMeta, writeRunMeta, type RunMetaSpec } from '../../util/run-meta.js';
import { buildBackbone, type BackboneConfig, type ClassifierNet } from '../classify/backbones.js';
import type { LandmarkClass, LandmarkPoint } from './landmarks.js';
import type { NegativeMask } from './negatives.js';
import type { SubjectSplit } from './pretrain.js';
import type { RegionFolderLayout } from './region-folder.js';

export const LANDMARK_MODEL_FORMAT = 'kensa-landmark-model/1';
export const LANDMARK_MODEL_FILE = 'landmark-model.json';

/** Everything needed to rebuild the network and cut patches the way it was trained on. */
export interface StoredLandmarkModel {
  format: string;
  net: BackboneConfig;
  /** Landmark classes, then 'not a landmark'. */
  classNames: string[];
  landmarks: LandmarkClass[];
  point: LandmarkPoint;
  negatives: { perVolume: number; minDistance: number; mask: NegativeMask };
  patch: Patch25dOptions;
  jitter: number;
  repeat: number;
  /** Pixel normalisation (x − mean) / std of the network input. */
  norm: { mean: number; std: number };
  split: SubjectSplit;
  /** Region folder (absolute) and its layout. */
  data: string;
  layout: Required<RegionFolderLayout>;
  /** Trained on a seeded permutation of the training labels (the no-information control). */
  shuffledLabels: boolean;
  seed: number;
}

const LANDMARK_META: RunMetaSpec = { file: LANDMARK_MODEL_FILE, format: LANDMARK_MODEL_FORMAT, kind: 'landmark-pretraining', command: 'kensa transfer pretrain' };

export async function saveLandmarkModel(runDir: string, meta: Omit<StoredLandmarkModel, 'format'>): Promise<void> {
  await writeRunMeta(runDir, LANDMARK_META, meta);
}

export function readLandmarkModel(runDir: string): StoredLandmarkModel {
  return readRunMeta<StoredLandmarkModel>(runDir, LANDMARK_META);
}

/** The run's network with its 'best' (default) or 'last' weights, in eval mode. */
export function loadLandmarkModel(runDir: string, which: 'best' | 'last' = 'best'): { meta: StoredLandmarkModel; net: ClassifierNet; epoch: number } {
  const meta = readLandmarkModel(runDir);
  const net = buildBackbone(meta.net);
  try {
    const epoch = loadWeights(join(runDir, 'checkpoints'), { net }, which);
    net.eval();
    return { meta, net, epoch };
  } catch (e) {
    net.dispose();
    throw e;
  }
}
