// kensa metric train: trains a tile classifier with a metric-learning head (or the softmax
// baseline), checkpoints every epoch (--resume continues), fits the known-class reference and
// calibrates every unknown score's threshold on validation tiles.
import { defineCommand } from '../command.js';
import { manualSeed } from '../../engine/index.js';
import { calibrateThreshold } from '../../metrics/index.js';
import { HEAD_NAMES, headSpec } from '../../methods/metric-learning/heads/index.js';
import { UNKNOWN_SCORES, SCORE_NAMES } from '../../methods/metric-learning/scores/index.js';
import { MetricNet } from '../../methods/metric-learning/metric-net.js';
import { metricTask, metricRecord, predict, accuracy, argmaxRows, type EpochRecord } from '../../methods/metric-learning/trainer.js';
import { fit } from '../../train/index.js';
import { syncBatchNorm } from '../../nn/sync-batch-norm.js';
import { loadTileSet, subsetImages, pixelStats } from '../../methods/metric-learning/tile-data.js';
import { saveModel, type StoredModel } from '../../methods/metric-learning/model-store.js';
import { lineCurves } from '../../report/figures/line-curves.js';
import { confusionMatrixFigure } from '../../report/index.js';
import type { ReportSummary } from '../../report/summary.js';
import { OptionError } from '../../util/errors.js';
import { METRIC_DATA_SPECS, METRIC_NET_SPECS, splitDataset, tileOptions, trainLevers, type MetricDataOptions, type MetricNetOptions } from './metric-options.js';

export interface MetricTrainOptions extends MetricDataOptions, MetricNetOptions {
  /** @default 'arcface' */ head: string;
  /** Score used for identify's verdicts; '' = centroid-distance for metric heads, msp for softmax. @default '' */ score: string;
  /** Continue from the last checkpoint in --out. @default false */ resume: boolean;
  /** Under kensa launch: batch-norm statistics of the global batch (SyncBatchNorm). @default false */ syncBn: boolean;
}

