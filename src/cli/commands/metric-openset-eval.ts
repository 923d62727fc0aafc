// kensa metric openset-eval: leave-one-class-out unknown-material detection — each class in turn is
// held out as the unknown, every head is trained on the rest, and every unknown score is judged.
import { join } from 'node:path';
import { defineCommand } from '../command.js';
import { latestCheckpoint } from '../../train/index.js';
import { HEAD_NAMES } from '../../methods/metric-learning/heads/index.js';
import { SCORE_NAMES } from '../../methods/metric-learning/scores/index.js';
import { loadTileSet } from '../../methods/metric-learning/tile-data.js';
import { evaluateFold, meanSd, type FoldHeadResult } from '../../methods/metric-learning/open-set-eval.js';
import { pca2, umap2 } from '../../methods/metric-learning/projection.js';
import { scatterPlot } from '../../report/figures/scatter-plot.js';
import { rocCurves } from '../../report/figures/roc-curves.js';
import { OptionError } from '../../util/errors.js';
import { METRIC_DATA_SPECS, METRIC_NET_SPECS, splitDataset, tileOptions, type MetricDataOptions, type MetricNetOptions } from './metric-options.js';
import type { ImageVerdictOptions } from '../../methods/metric-learning/verdict.js';
import type { ReportSummary } from '../../report/summary.js';

export interface MetricOpensetEvalOptions extends MetricDataOptions, MetricNetOptions {
  /** Heads compared, comma-separated. @default every registered head */ heads: string;
  /** Classes held out in turn, comma-separated; '' = every class. @default '' */ holdOut: string;
  /** Embedding figures (PCA, UMAP) for the first held-out class. @default true */ figures: boolean;
  /** Continue a killed run in --out: each fold and head from its newest checkpoint (finished ones are not retrained). @default false */ resume: boolean;
}

const STATS = ['auroc', 'auprIn', 'auprOut', 'fpr95', 'imageAuroc', 'knownImageAccuracy', 'unknownImageRecall'] as const;

