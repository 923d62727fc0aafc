// One fold of `kensa metric openset-eval`, the same in the command's own process and in a worker
// process: the data (classes, per-block splits, tiles) prepared once, then a fold = one head
// trained with one class held out on one test block under one seed, judged by every score.
import { join } from 'node:path';
import { latestCheckpoint } from '../../train/checkpoint-files.js';
import { loadTileSet, type TileImage, type TileSet } from '../../methods/metric-learning/tile-data.js';
import { evaluateFold, type ImageSplit } from '../../methods/metric-learning/open-set-eval.js';
import type { FoldSpec, ProtocolFoldResult } from '../../methods/metric-learning/openset-protocol.js';
import type { ImageVerdictOptions } from '../../methods/metric-learning/verdict.js';
import { OptionError } from '../../util/errors.js';
import { splitDataset, tileOptions, trainLevers, type MetricDataOptions, type MetricNetOptions } from './metric-options.js';

/** What a fold needs of the command's options (plain data: it travels to worker processes). */
export interface FoldRunOptions extends MetricDataOptions, MetricNetOptions {
  /** 'all': every image of the held-out class is an unknown test image; 'test-block': only those in the test block of its own sequence. */
  unknownImages: string;
  device: string;
}

/** Classes, images, the split of each (test block, seed), and every image's tiles. */
export interface OpensetData {
  classes: string[];
  images: TileImage[];
  splits: Map<string, ImageSplit>;
  all: TileSet;
}

/** Number of test-sized blocks each class's sequence is cut into. */
export function testBlockCount(o: Pick<MetricDataOptions, 'testFraction'>): number {
  return o.testFraction > 0 ? Math.round(1 / o.testFraction) : 1;
}

// A contiguous split does not depend on the seed: one split per block serves every seed.
const splitKey = (o: FoldRunOptions, block: number, seed: number): string => (o.split === 'contiguous' ? `${block}` : `${block}|${seed}`);

/** The split of each test block (0-based) and seed, and the tiles of every image. */
export async function prepareOpenset(o: FoldRunOptions, blocks: readonly number[], seeds: readonly number[]): Promise<OpensetData> {
  const splits = new Map<string, ImageSplit>();
  let classes: string[] = [];
  let images: TileImage[] = [];
  const last = testBlockCount(o) - 1;
  for (const b of blocks) {
    for (const s of seeds) {
      if (splits.has(splitKey(o, b, s))) continue;
      // the last block as -1, the default, so a one-block run cuts exactly as before
      const d = await splitDataset({ ...o, testBlock: o.split === 'contiguous' && b !== last ? b : -1 }, s);
      [classes, images] = [d.classes, d.images];
      splits.set(splitKey(o, b, s), d.split);
    }
  }
  return { classes, images, splits, all: await loadTileSet(images, tileOptions(o)) };
}

/** The split of one fold: known classes keep their split; the held-out class's images are the unknowns. */
export function foldSplit(data: OpensetData, o: FoldRunOptions, block: number, seed: number, heldOut: number): ImageSplit {
  const split = data.splits.get(splitKey(o, block, seed));
  if (!split) throw new RangeError(`no split prepared for test block ${block}, seed ${seed}`);
  const keep = (ims: number[]): number[] => ims.filter((i) => data.images[i].label !== heldOut);
  const unknown = o.unknownImages === 'test-block'
    ? split.test.filter((i) => data.images[i].label === heldOut)
    : data.images.map((im, i) => (im.label === heldOut ? i : -1)).filter((i) => i >= 0);
  if (unknown.length === 0) throw new OptionError('--unknown-images', `class '${data.classes[heldOut]}' has no images in test block ${block}`);
  return { train: keep(split.train), val: keep(split.val), test: keep(split.test), unknown };
}

/** What a fold keeps beyond its numbers (the figures need them for a few folds only). */
export interface FoldKeep {
  embeddings: boolean;
  roc: boolean;
}

/**
 * Trains and judges one fold. Checkpoints go to `<checkpointRoot>/<spec.id>` when a root is given;
 * with `resume` a fold continues from its newest checkpoint there (a finished one is not retrained).
 */
export async function runFold(data: OpensetData, spec: FoldSpec, o: FoldRunOptions, keep: FoldKeep, ck: { checkpointRoot?: string; resume: boolean }, log: (line: string) => void): Promise<ProtocolFoldResult> {
  const u = data.classes.indexOf(spec.heldOut);
  const block = spec.testBlock;
  const label = `${spec.heldOut} held out${spec.id.startsWith('block') ? ` (block ${block}, seed ${spec.seed})` : ''}, ${spec.head}`;
  const checkpointDir = ck.checkpointRoot !== undefined ? join(ck.checkpointRoot, spec.id) : undefined;
  const latest = ck.resume && checkpointDir !== undefined ? latestCheckpoint(checkpointDir) : undefined;
  if (latest) log(`  ${label}: resuming after epoch ${latest.epoch}`);
  const r = await evaluateFold(data.all, data.classes, u, foldSplit(data, o, block, spec.seed, u), spec.head, {
    net: { backbone: o.backbone, width: o.width, embeddingSize: o.embeddingSize, scale: o.scale, pool: o.pool as 'flatten' | 'gap' },
    train: { epochs: o.epochs, batchSize: o.batchSize, lr: o.lr, augment: o.augment, order: o.balanced ? 'balanced' : 'shuffle', seed: spec.seed, device: o.device, ...trainLevers(o) },
    tpr: o.tpr,
    verdict: { aggregate: o.aggregate as ImageVerdictOptions['aggregate'] },
    checkpointDir,
    resume: latest !== undefined,
    onEpoch: (e) => log(`  ${label}: epoch ${e.epoch}/${o.epochs} loss ${e.loss.toFixed(3)}, train accuracy ${e.trainAccuracy.toFixed(3)}, val tiles ${e.valAccuracy.toFixed(3)} (${e.tilesPerSecond.toFixed(0)} tiles/s)`),
  });
  const empty = { rows: 0, cols: 0, data: new Float32Array(0) };
  return {
    ...r,
    testBlock: block,
    seed: spec.seed,
    scores: keep.roc ? r.scores : Object.fromEntries(Object.entries(r.scores).map(([k, s]) => [k, { ...s, roc: { fpr: [], tpr: [] } }])),
    embeddings: keep.embeddings ? r.embeddings : { test: empty, labels: new Int32Array(0), centroidsOf: empty, centroidLabels: new Int32Array(0) },
  };
}
