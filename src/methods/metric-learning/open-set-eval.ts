// Leave-one-class-out open-set evaluation (Kimura et al. 2024, doi 10.1007/s10967-023-09300-w):
// each class in turn is the unknown; a network is trained on the others (split by source image);
// every unknown score is fitted on the training tiles, its threshold calibrated on validation
// tiles, and judged on known test tiles against all tiles of the held-out class.
import { calibrateThreshold, confusionMatrix, evaluateOpenSet, rocCurve } from '../../metrics/index.js';
import { manualSeed } from '../../engine/index.js';
import { MetricNet, type MetricNetConfig } from './metric-net.js';
import { trainMetricNet, predict, argmaxRows, type TrainOptions, type EpochRecord } from './trainer.js';
import { subsetImages, tilesOfImages, pixelStats, type TileSet } from './tile-data.js';
import { UNKNOWN_SCORES } from './scores/index.js';
import { imageVerdict, aggregateScore, majorityClass, type ImageVerdictOptions } from './verdict.js';
import { normalizeRows, type Matrix } from './matrix.js';
import { classCentroids } from './centroids.js';

/** Which images of the full set are train / val / test (per known class, by source image). */
export interface ImageSplit {
  train: number[];
  val: number[];
  test: number[];
  /** Images of the held-out class judged as unknowns. @default every image of that class */
  unknown?: number[];
}

export interface FoldOptions {
  net: Omit<MetricNetConfig, 'head' | 'numClasses' | 'inputSize'>;
  train: TrainOptions;
  /** TPR on validation known tiles that fixes each score's threshold. @default 0.95 */
  tpr?: number;
  verdict?: ImageVerdictOptions;
  /** Called after each training epoch (progress). */
  onEpoch?(record: EpochRecord): void;
  /** Checkpoint folder of this fold and head; none are written when undefined. */
  checkpointDir?: string;
  /** Continue from the newest good checkpoint in checkpointDir (a finished fold is not retrained). @default false */
  resume?: boolean;
}

/** Per-score open-set result of one head on one fold. */
export interface ScoreResult {
  /** Tile level: unknown = positive, higher score = more unknown. */
  auroc: number;
  auprIn: number;
  auprOut: number;
  fpr95: number;
  /** Image level AUROC on the mean tile score. */
  imageAuroc: number;
  threshold: number;
  /** Tile-level ROC points (unknown = positive), for figures. */
  roc: { fpr: number[]; tpr: number[] };
  /** Fraction of known test images whose verdict is their true class. */
  knownImageAccuracy: number;
  /** Fraction of unknown images whose verdict is 'unknown'. */
  unknownImageRecall: number;
}

export interface FoldHeadResult {
  head: string;
  unknownClass: string;
  closedSetTileAccuracy: number;
  closedSetImageAccuracy: number;
  /** Known classes in the order of the confusion matrix. */
  knownClasses: string[];
  /** Closed-set test tiles: confusion[true][predicted] over the known classes. */
  confusion: number[][];
  scores: Record<string, ScoreResult>;
  epochs: EpochRecord[];
  /** Test embeddings for the projection figure: known test tiles then unknown tiles. */
  embeddings: { test: Matrix; labels: Int32Array; centroidsOf: Matrix; centroidLabels: Int32Array };
  trainSeconds: number;
}

function concatMatrices(a: Matrix, b: Matrix): Matrix {
  const d = new Float32Array(a.data.length + b.data.length);
  d.set(a.data);
  d.set(b.data, a.data.length);
  return { data: d, rows: a.rows + b.rows, cols: a.cols };
}

