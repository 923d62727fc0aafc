// Frozen features on disk, so AdaBoost can run without the CNN: one safetensors file holding the
// [N, D] float32 matrix, the N labels and, as metadata, what the rows are (task, subjects, layer).
import { tensor } from '../../engine/index.js';
import { loadSafetensors, saveSafetensors } from '../../engine/safetensors.js';
import { InputError } from '../../util/errors.js';
import type { FeatureMatrix } from './decision-stump.js';

export const FEATURE_FORMAT = 'kensa-features/1';

/** What the rows of a feature file are. */
export interface FeatureFileInfo {
  /** Target task and the options its patches were drawn with. */
  task: string;
  classNames: string[];
  perVolume: number;
  taskSeed: number;
  /** Region folder the patches come from (absolute). */
  data: string;
  /** Subject (pair stem) of each row. */
  groups: string[];
  /** Network run folder ('' for raw intensities), layer and pooling. */
  model: string;
  layer: string;
  pool: string;
}

export interface FeatureFile extends FeatureFileInfo {
  features: FeatureMatrix;
  labels: Int32Array;
}

/** Writes the features atomically. */
export function saveFeatureFile(path: string, f: FeatureFile): void {
  const { features, labels, ...info } = f;
  if (labels.length !== features.rows || info.groups.length !== features.rows) throw new InputError(path, `${features.rows} feature rows but ${labels.length} labels and ${info.groups.length} subjects`);
  const tensors = new Map([
    ['features', tensor(features.data, { shape: [features.rows, features.cols] })],
    ['labels', tensor(labels, { shape: [labels.length] })],
  ]);
  try {
    saveSafetensors(path, tensors, { format: FEATURE_FORMAT, info: JSON.stringify(info) });
  } finally {
    for (const t of tensors.values()) t.dispose();
  }
}

/** Reads a feature file; every problem is one line naming it. */
export function loadFeatureFile(path: string): FeatureFile {
  const st = loadSafetensors(path);
  try {
    return fromFile(path, st);
  } finally {
    for (const t of st.tensors.values()) t.dispose();
  }
}

function fromFile(path: string, st: ReturnType<typeof loadSafetensors>): FeatureFile {
  if (st.metadata.format !== FEATURE_FORMAT) throw new InputError(path, `is not a kensa feature file (format '${st.metadata.format ?? 'none'}', expected '${FEATURE_FORMAT}'; write one with kensa transfer features)`);
  let info: FeatureFileInfo;
  try {
    info = JSON.parse(st.metadata.info ?? '') as FeatureFileInfo;
  } catch {
    throw new InputError(path, 'its metadata is not valid JSON');
  }
  const f = st.tensors.get('features');
  const l = st.tensors.get('labels');
  if (!f || !l || f.shape.length !== 2 || f.dtype !== 'float32' || l.dtype !== 'int32') throw new InputError(path, 'lacks a float32 [N, D] features tensor or int32 labels');
  const [rows, cols] = f.shape;
  if (l.shape[0] !== rows || !Array.isArray(info.groups) || info.groups.length !== rows) throw new InputError(path, `has ${rows} feature rows but ${l.shape[0]} labels and ${Array.isArray(info.groups) ? info.groups.length : 'no'} subjects`);
  return { ...info, features: { rows, cols, data: Float32Array.from(f.data() as Float32Array) }, labels: Int32Array.from(l.data() as Int32Array) };
}
