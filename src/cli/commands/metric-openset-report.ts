// The report of `kensa metric openset-eval`: its summary (per-head AUROC with intervals over
// folds, the paired comparison with the softmax baselines) and its figures (ROC curves per
// held-out class, embedding projections of the first fold).
import { pca2, umap2 } from '../../methods/metric-learning/projection.js';
import type { HeadIntervals, PairedRow, ProtocolFoldResult } from '../../methods/metric-learning/openset-protocol.js';
import type { FoldInterval } from '../../methods/metric-learning/fold-stats.js';
import type { FoldHeadResult } from '../../methods/metric-learning/open-set-eval.js';
import { scatterPlot } from '../../report/figures/scatter-plot.js';
import { rocCurves } from '../../report/figures/roc-curves.js';
import type { ReportSummary } from '../../report/summary.js';
import type { RunFolder } from '../run-folder.js';

/** "0.712 [0.650, 0.770]" */
export const withInterval = (m: FoldInterval, digits = 3): string => (m.n === 0 ? 'n/a' : `${m.mean.toFixed(digits)} [${m.low.toFixed(digits)}, ${m.high.toFixed(digits)}]`);
const signed = (m: FoldInterval): string => (m.n === 0 ? 'n/a' : `${m.mean >= 0 ? '+' : ''}${m.mean.toFixed(3)} [${m.low >= 0 ? '+' : ''}${m.low.toFixed(3)}, ${m.high >= 0 ? '+' : ''}${m.high.toFixed(3)}]`);

export interface OpensetSummaryInput {
  heads: string[];
  scores: readonly string[];
  intervals: Record<string, HeadIntervals>;
  paired: PairedRow[];
  /** e.g. "5 test blocks × 3 seeds × 4 held-out classes = 60 folds per head". */
  protocol: string;
  interval: string;
  figures: { name: string; file: string }[];
}

/** The report's opening: head × score AUROC with intervals (best per head in bold), then the paired table. */
export function opensetSummary(s: OpensetSummaryInput): ReportSummary {
  const { heads, scores, intervals } = s;
  const best: [number, number][] = heads.map((h, i) => {
    const a = intervals[h].auroc;
    const j = scores.reduce((bj, n, k) => (a[n].mean > a[scores[bj]].mean ? k : bj), 0);
    return [i, 2 + j];
  });
  let top = { head: heads[0], score: scores[0], auroc: -1 };
  for (const h of heads) for (const n of scores) if (intervals[h].auroc[n].mean > top.auroc) top = { head: h, score: n, auroc: intervals[h].auroc[n].mean };
  const msp = intervals.softmax?.auroc.msp;
  const vsMsp = s.paired.find((r) => r.head === top.head && r.score === top.score && r.baseline === 'msp');
  const closed = heads.map((h) => [h, intervals[h].closedSetTileAccuracy.mean] as const).sort((x, y) => y[1] - x[1])[0];
  const verdict =
    `Best unknown detector over ${s.protocol}: ${top.head} head with ${top.score} (tile AUROC ${withInterval(intervals[top.head].auroc[top.score])}` +
    (msp ? `; softmax MSP ${withInterval(msp)}` : '') +
    (vsMsp ? `; paired difference ${signed(vsMsp.difference)}, ${vsMsp.difference.low > 0 ? 'interval above zero' : vsMsp.difference.high < 0 ? 'interval below zero' : 'interval includes zero'}` : '') +
    `). Best closed-set tile accuracy: ${closed[0]} ${(closed[1] * 100).toFixed(1)} %.`;
  const shown = s.figures.filter((f) => f.name.startsWith('roc-') || f.name.startsWith('embedding-pca-'));
  const tables: ReportSummary['tables'] = [{
    caption: `Tile AUROC of unknown detection (unknown = positive): mean over folds [95 % interval: ${s.interval}]; bold: the best score of each head`,
    columns: ['head', 'closed-set tiles', 'closed-set images', ...scores],
    rows: heads.map((h) => ({ label: h, cells: [withInterval(intervals[h].closedSetTileAccuracy), withInterval(intervals[h].closedSetImageAccuracy), ...scores.map((n) => withInterval(intervals[h].auroc[n]))] })),
    best,
  }];
  if (s.paired.length > 0) {
    const rowsOf = [...new Set(s.paired.map((r) => `${r.head}\u0000${r.score}`))].map((k) => k.split('\u0000'));
    const cell = (head: string, score: string, baseline: string): PairedRow | undefined => s.paired.find((r) => r.head === head && r.score === score && r.baseline === baseline);
    const baselines = [...new Set(s.paired.map((r) => r.baseline))];
    tables.push({
      caption: `Paired tile-AUROC difference, head · score minus softmax · baseline on the same folds: mean [95 % interval], folds won/lost; bold: interval above zero`,
      columns: ['head · score', ...baselines.flatMap((b) => [`− softmax ${b}`, 'won/lost'])],
      rows: rowsOf.map(([h, n]) => ({ label: `${h} · ${n}`, cells: baselines.flatMap((b) => { const r = cell(h, n, b)!; return [signed(r.difference), `${r.difference.wins}/${r.difference.losses}`]; }) })),
      best: rowsOf.flatMap(([h, n], i) => baselines.flatMap((b, j) => (cell(h, n, b)!.difference.low > 0 ? [[i, 2 * j] as [number, number]] : []))),
    });
  }
  return {
    verdict,
    tables,
    galleries: shown.length > 0 ? [{ caption: 'ROC curves per held-out class (first test block and seed) and the test embeddings (PCA) of the first fold', columns: 2, side: 480, items: shown.map((f) => ({ title: f.name, images: [{ file: f.file }] })) }] : [],
  };
}

/** Scores drawn in the ROC figure: the softmax baselines (and its embedding's centroid distance), the embedding scores of the metric heads. */
const ROC_SCORES: Record<string, readonly string[]> = { softmax: ['msp', 'energy', 'centroid-distance'], default: ['centroid-distance', 'knn-distance'] };

export async function rocFigure(run: RunFolder, fold: readonly ProtocolFoldResult[]): Promise<void> {
  if (fold.length === 0) return;
  const curves = fold.flatMap((r) => (ROC_SCORES[r.head] ?? ROC_SCORES.default).filter((s) => r.scores[s]).map((s) => ({ name: `${r.head} · ${s}`, fpr: r.scores[s].roc.fpr, tpr: r.scores[s].roc.tpr, auc: r.scores[s].auroc })));
  const u = fold[0].unknownClass;
  await run.figures.add(rocCurves, `roc-${u}`, { curves }, { title: `${u} held out as unknown`, legendOrient: 'right', maxPoints: 200 }, `Tile-level ROC of unknown detection with ${u} as the unknown (positive) class (test block ${fold[0].testBlock}, seed ${fold[0].seed}): known test tiles vs the ${u} tiles tested; AUC in the legend`);
}

export async function embeddingFigures(run: RunFolder, r: FoldHeadResult, knownNames: string[], seed: number): Promise<void> {
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