/** Train one head with `unknown` held out and evaluate every score. */
export async function evaluateFold(all: TileSet, classes: readonly string[], unknown: number, split: ImageSplit, head: string, o: FoldOptions): Promise<FoldHeadResult> {
  const known = classes.map((_, i) => i).filter((i) => i !== unknown);
  const relabel = (l: number): number => (l === unknown ? -1 : known.indexOf(l));
  const train = subsetImages(all, split.train, relabel);
  const val = subsetImages(all, split.val, relabel);
  const test = subsetImages(all, split.test, relabel);
  const unknownImages = split.unknown ?? all.images.map((im, i) => (im.label === unknown ? i : -1)).filter((i) => i >= 0);
  const unk = subsetImages(all, unknownImages, relabel);
  manualSeed(o.train.seed ?? 0);
  const net = new MetricNet({ ...o.net, head, numClasses: known.length, inputSize: all.size });
  const norm = pixelStats(train);
  const topts = { ...o.train, norm };
  const started = Date.now();
  const epochs = await trainMetricNet(net, train, val, topts, { onEpoch: (r) => o.onEpoch?.(r) }, { checkpointDir: o.checkpointDir, resume: o.resume });
  const trainSeconds = (Date.now() - started) / 1000;
  const pTrain = predict(net, train, topts);
  const pVal = predict(net, val, topts);
  const pTest = predict(net, test, topts);
  const pUnk = predict(net, unk, topts);
  net.dispose();
  const knownNames = known.map((i) => classes[i]);
  const testPred = argmaxRows(pTest.logits);
  let right = 0;
  testPred.forEach((p, i) => (right += p === test.labels[i] ? 1 : 0));
  const testByImage = tilesOfImages(test);
  const unkByImage = tilesOfImages(unk);
  let imgRight = 0;
  testByImage.forEach((tiles, im) => (imgRight += majorityClass(tiles.map((t) => testPred[t])) === test.images[im].label ? 1 : 0));
  const unkPred = argmaxRows(pUnk.logits);
  const scores: Record<string, ScoreResult> = {};
  for (const s of UNKNOWN_SCORES) {
    const fn = s.fit({ embeddings: pTrain.embeddings, logits: pTrain.logits, labels: train.labels, numClasses: known.length, normalize: net.head.normalizesEmbeddings });
    const sVal = fn(pVal);
    const sTest = fn(pTest);
    const sUnk = fn(pUnk);
    const all2 = Float64Array.from([...sTest, ...sUnk]);
    const isUnk = [...Array(sTest.length).fill(0), ...Array(sUnk.length).fill(1)];
    const m = evaluateOpenSet(all2, isUnk);
    const roc = rocCurve(all2, isUnk);
    const { threshold } = calibrateThreshold(sVal, { tpr: o.tpr ?? 0.95 });
    const imgScores: number[] = [];
    const imgUnk: number[] = [];
    let knownOk = 0;
    testByImage.forEach((tiles, im) => {
      const v = imageVerdict(tiles.map((t) => sTest[t]), tiles.map((t) => testPred[t]), threshold, knownNames, o.verdict);
      knownOk += v.classIndex === test.images[im].label ? 1 : 0;
      imgScores.push(aggregateScore(tiles.map((t) => sTest[t]), o.verdict?.aggregate));
      imgUnk.push(0);
    });
    let unkOk = 0;
    unkByImage.forEach((tiles) => {
      const v = imageVerdict(tiles.map((t) => sUnk[t]), tiles.map((t) => unkPred[t]), threshold, knownNames, o.verdict);
      unkOk += v.classIndex === -1 ? 1 : 0;
      imgScores.push(aggregateScore(tiles.map((t) => sUnk[t]), o.verdict?.aggregate));
      imgUnk.push(1);
    });
    scores[s.name] = {
      auroc: m['auroc'],
      auprIn: m['aupr-in'],
      auprOut: m['aupr-out'],
      fpr95: m['fpr-at-95-tpr'],
      imageAuroc: evaluateOpenSet(imgScores, imgUnk)['auroc'],
      threshold,
      roc: { fpr: Array.from(roc.fpr), tpr: Array.from(roc.tpr) },
      knownImageAccuracy: knownOk / testByImage.length,
      unknownImageRecall: unkOk / unkByImage.length,
    };
  }
  // Centroids of the (normalised, for metric heads) training embeddings, for the projection figure.
  const cc = classCentroids(pTrain.embeddings, train.labels, known.length, net.head.normalizesEmbeddings);
  const labels = Int32Array.from([...test.labels, ...Array(unk.count).fill(-1)]);
  return {
    head,
    unknownClass: classes[unknown],
    closedSetTileAccuracy: right / test.count,
    closedSetImageAccuracy: imgRight / testByImage.length,
    knownClasses: knownNames,
    confusion: confusionRows(test.labels, testPred, known.length),
    scores,
    epochs,
    embeddings: { test: net.head.normalizesEmbeddings ? normalizeRows(concatMatrices(pTest.embeddings, pUnk.embeddings)) : concatMatrices(pTest.embeddings, pUnk.embeddings), labels, centroidsOf: cc.centroids, centroidLabels: Int32Array.from(known.map((_, i) => i)) },
    trainSeconds,
  };
}

function confusionRows(labels: ArrayLike<number>, pred: ArrayLike<number>, c: number): number[][] {
  const m = confusionMatrix(labels, pred, { numClasses: c });
  return Array.from({ length: c }, (_, t) => Array.from({ length: c }, (_, p) => m.at(t, p)));
}

/** Mean and sample standard deviation. */
export function meanSd(v: readonly number[]): { mean: number; sd: number } {
  const n = v.length;
  const mean = v.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd };
}
