// A trained model folder as `kensa metric train` leaves it and `kensa metric identify` reads it:
// model.json (network config, classes, tiling, normalisation, thresholds), model.safetensors
// (weights) and reference.safetensors (training-tile embeddings and labels the scores are fitted on).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tensor } from '../../engine/index.js';
import { loadSafetensors, saveSafetensors } from '../../engine/safetensors.js';
import { InputError } from '../../util/errors.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { MetricNet, type MetricNetConfig } from './metric-net.js';
import { matrix, type Matrix } from './matrix.js';
import type { TileDataOptions } from './tile-data.js';

export interface StoredModel {
  format: 'kensa-metric-model/1';
  net: MetricNetConfig;
  classes: string[];
  tiling: TileDataOptions;
  norm: { mean: number; std: number };
  /** Score used for verdicts by default. */
  score: string;
  /** Per score: threshold calibrated on validation tiles at `tpr`. */
  thresholds: Record<string, number>;
  tpr: number;
  aggregate: 'vote' | 'mean' | 'median';
}

export async function saveModel(dir: string, meta: StoredModel, net: MetricNet, reference: { embeddings: Matrix; labels: Int32Array }): Promise<void> {
  net.save(join(dir, 'model.safetensors'));
  saveSafetensors(join(dir, 'reference.safetensors'), new Map([
    ['embeddings', tensor(reference.embeddings.data, { shape: [reference.embeddings.rows, reference.embeddings.cols] })],
    ['labels', tensor(reference.labels, { shape: [reference.labels.length] })],
  ]));
  await writeFileAtomic(join(dir, 'model.json'), `${JSON.stringify(meta, null, 2)}\n`);
}

export function loadModel(dir: string): { meta: StoredModel; net: MetricNet; reference: { embeddings: Matrix; labels: Int32Array } } {
  const mj = join(dir, 'model.json');
  if (!existsSync(mj)) throw new InputError(dir, 'holds no model.json (train one with `kensa metric train --out DIR`)');
  let meta: StoredModel;
  try {
    meta = JSON.parse(readFileSync(mj, 'utf8')) as StoredModel;
  } catch (e) {
    throw new InputError(mj, `is not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
  if (meta.format !== 'kensa-metric-model/1') throw new InputError(mj, `is not a kensa metric model (format ${String(meta.format)})`);
  const net = new MetricNet(meta.net);
  net.load(join(dir, 'model.safetensors'));
  net.eval();
  const ref = loadSafetensors(join(dir, 'reference.safetensors')).tensors;
  const e = ref.get('embeddings');
  const l = ref.get('labels');
  if (!e || !l) throw new InputError(join(dir, 'reference.safetensors'), 'lacks embeddings or labels');
  const reference = { embeddings: matrix(e.shape[0], e.shape[1], e.data() as Float32Array), labels: Int32Array.from(l.data() as Int32Array) };
  return { meta, net, reference };
}