export const metricOpensetEvalCommand = defineCommand<MetricOpensetEvalOptions>({
  name: 'metric openset-eval',
  summary: 'leave-one-class-out unknown detection: metric heads vs softmax, every unknown score',
  writesRun: true,
  options: {
    ...METRIC_DATA_SPECS,
    ...METRIC_NET_SPECS,
    heads: { kind: 'string', description: `heads to compare (${HEAD_NAMES.join(', ')})`, default: HEAD_NAMES.join(','), placeholder: 'LIST' },
    holdOut: { kind: 'string', description: "classes held out in turn ('' = all)", default: '', placeholder: 'LIST' },
    figures: { kind: 'boolean', description: 'embedding projections (PCA, UMAP) for the first held-out class', default: true },
    resume: { kind: 'boolean', description: 'continue a killed run in --out (each fold and head from its newest checkpoint)', default: false },
  },
  async run(o, _args, ctx) {
    const heads = o.heads.split(',').map((s) => s.trim()).filter(Boolean);
    for (const h of heads) if (!HEAD_NAMES.includes(h)) throw new OptionError('--heads', `unknown head '${h}' (one of ${HEAD_NAMES.join(', ')})`);
    const { classes, images, split } = await splitDataset(o, o.seed);
    const holdOut = o.holdOut ? o.holdOut.split(',').map((s) => s.trim()) : classes;
    for (const c of holdOut) if (!classes.includes(c)) throw new OptionError('--hold-out', `no class '${c}' (classes: ${classes.join(', ')})`);
    if (classes.length < 3) throw new OptionError('--data', `leave-one-class-out needs at least 3 classes, found ${classes.length}`);
    const guarded = images.length - split.train.length - split.val.length - split.test.length;
    ctx.log(`openset-eval: ${images.length} images of ${classes.join('/')}; split train ${split.train.length} / val ${split.val.length} / test ${split.test.length} images${guarded ? `, ${guarded} left out by --guard` : ''}`);
    const all = await loadTileSet(images, tileOptions(o));
    ctx.log(`tiles: ${all.count} of ${all.size}×${all.size} px (${o.tileSize} px downsampled ×${o.downsample})`);
    const run = ctx.run();
    if (o.resume && !run) throw new OptionError('--resume', 'needs --out, the folder of the run to continue');
    await run?.writeJson('split.json', { classes, train: split.train.map((i) => images[i].path), val: split.val.map((i) => images[i].path), test: split.test.map((i) => images[i].path) });
    const verdict: ImageVerdictOptions = { aggregate: o.aggregate as ImageVerdictOptions['aggregate'] };
    const results: FoldHeadResult[] = [];
    for (const [fi, cls] of holdOut.entries()) {
      const u = classes.indexOf(cls);
      // Known classes use their split; the unknown class's images are all test images (never trained on).
      const keep = (ims: number[]): number[] => ims.filter((i) => images[i].label !== u);
      const fold = { train: keep(split.train), val: keep(split.val), test: keep(split.test) };
      for (const head of heads) {
        const bar = ctx.progress({ label: `${cls} held out, ${head}`, total: 1, unit: 'runs' });
        // one checkpoint folder per fold and head, so a killed run loses at most one epoch of one fold
        const checkpointDir = run ? join(run.checkpointDir(), `${cls}-${head}`) : undefined;
        const latest = o.resume && checkpointDir !== undefined ? latestCheckpoint(checkpointDir) : undefined;
        const resume = latest !== undefined;
        if (latest) ctx.log(`  ${cls} held out, ${head}: resuming after epoch ${latest.epoch}`);
        const r = await evaluateFold(all, classes, u, fold, head, {
          net: { backbone: o.backbone, width: o.width, embeddingSize: o.embeddingSize, scale: o.scale },
          train: { epochs: o.epochs, batchSize: o.batchSize, lr: o.lr, augment: o.augment, order: o.balanced ? 'balanced' : 'shuffle', seed: o.seed, device: o.device },
          tpr: o.tpr,
          verdict,
          checkpointDir,
          resume,
          onEpoch: (e) => ctx.log(`  ${cls} held out, ${head}: epoch ${e.epoch}/${o.epochs} loss ${e.loss.toFixed(3)}, train accuracy ${e.trainAccuracy.toFixed(3)}, val tiles ${e.valAccuracy.toFixed(3)} (${e.tilesPerSecond.toFixed(0)} tiles/s)`),
        });
        results.push(r);
        const line = `${cls} held out, ${head}: closed-set tiles ${(r.closedSetTileAccuracy * 100).toFixed(1)}%, images ${(r.closedSetImageAccuracy * 100).toFixed(1)}%; AUROC ${SCORE_NAMES.map((s) => `${s} ${r.scores[s].auroc.toFixed(3)}`).join(', ')} (${r.trainSeconds.toFixed(0)} s)`;
        bar.done(line);
        run?.log(line);
        if (run && o.figures && fi === 0) await embeddingFigures(run, r, classes.filter((_, i) => i !== u), o.seed);
      }
      if (run && o.figures) await rocFigure(run, results.filter((r) => r.unknownClass === cls));
    }
    const summary = summarize(results, heads, holdOut);
    const json = {
      convention: 'unknown = positive class; higher score = more unknown; AUROC/AUPR/FPR95 on tiles (known test tiles vs every tile of the held-out class), imageAuroc on the mean tile score per image',
      classes,
      heldOut: holdOut,
      tiles: { count: all.count, tileSize: o.tileSize, downsample: o.downsample, stored: all.size },
      heads: summary,
      folds: results.map((r) => ({ head: r.head, unknownClass: r.unknownClass, closedSetTileAccuracy: r.closedSetTileAccuracy, closedSetImageAccuracy: r.closedSetImageAccuracy, knownClasses: r.knownClasses, confusion: r.confusion, scores: withoutRoc(r.scores), trainSeconds: r.trainSeconds, epochs: r.epochs })),
    };
    await run?.writeMetrics(json);
    const text = heads
      .map((h) => {
        const s = summary[h];
        const pm = (m: { mean: number; sd: number }): string => `${m.mean.toFixed(3)} ± ${m.sd.toFixed(3)}`;
        return `${h}: closed-set tiles ${pm(s.closedSetTileAccuracyStats)}, images ${pm(s.closedSetImageAccuracyStats)}; AUROC ${SCORE_NAMES.map((n) => `${n} ${pm(s.stats[n].auroc)}`).join(', ')}`;
      })
      .join('\n');
    return { json, text, summary: reportSummary(summary, heads, holdOut, run ? await run.figures.list() : []) };
  },
});

