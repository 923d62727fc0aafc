// A landmark-pretraining run on disk: landmark-model.json in the run folder (network, landmark
// classes, how patches were cut and normalised, the subject split, the data folder) beside the fit
// loop's checkpoints; loading rebuilds the network with its best or last weights.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Patch25dOptions } from '../../data/patch-25d.js';
import { loadWeights } from '../../train/index.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { InputError } from '../../util/errors.js';
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

export async function saveLandmarkModel(runDir: string, meta: Omit<StoredLandmarkModel, 'format'>): Promise<void> {
  await writeFileAtomic(join(runDir, LANDMARK_MODEL_FILE), `${JSON.stringify({ format: LANDMARK_MODEL_FORMAT, ...meta }, null, 2)}\n`);
}

export function readLandmarkModel(runDir: string): StoredLandmarkModel {
  const path = join(runDir, LANDMARK_MODEL_FILE);
  if (!existsSync(path)) throw new InputError(runDir, `is not a landmark-pretraining run (no ${LANDMARK_MODEL_FILE}; train one with kensa transfer pretrain)`);
  let meta: StoredLandmarkModel;
  try {
    meta = JSON.parse(readFileSync(path, 'utf8')) as StoredLandmarkModel;
  } catch (e) {
    throw new InputError(path, `not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
  if (meta.format !== LANDMARK_MODEL_FORMAT) throw new InputError(path, `format is '${String(meta.format)}', expected '${LANDMARK_MODEL_FORMAT}'`);
  return meta;
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