export const metricTrainCommand = defineCommand<MetricTrainOptions>({
  name: 'metric train',
  summary: 'train a tile classifier with a metric-learning head; known-class reference and thresholds',
  writesRun: true,
  options: {
    ...METRIC_DATA_SPECS,
    ...METRIC_NET_SPECS,
    head: { kind: 'string', description: 'classification head', default: 'arcface', choices: HEAD_NAMES },
    score: { kind: 'string', description: "unknown score for verdicts ('' = centroid-distance, msp for softmax)", default: '', choices: ['', ...SCORE_NAMES] },
    resume: { kind: 'boolean', description: 'continue from the last checkpoint in --out', default: false },
    syncBn: { kind: 'boolean', description: "under kensa launch: batch norm normalises by every rank's part of the batch together (SyncBatchNorm), not each rank's own", default: false },
  },
  async run(o, _args, ctx) {
    const run = ctx.run();
    if (!run) throw new OptionError('--out', 'is required (the model folder)');
    const { classes, images, split } = await splitDataset(o, o.seed);
    const tiling = tileOptions(o);
    const all = await loadTileSet(images, tiling);
    const train = subsetImages(all, split.train);
    const val = subsetImages(all, split.val);
    const test = subsetImages(all, split.test);
    ctx.log(`metric train: ${classes.join('/')}; ${train.count} training tiles (${split.train.length} images), ${val.count} validation, ${test.count} test; ${all.size}×${all.size} px tiles`);
    await run.writeJson('split.json', { classes, train: split.train.map((i) => images[i].path), val: split.val.map((i) => images[i].path), test: split.test.map((i) => images[i].path) });
    manualSeed(o.seed);
    const net = new MetricNet({ backbone: o.backbone, width: o.width, embeddingSize: o.embeddingSize, head: o.head, numClasses: classes.length, inputSize: all.size, scale: o.scale, pool: o.pool as 'flatten' | 'gap' });
    if (o.syncBn) ctx.log(`--sync-bn: ${syncBatchNorm(net)} batch-norm layer(s) synchronised over the data-parallel ranks`);
    const norm = pixelStats(train);
    const topts = { epochs: o.epochs, batchSize: o.batchSize, lr: o.lr, augment: o.augment, order: (o.balanced ? 'balanced' : 'shuffle') as 'balanced' | 'shuffle', seed: o.seed, norm, device: o.device, ...trainLevers(o) };
    const ckDir = run.checkpointDir();
    const task = metricTask(net, train, val, topts);
    const fitted = await fit(task, { epochs: o.epochs, checkpointDir: ckDir, resume: o.resume, seed: o.seed }, ctx);
    task.optimizer.dispose();
    const history: EpochRecord[] = fitted.history.map(metricRecord);
    // Reference embeddings, thresholds on validation tiles, test metrics.
    const pTrain = predict(net, train, topts);
    const pVal = predict(net, val, topts);
    const pTest = predict(net, test, topts);
    const normalize = net.head.normalizesEmbeddings;
    const thresholds: Record<string, number> = {};
    for (const s of UNKNOWN_SCORES) {
      const fn = s.fit({ embeddings: pTrain.embeddings, logits: pTrain.logits, labels: train.labels, numClasses: classes.length, normalize });
      thresholds[s.name] = calibrateThreshold(fn(pVal), { tpr: o.tpr }).threshold;
    }
    const meta: StoredModel = {
      format: 'kensa-metric-model/1',
      net: net.config,
      classes,
      tiling: { tileSize: o.tileSize, stride: o.stride || o.tileSize, downsample: o.downsample, crop: tiling.crop },
      norm,
      score: o.score || (headSpec(o.head).metric ? 'centroid-distance' : 'msp'),
      thresholds,
      tpr: o.tpr,
      aggregate: o.aggregate as StoredModel['aggregate'],
    };
    await saveModel(run.dir, meta, net, { embeddings: pTrain.embeddings, labels: train.labels });
    const result = { head: o.head, classes, epochs: history, testTileAccuracy: test.count ? accuracy(pTest.logits, test.labels) : NaN, valTileAccuracy: accuracy(pVal.logits, val.labels), score: meta.score, thresholds, model: run.dir };
    await run.figures.add(lineCurves, 'training', { series: [
      { name: 'training loss', x: history.map((h) => h.epoch), y: history.map((h) => h.loss) },
    ] }, { xTitle: 'epoch', yTitle: 'loss' }, `Mean ${o.head} loss per epoch`);
    await run.figures.add(lineCurves, 'accuracy', { series: [
      { name: 'training tiles', x: history.map((h) => h.epoch), y: history.map((h) => h.trainAccuracy) },
      { name: 'validation tiles', x: history.map((h) => h.epoch), y: history.map((h) => h.valAccuracy) },
    ] }, { xTitle: 'epoch', yTitle: 'accuracy' }, 'Tile accuracy per epoch');
    const confusion = new Array<number>(classes.length * classes.length).fill(0);
    const predicted = argmaxRows(pTest.logits);
    predicted.forEach((p, i) => { confusion[test.labels[i] * classes.length + p]++; });
    if (test.count > 0) await run.figures.add(confusionMatrixFigure, 'test-confusion', { classes, counts: confusion }, {}, `Confusion matrix of the ${test.count} test tiles (${split.test.length} images)`);
    net.dispose();
    const pct = (v: number): string => (Number.isFinite(v) ? `${(v * 100).toFixed(1)} %` : 'n/a');
    const shown = (await run.figures.list()).filter((f) => ['test-confusion', 'accuracy', 'training'].includes(f.name));
    const summary: ReportSummary = {
      verdict: `${o.head} head on ${classes.length} classes (${classes.join(', ')}): ${pct(result.testTileAccuracy)} of ${test.count} test tiles right (validation ${pct(result.valTileAccuracy)}); unknown verdicts use ${meta.score}, its threshold set at ${o.tpr * 100} % of validation known tiles.`,
      facts: [
        { label: 'Test tile accuracy', value: pct(result.testTileAccuracy), note: `${test.count} tiles, ${split.test.length} images` },
        { label: 'Validation tile accuracy', value: pct(result.valTileAccuracy), note: `${val.count} tiles` },
        { label: 'Training tiles', value: train.count, note: `${split.train.length} images` },
        { label: 'Epochs', value: history.length },
        { label: 'Tile', value: `${all.size}×${all.size} px`, note: `embedding ${net.config.embeddingSize}` },
      ],
      tables: [{
        caption: 'Unknown-score thresholds (higher score = more unknown)',
        columns: ['score', 'threshold'],
        rows: UNKNOWN_SCORES.map((sc) => ({ label: sc.name === meta.score ? `${sc.name} (verdicts)` : sc.name, cells: [Number(thresholds[sc.name].toPrecision(4))] })),
      }],
      galleries: shown.length > 0 ? [{ caption: 'Test confusion matrix and training curves', columns: 3, side: 360, items: shown.map((f) => ({ title: f.name, images: [{ file: f.file }] })) }] : [],
    };
    return { summary, json: result, text: `metric train: ${o.head}, test tile accuracy ${(result.testTileAccuracy * 100).toFixed(1)}%, validation ${(result.valTileAccuracy * 100).toFixed(1)}%; model in ${run.dir}` };
  },
});