/** The report's opening: head × score AUROC (mean ± sd over held-out classes, best per head in bold), closed-set accuracy, figures. */
function reportSummary(summary: Record<string, HeadSummary>, heads: string[], holdOut: string[], figures: { name: string; file: string }[]): ReportSummary {
  const pm = (m: { mean: number; sd: number }): string => `${m.mean.toFixed(3)} ± ${m.sd.toFixed(3)}`;
  const best: [number, number][] = heads.map((h, i) => {
    const a = summary[h].auroc;
    const j = SCORE_NAMES.reduce((bj, n, k) => (a[n] > a[SCORE_NAMES[bj]] ? k : bj), 0);
    return [i, 2 + j];
  });
  let top = { head: heads[0], score: SCORE_NAMES[0] as string, auroc: -1 };
  for (const h of heads) for (const n of SCORE_NAMES) if (summary[h].auroc[n] > top.auroc) top = { head: h, score: n, auroc: summary[h].auroc[n] };
  const msp = summary.softmax?.auroc.msp;
  const verdict = `Best unknown detector over ${holdOut.length} held-out class${holdOut.length === 1 ? '' : 'es'}: ${top.head} head with ${top.score} (mean AUROC ${top.auroc.toFixed(3)}${msp !== undefined ? `; softmax MSP ${msp.toFixed(3)}` : ''}). Best closed-set tile accuracy: ${heads.map((h) => [h, summary[h].closedSetTileAccuracy] as const).sort((x, y) => y[1] - x[1]).map(([h, v]) => `${h} ${(v * 100).toFixed(1)} %`)[0]}.`;
  const shown = figures.filter((f) => f.name.startsWith('roc-') || f.name.startsWith('embedding-pca-'));
  return {
    verdict,
    tables: [{
      caption: `Tile AUROC of unknown detection (unknown = positive), mean ± sd over held-out classes (${holdOut.join(', ')}); bold: the best score of each head`,
      columns: ['head', 'closed-set tiles', 'closed-set images', ...SCORE_NAMES],
      rows: heads.map((h) => ({ label: h, cells: [pm(summary[h].closedSetTileAccuracyStats), pm(summary[h].closedSetImageAccuracyStats), ...SCORE_NAMES.map((n) => pm(summary[h].stats[n].auroc))] })),
      best,
    }],
    galleries: shown.length > 0 ? [{ caption: 'ROC curves per held-out class and the test embeddings (PCA) of the first fold', columns: 2, side: 480, items: shown.map((f) => ({ title: f.name, images: [{ file: f.file }] })) }] : [],
  };
}

interface HeadSummary {
  closedSetTileAccuracy: number;
  closedSetImageAccuracy: number;
  /** Mean over held-out classes, per score. */
  auroc: Record<string, number>;
  closedSetTileAccuracyStats: { mean: number; sd: number };
  closedSetImageAccuracyStats: { mean: number; sd: number };
  /** Mean ± sd over held-out classes of every statistic, per score. */
  stats: Record<string, Record<(typeof STATS)[number], { mean: number; sd: number }>>;
}

function summarize(results: FoldHeadResult[], heads: string[], holdOut: string[]): Record<string, HeadSummary> {
  const out: Record<string, HeadSummary> = {};
  for (const h of heads) {
    const rs = results.filter((r) => r.head === h && holdOut.includes(r.unknownClass));
    const tile = meanSd(rs.map((r) => r.closedSetTileAccuracy));
    const img = meanSd(rs.map((r) => r.closedSetImageAccuracy));
    const stats: HeadSummary['stats'] = {};
    const auroc: Record<string, number> = {};
    for (const s of SCORE_NAMES) {
      stats[s] = Object.fromEntries(STATS.map((k) => [k, meanSd(rs.map((r) => r.scores[s][k]))])) as HeadSummary['stats'][string];
      auroc[s] = stats[s].auroc.mean;
    }
    out[h] = { closedSetTileAccuracy: tile.mean, closedSetImageAccuracy: img.mean, auroc, closedSetTileAccuracyStats: tile, closedSetImageAccuracyStats: img, stats };
  }
  return out;
}

/** Scores without their ROC points (the figures hold those; metrics.json stays readable). */
function withoutRoc(scores: FoldHeadResult['scores']): Record<string, Omit<FoldHeadResult['scores'][string], 'roc'>> {
  return Object.fromEntries(Object.entries(scores).map(([k, { roc: _roc, ...rest }]) => [k, rest]));
}

/** Scores drawn in the ROC figure: the softmax baselines (and its embedding's centroid distance), the embedding scores of the metric heads. */
const ROC_SCORES: Record<string, readonly string[]> = { softmax: ['msp', 'energy', 'centroid-distance'], default: ['centroid-distance', 'knn-distance'] };

async function rocFigure(run: NonNullable<ReturnType<Parameters<typeof metricOpensetEvalCommand.run>[2]['run']>>, fold: FoldHeadResult[]): Promise<void> {
  if (fold.length === 0) return;
  const curves = fold.flatMap((r) => (ROC_SCORES[r.head] ?? ROC_SCORES.default).map((s) => ({ name: `${r.head} · ${s}`, fpr: r.scores[s].roc.fpr, tpr: r.scores[s].roc.tpr, auc: r.scores[s].auroc })));
  const u = fold[0].unknownClass;
  await run.figures.add(rocCurves, `roc-${u}`, { curves }, { title: `${u} held out as unknown`, legendOrient: 'right', maxPoints: 200 }, `Tile-level ROC of unknown detection with ${u} as the unknown (positive) class: known test tiles vs every ${u} tile; AUC in the legend`);
}

async function embeddingFigures(run: NonNullable<ReturnType<Parameters<typeof metricOpensetEvalCommand.run>[2]['run']>>, r: FoldHeadResult, knownNames: string[], seed: number): Promise<void> {
  const names = Array.from(r.embeddings.labels, (l) => (l < 0 ? 'unknown' : knownNames[l]));
  const cents = r.embeddings.centroidsOf;
  const p = pca2(r.embeddings.test, cents);
  const centroidsAt = (x: ArrayLike<number>, y: ArrayLike<number>): { label: string; x: number; y: number }[] => knownNames.map((label, i) => ({ label, x: x[i], y: y[i] }));
  const caption = (how: string): string => `${r.head} head, ${r.unknownClass} held out as unknown: ${how} of the test-tile embeddings${r.head === 'softmax' ? '' : ' (L2-normalised)'}; diamonds are the known-class centroids, black crosses the unknown class's tiles`;
  await run.figures.add(scatterPlot, `embedding-pca-${r.head}`, { x: p.points.x, y: p.points.y, labels: names, centroids: centroidsAt(p.extra!.x, p.extra!.y) }, { xTitle: 'PC 1', yTitle: 'PC 2', classOrder: [...knownNames, 'unknown'] }, caption('PCA'));
  // UMAP is fitted on tiles and centroids together, so the centroids land in the same map.
  const withC = { rows: r.embeddings.test.rows + cents.rows, cols: cents.cols, data: Float32Array.from([...r.embeddings.test.data, ...cents.data]) };
  const u = umap2(withC, seed);
  const n = r.embeddings.test.rows;
  await run.figures.add(scatterPlot, `embedding-umap-${r.head}`, { x: u.x.subarray(0, n), y: u.y.subarray(0, n), labels: names, centroids: centroidsAt(u.x.subarray(n), u.y.subarray(n)) }, { xTitle: 'UMAP 1', yTitle: 'UMAP 2', classOrder: [...knownNames, 'unknown'] }, caption('UMAP'));
}
